// A case's tracking data, read from GET /api/track/{token}, as the views use it.

import { getJson } from "./api.js";

export const WITHDRAWABLE = Object.freeze(["submitted", "accepted"]);
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
  return {
    number: c.number ?? null,
    status: c.status,
    site: c.site ?? null,
    category: c.category ?? null,
    description: c.description ?? "",
    createdAt: c.created_at ?? null,
    rating: c.rating ?? null,
    photos: Array.isArray(c.photos) ? c.photos : [],
    timeline: (data.timeline ?? data.events ?? []).map((e) => ({
      seq: e.seq, type: e.type, status: e.status ?? null, at: e.at ?? e.created_at ?? null, text: e.text ?? null,
    })),
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
  source.onmessage = handler;
  for (const type of ["status", "case", "change"]) source.addEventListener(type, handler);
  source.onopen = handler;
  return () => source.close();
}
