// The field app's own IndexedDB database, beside the sync client's (`mashangban-field`): who is signed in on
// this phone (the device token), the last case details read from the server (timelines, for offline), and
// photos until the server has them, with their resumable uploads' addresses. Nothing here is in localStorage: a
// device token is a credential.

import { openDatabase, result } from "/sync/client/idb.js";

export const APP_DB = "mashangban-field-app";
export const STORES = Object.freeze({ auth: "auth", details: "details", photos: "photos", uploads: "uploads" });
export const PHOTOS_BY_CASE = "by_case";
const DEVICE = "device";

function upgrade(db, oldVersion) {
  if (oldVersion < 1) {
    db.createObjectStore(STORES.auth);
    db.createObjectStore(STORES.details, { keyPath: "id" });
    db.createObjectStore(STORES.photos, { keyPath: "key" }).createIndex(PHOTOS_BY_CASE, "case_id");
  }
  // The resumable uploads' URLs, by the photo's key (sync/client/uploads.js).
  if (oldVersion < 2) db.createObjectStore(STORES.uploads);
}

/** Open the app database (lazily; reopened if the browser closes it). */
export const openAppDb = (name = APP_DB) => openDatabase(name, 2, upgrade);

/** The signed-in device `{token, user}`, or undefined. */
export const loadDevice = (db) => db.read([STORES.auth], (tx) => result(tx.objectStore(STORES.auth).get(DEVICE)));

/** Keep the device token and the user it belongs to. */
export const saveDevice = (db, device) =>
  db.write([STORES.auth], (tx) => result(tx.objectStore(STORES.auth).put(device, DEVICE)));

/** The last detail of a case read from the server `{id, detail, at}`, or undefined. */
export const loadDetail = (db, id) =>
  db.read([STORES.details], (tx) => result(tx.objectStore(STORES.details).get(id)));

/** Keep a case's detail as the server sent it, for reading offline. */
export const saveDetail = (db, id, detail) =>
  db.write([STORES.details], (tx) => result(tx.objectStore(STORES.details).put({ id, detail, at: Date.now() })));

/** Photos not yet acknowledged as `case.photo`, of one case or all. */
export const waitingPhotos = (db, caseId) => db.read([STORES.photos], (tx) => {
  const store = tx.objectStore(STORES.photos);
  return result(caseId === undefined ? store.getAll() : store.index(PHOTOS_BY_CASE).getAll(caseId));
});
