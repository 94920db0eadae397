// The sync client's public API: one `createClient(config)` per app (resident, kiosk, field), plus the
// clock and the shared names for the apps' own use.

import { forgetCases, getCase, listCases } from "./cases.js";
import { loadMeta, openLocal, randomHex128 } from "./local.js";
import { CLIENT_KINDS } from "./names.js";
import { dismissRejected, enqueue, pendingCount, pendingRows, rejectedRows } from "./outbox.js";
import { createSyncer } from "./syncer.js";

export { format as formatHlc, parse as parseHlc, receive as receiveHlc, tick as tickHlc } from "./hlc.js";
export { SyncError } from "./transport.js";
export { LOCK_NAME, backoffDelay } from "./syncer.js";
export { createPump } from "./pump.js";
export { CHUNK_SIZE, UploadInterrupted, UploadRefused, idbUploadStore, uploadFile } from "./uploads.js";
export * from "./names.js";

/**
 * Fresh identifiers for a `case.create`: the case id (a UUID) and the resident's track_token (128 bits).
 * @returns {{id: string, track_token: string}}
 */
export function newCaseKeys() {
  return { id: crypto.randomUUID(), track_token: randomHex128() };
}

/**
 * Make the sync client of one app. Nothing happens on the network until `start()`.
 *
 * - resident: `createClient({kind: "resident"})`; makes its own random client_id and names itself with
 *   the `X-Client-Id` header on pull.
 * - field: `createClient({kind: "field", token: () => deviceToken})`; sends `Authorization: Bearer`.
 * - kiosk: `createClient({kind: "kiosk", token})`, with the device token its registration gave it.
 *
 * @param {object} [config]
 * @param {string} [config.kind] one of CLIENT_KINDS; each kind keeps its own database and client_id
 * @param {string|(() => string|null)} [config.token] device token (field, kiosk); a function is asked
 *   before every request, so a renewed token is picked up without a new client
 * @param {string} [config.baseUrl] origin of the server, "" for the page's own
 * @param {string} [config.dbName] IndexedDB database name (default `mashangban-<kind>`)
 * @param {number} [config.batchSize] mutations per push (default 50)
 * @param {number} [config.timeoutMs] a request that takes longer counts as failed (default 30 s)
 * @param {typeof fetch} [config.fetch]
 */
export function createClient(config = {}) {
  const kind = config.kind ?? "resident";
  if (!CLIENT_KINDS.includes(kind)) throw new TypeError(`unknown client kind: ${kind}`);
  const settings = {
    baseUrl: config.baseUrl ?? "",
    token: config.token,
    batchSize: config.batchSize ?? 50,
    timeoutMs: config.timeoutMs ?? 30_000,
    fetch: config.fetch ?? ((...args) => fetch(...args)),
  };
  const db = openLocal(config.dbName ?? `mashangban-${kind}`);
  const target = new EventTarget();
  const syncer = createSyncer({ db, config: settings, target });

  return Object.freeze({
    kind,

    /** The state for the UI: `{pending, syncing, lastSuccessAt, lastError, rejected}`. */
    get state() {
      return syncer.state;
    },

    /**
     * Call `fn(state)` now and on every change; returns the function that unsubscribes.
     * @param {(state: object) => void} fn
     */
    subscribe(fn) {
      const listener = (event) => fn(event.detail);
      target.addEventListener("state", listener);
      fn(syncer.state);
      return () => target.removeEventListener("state", listener);
    },

    /**
     * Listen for "state" (detail: the state) or "cases" (detail: {ids}, cases a pull changed, in any tab).
     * @param {"state"|"cases"} type
     * @param {(event: CustomEvent) => void} listener
     */
    addEventListener: (type, listener) => target.addEventListener(type, listener),
    /** Undo addEventListener. */
    removeEventListener: (type, listener) => target.removeEventListener(type, listener),

    /** This client's client_id (32 hex characters), made on first use. */
    async clientId() {
      return (await loadMeta(db)).client_id;
    },

    /**
     * Queue a mutation with its local change in one transaction, then sync soon.
     * @param {string} name e.g. "case.create"
     * @param {{id: string}} args
     * @param {object|((current: object|undefined, row: object) => object|undefined)} [localChange]
     *   the case as the user now sees it, or a function from the stored case to it
     * @returns {Promise<{mid: number, name: string, args: object, hlc: string}>}
     */
    async enqueue(name, args, localChange) {
      const row = await enqueue(db, name, args, localChange);
      await syncer.changed();
      return row;
    },

    /**
     * Mutations not yet acknowledged, in mid order (optionally only those of one case).
     * @param {{limit?: number, caseId?: string}} [options]
     */
    pending: (options) => pendingRows(db, options),
    /** How many mutations wait for the server. */
    pendingCount: () => pendingCount(db),
    /** Mutations the server refused: `{mid, name, args, hlc, error, message, at}`. */
    rejected: () => rejectedRows(db),
    /** Forget a refusal the person has seen. @param {number} mid */
    async dismissRejected(mid) {
      await dismissRejected(db, mid);
      await syncer.changed();
    },

    /** One case as this device knows it. @param {string} id */
    getCase: (id) => getCase(db, id),
    /** Every case this device knows. */
    listCases: () => listCases(db),
    /** Forget the local copies of cases (kiosk: the person left); queued mutations are still sent. */
    forgetCases: () => forgetCases(db),

    /** Start syncing: now, when the network returns, when the page becomes visible, on pokes, on retry. */
    start: () => syncer.start(),
    /** Stop every trigger (a round already running finishes). */
    stop: () => syncer.stop(),
    /** Something changed on the server (an SSE event arrived): sync soon. */
    poke: () => syncer.poke(),
    /** Run a round now (after the one running, if any); resolves with the state after it. */
    syncNow: () => syncer.syncNow(),
    /** Stop and close the database connection. */
    async close() {
      syncer.stop();
      await db.close();
    },
  });
}
