// The outbox: mutations waiting for the server, and the ones it refused.
// A mutation enters in the same transaction as the local change it stands for and the mid it was given,
// so a crash leaves either all three or none. It leaves only when the server says `last_mid >= mid`:
// until then a reload, a closed tab or a server error sends it again, and the server's mid check makes
// the repeat harmless.

import { tick } from "./hlc.js";
import { result } from "./idb.js";
import { OUTBOX_BY_CASE, STORES, readMeta, writeMeta } from "./local.js";
import { MUTATIONS } from "./names.js";
import { ZH } from "./zh.js";

/**
 * Queue a mutation and apply its local change, atomically.
 * @param {import("./idb.js").Database} db
 * @param {string} name one of MUTATIONS, e.g. "case.create"
 * @param {{id: string}} args the mutation's arguments; every mutation names its case by `id`
 * @param {object|((current: object|undefined, row: {mid: number, name: string, args: object, hlc: string}) => object|undefined)|null} [localChange]
 *   the case as the user should now see it, or a function from the stored case to the new one
 *   (it runs inside the transaction, so concurrent tabs cannot lose each other's edits)
 * @returns {Promise<{mid: number, name: string, args: object, hlc: string}>} the queued row
 */
export async function enqueue(db, name, args, localChange) {
  if (!MUTATIONS.includes(name)) throw new TypeError(`unknown mutation: ${name}`);
  if (typeof args?.id !== "string" || args.id === "") throw new TypeError(`${name}: args.id must name the case`);
  return db.write([STORES.meta, STORES.outbox, STORES.cases], async (tx) => {
    const meta = await readMeta(tx);
    const row = { mid: meta.next_mid, name, args, hlc: tick(meta.hlc) };
    const cases = tx.objectStore(STORES.cases);
    const change = typeof localChange === "function"
      ? localChange(await result(cases.get(args.id)), row)
      : localChange;
    if (change !== undefined && change !== null) await result(cases.put(change));
    // add, not put: a mid is handed out once, and a collision must abort rather than overwrite.
    await result(tx.objectStore(STORES.outbox).add(row));
    await writeMeta(tx, { ...meta, next_mid: row.mid + 1, hlc: row.hlc });
    return row;
  });
}

/**
 * Rows waiting for the server, in mid order.
 * @param {import("./idb.js").Database} db
 * @param {{limit?: number, caseId?: string}} [options] at most `limit` rows; only those naming `caseId`
 * @returns {Promise<Array<{mid: number, name: string, args: object, hlc: string}>>}
 */
export function pendingRows(db, { limit, caseId } = {}) {
  return db.read([STORES.outbox], (tx) => {
    const store = tx.objectStore(STORES.outbox);
    if (caseId !== undefined) return result(store.index(OUTBOX_BY_CASE).getAll(caseId, limit));
    return result(store.getAll(null, limit));
  });
}

/**
 * How many rows wait for the server.
 * @param {import("./idb.js").Database} db
 * @returns {Promise<number>}
 */
export function pendingCount(db) {
  return db.read([STORES.outbox], (tx) => result(tx.objectStore(STORES.outbox).count()));
}

/**
 * Apply the server's acknowledgement: every row with `mid <= lastMid` leaves the outbox, and the ones the
 * server refused are kept in `rejected` with its message, for the person to see.
 * @param {import("./idb.js").Database} db
 * @param {number} lastMid
 * @param {Array<{mid: number, status: string, error?: string, message?: string}>} [results]
 * @returns {Promise<number>} how many rows left the outbox
 */
export function acknowledge(db, lastMid, results = []) {
  return db.write([STORES.meta, STORES.outbox, STORES.rejected], async (tx) => {
    const outbox = tx.objectStore(STORES.outbox);
    const done = IDBKeyRange.upperBound(lastMid);
    const rows = await result(outbox.getAll(done));
    const byMid = new Map(rows.map((row) => [row.mid, row]));
    const rejected = tx.objectStore(STORES.rejected);
    for (const r of results) {
      const row = byMid.get(r.mid);
      if (r.status === "rejected" && row !== undefined) {
        await result(rejected.put({ ...row, error: r.error ?? "rejected", message: r.message ?? ZH.rejected, at: Date.now() }));
      }
    }
    await result(outbox.delete(done));
    // The server already holds mids up to lastMid; handing one of them out again would make a new
    // mutation look like a duplicate and vanish (this happens only if local data was restored from an
    // older copy).
    const meta = await readMeta(tx);
    if (meta.next_mid <= lastMid) await writeMeta(tx, { ...meta, next_mid: lastMid + 1 });
    return rows.length;
  });
}

/**
 * Mutations the server refused, oldest first, each `{mid, name, args, hlc, error, message, at}`.
 * @param {import("./idb.js").Database} db
 */
export function rejectedRows(db) {
  return db.read([STORES.rejected], (tx) => result(tx.objectStore(STORES.rejected).getAll()));
}

/**
 * Forget a refusal once the person has seen it.
 * @param {import("./idb.js").Database} db
 * @param {number} mid
 */
export function dismissRejected(db, mid) {
  return db.write([STORES.rejected], (tx) => result(tx.objectStore(STORES.rejected).delete(mid)));
}
