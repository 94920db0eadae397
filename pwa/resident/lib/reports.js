// Saving a report, and the photo outbox that gets its photos to the server before the report is queued.
//
// A report is saved at once, with its photos, in one IndexedDB transaction (nothing is lost on reload).
// The pump then uploads each photo (an upload key makes a retry harmless) and only then queues
// `case.create` in the sync client's outbox with the photo ids, so the server never sees a case that names a
// photo it lacks. Without a network nothing can be pushed anyway, so waiting costs nothing. If the server
// keeps failing photo uploads for GRACE_MS while it answers, the report is queued with the photos it has and
// each remaining one follows as a resident's `case.note` carrying the photo once uploaded (residents may add
// notes to their own cases, not `case.photo`): a photo is never dropped, a report never stuck.
// A photo the server refuses for good (not an image, too large) is the only one left out.

import { createPump, newCaseKeys } from "/sync/client/index.js";
import { result } from "/sync/client/idb.js";
import { PHOTOS_BY_CASE, STORES } from "./store.js";

export const GRACE_MS = 10 * 60 * 1000;
const LOCK = "mashangban-photos";
// Stored with the case for staff, so it stays in Chinese whatever language the resident reads.
const LATE_PHOTO_NOTE = "补充照片";

function randomKey() {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

function withLock(fn) {
  return navigator.locks?.request ? navigator.locks.request(LOCK, fn) : fn();
}

/**
 * The report saver and photo pump of one page.
 * @param {{client: object, db: object}} options the sync client and the app database
 */
export function createReports({ client, db }) {
  const target = new EventTarget();

  function changed() {
    target.dispatchEvent(new Event("change"));
  }

  async function upload(photo) {
    let response;
    try {
      response = await fetch("/api/photos", {
        method: "POST",
        body: photo.blob,
        headers: { "Content-Type": "image/jpeg", "X-Client-Id": await client.clientId(), "X-Upload-Key": photo.key },
      });
    } catch {
      return { outcome: "offline" };
    }
    const body = await response.json().catch(() => null);
    if (response.status === 201 && body?.photo_id) return { outcome: "uploaded", photoId: body.photo_id };
    if ([400, 413, 415].includes(response.status)) return { outcome: "refused", message: body?.message ?? "" };
    return { outcome: response.status === 0 ? "offline" : "server" };
  }

  function savePhoto(photo) {
    return db.write([STORES.photos], (tx) => result(tx.objectStore(STORES.photos).put(photo)));
  }

  // Upload what is missing; stops at the first photo that could not reach the server.
  async function uploadAll(photos) {
    for (const photo of photos) {
      if (photo.photo_id || photo.refused) continue;
      const answer = await upload(photo);
      if (answer.outcome === "offline" || answer.outcome === "server") return answer.outcome;
      if (answer.outcome === "uploaded") photo.photo_id = answer.photoId;
      else photo.refused = answer.message || "refused";
      await savePhoto(photo);
    }
    return "done";
  }

  async function release(report, photos) {
    const alreadyQueued = (await client.getCase(report.id)) !== undefined;
    if (!alreadyQueued) {
      const ids = photos.filter((p) => p.photo_id).map((p) => p.photo_id);
      const args = ids.length > 0 ? { ...report.args, photos: ids } : report.args;
      const local = { ...args, status: "submitted", created_at: report.created_at, local: true };
      await client.enqueue("case.create", args, (current) => current ?? local);
    }
    await db.write([STORES.reports, STORES.photos], async (tx) => {
      await result(tx.objectStore(STORES.reports).delete(report.id));
      const store = tx.objectStore(STORES.photos);
      for (const photo of photos) {
        if (photo.photo_id || photo.refused) await result(store.delete(photo.key));
        else await result(store.put({ ...photo, late: true }));
      }
    });
  }

  // Photos of cases already queued: each follows as a note of the resident's with the photo.
  async function sendLatePhotos() {
    const late = await db.read([STORES.photos], (tx) => result(tx.objectStore(STORES.photos).getAll()));
    for (const photo of late.filter((p) => p.late)) {
      const outcome = await uploadAll([photo]);
      if (outcome !== "done") return outcome;
      if (photo.photo_id) {
        await client.enqueue("case.note", {
          id: photo.case_id, note_id: crypto.randomUUID(), text: LATE_PHOTO_NOTE, photos: [photo.photo_id],
        });
      }
      await db.write([STORES.photos], (tx) => result(tx.objectStore(STORES.photos).delete(photo.key)));
    }
    return "done";
  }

  async function pumpOnce() {
    const reports = await db.read([STORES.reports], (tx) => result(tx.objectStore(STORES.reports).getAll()));
    reports.sort((a, b) => a.created_at - b.created_at);
    for (const report of reports) {
      const photos = await db.read([STORES.photos], (tx) =>
        result(tx.objectStore(STORES.photos).index(PHOTOS_BY_CASE).getAll(report.id)));
      photos.sort((a, b) => a.index - b.index);
      const outcome = await uploadAll(photos);
      if (outcome === "done") {
        await release(report, photos);
        changed();
        continue;
      }
      if (outcome === "server") {
        const since = report.failing_since ?? Date.now();
        if (Date.now() - since >= GRACE_MS) {
          await release(report, photos);
          changed();
          continue;
        }
        if (report.failing_since === undefined) {
          await db.write([STORES.reports], (tx) =>
            result(tx.objectStore(STORES.reports).put({ ...report, failing_since: since })));
        }
      }
      return outcome;
    }
    return sendLatePhotos();
  }

  // Upload waiting photos and queue the reports whose photos are in, one pass at a time.
  const { pump } = createPump(() => withLock(pumpOnce), changed);

  /**
   * Save a new report with its (already shrunk) photos; it is queued as soon as its photos are uploaded.
   * @param {{site: {code: string, name: string}, category: string, description: string,
   *   contact?: {name?: string, phone?: string}, photos: Blob[]}} report
   * @returns {Promise<{id: string, track_token: string}>}
   */
  async function save({ site, category, description, contact, photos }) {
    const keys = newCaseKeys();
    const args = { ...keys, site: site.code, category, description };
    if (contact && (contact.name || contact.phone)) args.contact = contact;
    const createdAt = Date.now();
    await db.write([STORES.mine, STORES.reports, STORES.photos], async (tx) => {
      await result(tx.objectStore(STORES.mine).add({
        id: keys.id, track_token: keys.track_token, site: site.code, site_name: site.name, category,
        description, created_at: createdAt,
      }));
      await result(tx.objectStore(STORES.reports).add({ id: keys.id, args, created_at: createdAt }));
      const store = tx.objectStore(STORES.photos);
      for (const [index, blob] of photos.entries()) {
        await result(store.add({ key: randomKey(), case_id: keys.id, index, blob, photo_id: null, refused: null }));
      }
    });
    changed();
    pump();
    return keys;
  }

  return Object.freeze({
    save,
    pump,
    start() {
      window.addEventListener("online", pump);
      pump();
    },
    addEventListener: (type, fn) => target.addEventListener(type, fn),
    removeEventListener: (type, fn) => target.removeEventListener(type, fn),
  });
}
