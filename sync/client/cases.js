// The local `cases` store as the apps read it, and how pulled changes land in it.

import { receive } from "./hlc.js";
import { result } from "./idb.js";
import { STORES, readMeta, writeMeta } from "./local.js";

/**
 * One case as this device knows it.
 * @param {import("./idb.js").Database} db
 * @param {string} id
 * @returns {Promise<object|undefined>}
 */
export function getCase(db, id) {
  return db.read([STORES.cases], (tx) => result(tx.objectStore(STORES.cases).get(id)));
}

/**
 * Every case this device knows.
 * @param {import("./idb.js").Database} db
 * @returns {Promise<object[]>}
 */
export function listCases(db) {
  return db.read([STORES.cases], (tx) => result(tx.objectStore(STORES.cases).getAll()));
}

/**
 * Drop the local copies of cases (a kiosk forgetting the person who leaves). Queued mutations stay in the
 * outbox: what someone reported is still delivered after they walk away.
 * @param {import("./idb.js").Database} db
 */
export function forgetCases(db) {
  return db.write([STORES.cases], (tx) => result(tx.objectStore(STORES.cases).clear()));
}

function validHlc(hlc, last) {
  try {
    return receive(last, hlc);
  } catch {
    return last;
  }
}

/**
 * Store one page of pulled changes and the cursor after it in one transaction, so the cursor never moves
 * past a change that was not stored. The server's copy of a case replaces the local one.
 * @param {import("./idb.js").Database} db
 * @param {Array<{seq: number, type: string, case_id: string, event?: {hlc?: string}, case?: object}>} changes
 * @param {number} cursor
 * @returns {Promise<string[]>} ids of the cases that changed
 */
export function applyChanges(db, changes, cursor) {
  return db.write([STORES.meta, STORES.cases], async (tx) => {
    const cases = tx.objectStore(STORES.cases);
    const meta = await readMeta(tx);
    let hlc = meta.hlc;
    const ids = new Set();
    for (const change of changes) {
      if (change.case) {
        await result(cases.put(change.case));
        ids.add(change.case.id);
      }
      // Seeing other devices' clocks keeps our next change ordered after what we have seen.
      if (typeof change.event?.hlc === "string") hlc = validHlc(change.event.hlc, hlc);
    }
    await writeMeta(tx, { ...meta, cursor, hlc });
    return [...ids];
  });
}
