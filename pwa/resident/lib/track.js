// A case's tracking data, read from GET /api/track/{token}, as the views use it.

import { MUTATIONS } from "/sync/client/names.js";
import { getJson } from "./api.js";

export const WITHDRAWABLE = Object.freeze(["submitted", "accepted"]);
const POLL_MS = 20_000;
export const FINISHED = Object.freeze(["closed", "rejected", "duplicate", "withdrawn"]);

/**
 * `{state: "ok", view}`, `{state: "missing"}` (the server does not know the token) or `{state: "offline"}`.
 * @param {string} token
 */
export async function fetchTrack(token) {
  const answer = await getJson(`/api/track/${encodeURIComponent(token)}`);
  if (answer.ok) return { state: "ok", view: toView(answer.data), cached: answer.cached };
  if (answer.status === 404) return { state: "missing" };
  return { state: "offline" };
}

function toView(data) {
  const c = data.case ?? data;
  const timeline = (data.timeline ?? []).map((e) => ({
    seq: e.seq, type: e.type, status: e.status ?? null, at: e.at ?? null, text: e.text ?? null, rating: e.rating ?? null,
  }));
  // A case reworked after an unsatisfied rating is rated again when it is resolved again.
  const lastResolve = timeline.findLastIndex((e) => e.status === "resolved");
  const ratedSince = timeline.slice(lastResolve + 1).some((e) => e.type === "case.rate");
  return {
    number: c.number ?? null,
    status: c.status,
    site: c.site ? { code: c.site, name: c.site_name ?? c.site } : null,
    category: c.category ?? null,
    description: c.description ?? "",
    createdAt: c.created_at ?? null,
    rating: c.rating ?? null,
    rateable: c.status === "resolved" && !ratedSince,
    photos: Array.isArray(c.photos) ? c.photos : [],
    timeline,
  };
}

/**
 * Follow a case live: `onEvent()` on every event of its stream (the caller re-fetches). Returns `close()`.
 * @param {string} token
 * @param {() => void} onEvent
 */
export function followTrack(token, onEvent) {
  if (typeof EventSource !== "function") return () => {};
  const source = new EventSource(`/api/track/${encodeURIComponent(token)}/events`);
  const handler = () => onEvent();
  // Each event arrives named by its type (case.accept, …); any of them means "fetch the case again".
  source.onmessage = handler;
  for (const type of MUTATIONS) source.addEventListener(type, handler);
  // On every (re)connection: catch up with whatever happened while the stream was down.
  source.onopen = handler;
  // A stream the server refused (or a proxy that cannot stream) is not retried by the browser: poll instead.
  let poll = null;
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED && poll === null) poll = setInterval(handler, POLL_MS);
  };
  return () => {
    source.close();
    clearInterval(poll);
  };
}
