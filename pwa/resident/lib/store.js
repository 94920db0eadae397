// The resident app's own IndexedDB database, beside the sync client's: the cases made on this phone
// ("我的诉求"), reports waiting for their photos, and the photos themselves until the server has them.

import { openDatabase, result } from "/sync/client/idb.js";

export const STORES = Object.freeze({ mine: "mine", reports: "reports", photos: "photos" });
export const PHOTOS_BY_CASE = "by_case";

function upgrade(db, oldVersion) {
  if (oldVersion < 1) {
    db.createObjectStore(STORES.mine, { keyPath: "id" });
    db.createObjectStore(STORES.reports, { keyPath: "id" });
    db.createObjectStore(STORES.photos, { keyPath: "key" }).createIndex(PHOTOS_BY_CASE, "case_id");
  }
}

/** Open the app database (lazily; reopened if the browser closes it). @param {string} [name] */
export function openAppDb(name = "mashangban-resident-app") {
  return openDatabase(name, 1, upgrade);
}

/** Every case made on this phone, newest first. */
export async function listMine(db) {
  const rows = await db.read([STORES.mine], (tx) => result(tx.objectStore(STORES.mine).getAll()));
  return rows.sort((a, b) => b.created_at - a.created_at);
}

/** One case made on this phone, by track token. */
export async function mineByToken(db, token) {
  return (await listMine(db)).find((row) => row.track_token === token);
}

/** How many photos wait to be uploaded, for every case or one. @param {string} [caseId] */
export function waitingPhotos(db, caseId) {
  return db.read([STORES.photos], (tx) => {
    const store = tx.objectStore(STORES.photos);
    return result(caseId === undefined ? store.count() : store.index(PHOTOS_BY_CASE).count(caseId));
  });
}

/** How many reports wait for their photos before they can be queued. */
export function listReportsWaiting(db) {
  return db.read([STORES.reports], (tx) => result(tx.objectStore(STORES.reports).count()));
}

/** Whether a report still waits for its photos before it can be queued. @param {string} caseId */
export async function reportWaiting(db, caseId) {
  const row = await db.read([STORES.reports], (tx) => result(tx.objectStore(STORES.reports).get(caseId)));
  return row !== undefined;
}
