// The field app's photo outbox, on the resident app's design (pwa/resident/lib/reports.js): a photo is shrunk
// in the browser and saved in IndexedDB at once, so it survives no signal, a reload or a closed tab. The pump
// uploads it resumably (sync/client/uploads.js: a cut costs at most one chunk, a reload resumes where the
// server stopped), then queues `case.photo` naming the photo id in the sync client's outbox, and only then
// forgets the blob. The server never sees a case.photo for a photo it lacks. A photo the server refuses for
// good (not an image, too large) stays listed with its reason.

import { UploadRefused, createPump, idbUploadStore, uploadFile } from "/sync/client/index.js";
import { result } from "/sync/client/idb.js";
import { STORES, waitingPhotos } from "./store.js";

const LOCK = "mashangban-field-photos";

const randomKey = () =>
  Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");

const withLock = (fn) => (navigator.locks?.request ? navigator.locks.request(LOCK, fn) : fn());

/**
 * @param {{client: object, db: object, token: () => string|null}} options sync client, app database, device token
 */
export function createPhotoOutbox({ client, db, token }) {
  const target = new EventTarget();

  const changed = () => target.dispatchEvent(new Event("change"));
  const save = (row) => db.write([STORES.photos], (tx) => result(tx.objectStore(STORES.photos).put(row)));
  const uploads = idbUploadStore(db, STORES.uploads);
  const forget = async (key) => {
    await db.write([STORES.photos], (tx) => result(tx.objectStore(STORES.photos).delete(key)));
    await uploads.delete(key);
  };

  async function upload(row) {
    try {
      const { mediaId } = await uploadFile({
        key: row.key, blob: row.blob, kind: "photo", store: uploads,
        headers: async () => ({ Authorization: `Bearer ${token()}`, "X-Client-Id": await client.clientId() }),
      });
      return { outcome: "uploaded", photoId: mediaId };
    } catch (err) {
      if (err instanceof UploadRefused) return { outcome: "refused", message: err.message };
      // A cut on a weak link while the phone believes it is online: retry with backoff, not on "online".
      return { outcome: navigator.onLine ? "server" : "offline" };
    }
  }

  // Queue case.photo once: a crash after queueing and before forgetting the blob must not queue it twice.
  async function queue(row) {
    const pending = await client.pending({ caseId: row.case_id });
    if (pending.some((m) => m.name === "case.photo" && m.args.photo_id === row.photo_id)) return;
    await client.enqueue("case.photo", { id: row.case_id, photo_id: row.photo_id }, (current) =>
      current && { ...current, photos: [...new Set([...(current.photos ?? []), row.photo_id])] });
  }

  async function pumpOnce() {
    const rows = (await waitingPhotos(db)).sort((a, b) => a.at - b.at);
    for (const row of rows) {
      if (row.refused) continue;
      if (!row.photo_id) {
        const answer = await upload(row);
        if (answer.outcome === "offline" || answer.outcome === "server") return answer.outcome;
        if (answer.outcome === "refused") {
          await save({ ...row, refused: answer.message || "refused" });
          changed();
          continue;
        }
        row.photo_id = answer.photoId;
        await save(row);
      }
      await queue(row);
      await forget(row.key);
      changed();
    }
    return "done";
  }

  // Upload waiting photos and attach each to its case, one pass at a time.
  const { pump, stop: stopPump } = createPump(() => withLock(pumpOnce), changed);

  return Object.freeze({
    pump,
    start() {
      window.addEventListener("online", pump);
      pump();
    },
    stop() {
      window.removeEventListener("online", pump);
      stopPump();
    },
    /** Keep a (shrunk) photo for case `caseId`; it is uploaded and attached as soon as the network allows. */
    async add(caseId, blob) {
      await save({ key: randomKey(), case_id: caseId, blob, photo_id: null, refused: null, at: Date.now() });
      changed();
      pump();
    },
    /** Drop a photo the server refused. */
    async dismiss(key) {
      await forget(key);
      changed();
    },
    addEventListener: (type, fn) => target.addEventListener(type, fn),
    removeEventListener: (type, fn) => target.removeEventListener(type, fn),
  });
}
