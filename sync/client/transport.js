// HTTP for the sync protocol: one push, one pull, each turned into an outcome the syncer can act on.
// Nothing here touches IndexedDB; a failed request changes nothing locally.

import { ZH } from "./zh.js";

export const PUSH_PATH = "/api/sync/push";
export const PULL_PATH = "/api/sync/pull";
export const CLIENT_ID_HEADER = "X-Client-Id";

const RETRY_AFTER_MAX_MS = 10 * 60 * 1000;

/** A failed exchange: `status` 0 means no usable answer (offline, timeout, connection closed). */
export class SyncError extends Error {
  /**
   * @param {string} error a code, e.g. "network", "internal", "forbidden"
   * @param {string} message for people (the server's Chinese message when it sent one)
   * @param {{status?: number, retryAfterMs?: number}} [details]
   */
  constructor(error, message, { status = 0, retryAfterMs } = {}) {
    super(message);
    this.name = "SyncError";
    this.error = error;
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * Milliseconds to wait from a Retry-After header (seconds or an HTTP date), or undefined.
 * @param {string|null} value
 * @param {number} [now]
 */
export function parseRetryAfter(value, now = Date.now()) {
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  if (!Number.isFinite(ms)) return undefined;
  // A bad or hostile header must not park the queue for days; a later trigger tries again anyway.
  return Math.min(Math.max(ms, 0), RETRY_AFTER_MAX_MS);
}

async function exchange(config, path, init) {
  const headers = { Accept: "application/json", ...init.headers };
  const token = typeof config.token === "function" ? config.token() : config.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  let body;
  try {
    response = await config.fetch(config.baseUrl + path, {
      ...init,
      headers,
      credentials: "same-origin",
      cache: "no-store",
      signal: AbortSignal.timeout(config.timeoutMs),
    });
    body = await response.json();
  } catch (err) {
    // No status, or a status whose body never arrived (the connection closed mid-reply): either way we
    // cannot know what the server did, so the rows stay and go again; the server's mid check dedups.
    if (response === undefined || response.ok) {
      throw new SyncError("network", ZH.network, { status: response?.status ?? 0 });
    }
    body = {};
  }
  return { response, body };
}

function failure(response, body) {
  const retryAfterMs = parseRetryAfter(response.headers.get("Retry-After"));
  return new SyncError(body?.error ?? "http_" + response.status, body?.message ?? ZH.failed,
    { status: response.status, retryAfterMs });
}

/**
 * Send one batch. Resolves with the acknowledgement `{last_mid, results, cursor}` or with
 * `{gap: expected_mid}` on 409; throws SyncError for anything else.
 * @param {{baseUrl: string, fetch: typeof fetch, timeoutMs: number, token?: string|(() => string|null)}} config
 * @param {string} clientId
 * @param {Array<{mid: number, name: string, args: object, hlc: string}>} rows
 */
export async function push(config, clientId, rows) {
  const mutations = rows.map(({ mid, name, args, hlc }) => ({ mid, name, args, hlc }));
  const { response, body } = await exchange(config, PUSH_PATH, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ client_id: clientId, mutations }),
  });
  if (response.status === 409 && Number.isInteger(body?.expected_mid)) return { gap: body.expected_mid };
  if (!response.ok) throw failure(response, body);
  if (!Number.isInteger(body?.last_mid) || !Array.isArray(body.results)) {
    throw new SyncError("bad_reply", ZH.bad_reply, { status: response.status });
  }
  return body;
}

/**
 * Fetch one page of changes after `cursor`: `{changes, cursor, more}`; throws SyncError on failure.
 * @param {{baseUrl: string, fetch: typeof fetch, timeoutMs: number, token?: string|(() => string|null)}} config
 * @param {string} clientId named in a header, never in the URL (URLs end up in logs)
 * @param {number} cursor
 */
export async function pull(config, clientId, cursor) {
  const { response, body } = await exchange(config, `${PULL_PATH}?cursor=${encodeURIComponent(cursor)}`, {
    method: "GET",
    headers: { [CLIENT_ID_HEADER]: clientId },
  });
  if (!response.ok) throw failure(response, body);
  if (!Array.isArray(body?.changes) || !Number.isInteger(body.cursor)) {
    throw new SyncError("bad_reply", ZH.bad_reply, { status: response.status });
  }
  return body;
}
