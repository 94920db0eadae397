// The browser's own database: its stores, and the one `meta` record that says who this client is and
// how far it has got (client_id, the next mid to hand out, the pull cursor, the last HLC reading).

import { openDatabase, result } from "./idb.js";

/** Store names; every module that opens a transaction takes them from here. */
export const STORES = Object.freeze({
  meta: "meta",
  outbox: "outbox",
  cases: "cases",
  rejected: "rejected",
});

/** Index of `outbox` by the case a mutation names (every mutation's args carry the case `id`). */
export const OUTBOX_BY_CASE = "by_case";

const VERSION = 1;
const META_KEY = "client";

function upgrade(db, oldVersion) {
  if (oldVersion < 1) {
    db.createObjectStore(STORES.meta);
    const outbox = db.createObjectStore(STORES.outbox, { keyPath: "mid" });
    outbox.createIndex(OUTBOX_BY_CASE, "args.id");
    db.createObjectStore(STORES.cases, { keyPath: "id" });
    db.createObjectStore(STORES.rejected, { keyPath: "mid" });
  }
}

/**
 * 128 random bits as 32 lowercase hex characters: a resident's client_id, and a case's track_token.
 * @returns {string}
 */
export function randomHex128() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Open the local database of one kind of client (resident, kiosk, field). Kinds live in separate
 * databases because each is a separate client with its own client_id and mid sequence.
 * @param {string} name database name, e.g. "mashangban-resident"
 */
export function openLocal(name) {
  return openDatabase(name, VERSION, upgrade);
}

/**
 * The meta record, read inside a transaction that includes the `meta` store. A read-write transaction
 * creates it when missing, so a database the browser evicted under an open page starts afresh instead of
 * failing every write.
 * @param {IDBTransaction} tx
 * @returns {Promise<{client_id: string, next_mid: number, cursor: number, hlc: string|null, persist_asked: boolean}>}
 */
export async function readMeta(tx) {
  const store = tx.objectStore(STORES.meta);
  const found = await result(store.get(META_KEY));
  if (found !== undefined || tx.mode !== "readwrite") return found;
  const meta = { client_id: randomHex128(), next_mid: 1, cursor: 0, hlc: null, persist_asked: false };
  await result(store.put(meta, META_KEY));
  return meta;
}

/**
 * Write the meta record back (inside a read-write transaction over `meta`).
 * @param {IDBTransaction} tx
 * @param {object} meta
 */
export function writeMeta(tx, meta) {
  return result(tx.objectStore(STORES.meta).put(meta, META_KEY));
}

/**
 * The meta record, created on first use.
 * @param {import("./idb.js").Database} db
 */
export async function loadMeta(db) {
  const meta = await db.read([STORES.meta], (tx) => readMeta(tx));
  return meta ?? db.write([STORES.meta], (tx) => readMeta(tx));
}
