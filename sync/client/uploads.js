// Resumable uploads: a tus 1.0.0 client for /api/uploads/ that runs in a page and in a service worker alike (it
// touches no window or document: fetch, Blob, IndexedDB through the caller's store). A file goes up in chunks
// sized for weak links, 256 KB at first, halved after a failure and doubled again after successes. The upload's
// URL is kept in IndexedDB under the caller's key, so after a cut, a reload or a closed app the next call asks
// the server how far it got (HEAD) and sends only the rest. The caller keeps the bytes until it holds the media
// id; a file the server refuses for good (not an image, too large) is a distinct error, UploadRefused.

import { result } from "./idb.js";

export const CHUNK_SIZE = 256 * 1024;
const MIN_CHUNK_SIZE = 16 * 1024;
// Network failures in a row, each followed by a smaller chunk, before the call gives up for now.
const TRIES = 3;
// Successful chunks in a row before the chunk size doubles back towards CHUNK_SIZE.
const GROW_AFTER = 2;
const TUS = { "Tus-Resumable": "1.0.0" };
// Answers that mean "never, as sent": anything else (offline, 5xx, 429, a lapsed sign-in) may work later.
const PERMANENT = new Set([400, 413, 415, 422]);

/** The server refuses this file for good (`code` e.g. "not_an_image", `message` in Chinese). */
export class UploadRefused extends Error {
  constructor(code, message, status) {
    super(message || code);
    this.name = "UploadRefused";
    this.code = code;
    this.status = status;
  }
}

/** The upload stopped for now (offline, or the server failing); call again later to resume it. */
export class UploadInterrupted extends Error {
  constructor(message, { offline = false, status = 0 } = {}) {
    super(message);
    this.name = "UploadInterrupted";
    this.offline = offline;
    this.status = status;
  }
}

/**
 * A store for upload records over an object store (out-of-line keys) of an `openDatabase` database.
 * @param {{read: Function, write: Function}} database from `/sync/client/idb.js` openDatabase
 * @param {string} storeName
 */
export function idbUploadStore(database, storeName) {
  const run = (mode, fn) => database[mode]([storeName], (tx) => result(fn(tx.objectStore(storeName))));
  return Object.freeze({
    get: (key) => run("read", (s) => s.get(key)),
    put: (key, record) => run("write", (s) => s.put(record, key)),
    delete: (key) => run("write", (s) => s.delete(key)),
  });
}

function base64(text) {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

async function refusal(response) {
  const code = response.headers.get("Upload-Error");
  if (code) return new UploadRefused(code, decodeURIComponent(response.headers.get("Upload-Error-Message") ?? ""),
    response.status);
  const body = await response.json().catch(() => null);
  return new UploadRefused(body?.error ?? "refused", body?.message ?? "", response.status);
}

/**
 * Upload `blob`, or go on with the upload kept under `key`; resolves with the stored photo's id.
 * Rejects with UploadRefused (never retry) or UploadInterrupted (try again later: it resumes).
 * @param {object} options
 * @param {string} options.key the caller's own key for this file (the same key resumes the same upload)
 * @param {Blob} options.blob the file's bytes, kept by the caller until it has the media id
 * @param {string} [options.kind] "photo" (default) or "voice"
 * @param {string} [options.filename]
 * @param {string} [options.endpoint] default "/api/uploads/"
 * @param {object|(() => object|Promise<object>)} [options.headers] who is asking: X-Client-Id, or Authorization
 * @param {typeof fetch} [options.fetch]
 * @param {{get: Function, put: Function, delete: Function}} options.store where upload URLs are kept
 * @param {(progress: {sent: number, total: number}) => void} [options.onProgress]
 * @param {number} [options.chunkSize] largest chunk, default 256 KB
 * @param {number} [options.timeoutMs] a request that takes longer has failed (default 60 s)
 * @returns {Promise<{mediaId: string}>}
 */
export async function uploadFile(options) {
  const { key, blob, store, onProgress } = options;
  const kind = options.kind ?? "photo";
  const endpoint = options.endpoint ?? "/api/uploads/";
  const fetchFn = options.fetch ?? ((...args) => fetch(...args));
  const largest = options.chunkSize ?? CHUNK_SIZE;
  const timeoutMs = options.timeoutMs ?? 60_000;
  let chunk = largest;
  let failures = 0;
  let successes = 0;

  async function request(url, init) {
    const given = typeof options.headers === "function" ? await options.headers() : options.headers;
    try {
      return await fetchFn(url, { ...init, headers: { ...TUS, ...given, ...init.headers }, cache: "no-store",
        signal: AbortSignal.timeout(timeoutMs) });
    } catch {
      return null; // offline, cut, or timed out: the caller decides whether to try again
    }
  }

  function interrupted(response) {
    if (response === null) return new UploadInterrupted("network", { offline: true });
    return new UploadInterrupted(`HTTP ${response.status}`, { status: response.status });
  }

  // What the server holds of an upload: {offset, mediaId}, or null when it does not know it (gone, expired).
  async function status(url) {
    const response = await request(url, { method: "HEAD" });
    if (response?.status === 200) {
      return { offset: Number(response.headers.get("Upload-Offset")),
        mediaId: response.headers.get("Upload-Media-Id") };
    }
    if (response?.status === 404 || response?.status === 410) return null;
    if (response && response.headers.get("Upload-Error")) throw await refusal(response);
    throw interrupted(response);
  }

  async function create() {
    const metadata = [`kind ${base64(kind)}`];
    if (options.filename) metadata.push(`filename ${base64(options.filename)}`);
    if (blob.type) metadata.push(`filetype ${base64(blob.type)}`);
    const response = await request(endpoint, { method: "POST", headers: {
      "Upload-Length": String(blob.size), "Upload-Metadata": metadata.join(",") } });
    if (response?.status === 201) {
      const record = { url: new URL(response.headers.get("Location"), new URL(endpoint, self.location.href)).href,
        size: blob.size, at: Date.now() };
      await store.put(key, record);
      return record;
    }
    if (response && PERMANENT.has(response.status)) throw await refusal(response);
    throw interrupted(response);
  }

  async function done(record, mediaId) {
    await store.put(key, { ...record, mediaId });
    onProgress?.({ sent: blob.size, total: blob.size });
    return { mediaId };
  }

  let record = await store.get(key);
  if (record?.mediaId) return { mediaId: record.mediaId };
  let server = record?.size === blob.size ? await status(record.url) : null;
  let fresh = server === null;
  if (fresh) {
    record = await create();
    server = { offset: 0, mediaId: null };
  }
  if (server.mediaId) return done(record, server.mediaId);
  let offset = server.offset;
  onProgress?.({ sent: offset, total: blob.size });

  for (;;) {
    const response = await request(record.url, { method: "PATCH", body: blob.slice(offset, offset + chunk),
      headers: { "Content-Type": "application/offset+octet-stream", "Upload-Offset": String(offset) } });
    if (response?.status === 204) {
      offset = Number(response.headers.get("Upload-Offset"));
      const mediaId = response.headers.get("Upload-Media-Id");
      if (mediaId) return done(record, mediaId);
      failures = 0;
      successes += 1;
      if (successes >= GROW_AFTER && chunk < largest) {
        chunk = Math.min(largest, chunk * 2);
        successes = 0;
      }
      onProgress?.({ sent: offset, total: blob.size });
      continue;
    }
    if (response === null) {
      // A weak link: smaller chunks stand a better chance. Whatever arrived before the cut was kept.
      failures += 1;
      successes = 0;
      chunk = Math.max(MIN_CHUNK_SIZE, Math.floor(chunk / 2));
      if (failures >= TRIES) throw interrupted(null);
    } else if (response.status === 404 || response.status === 410) {
      if (fresh) throw interrupted(response);
      await store.delete(key); // the server forgot it (expired): start again, once
      record = await create();
      fresh = true;
      offset = 0;
      continue;
    } else if (response.status !== 409) {
      if (PERMANENT.has(response.status) || response.headers.get("Upload-Error")) throw await refusal(response);
      throw interrupted(response);
    }
    // After a cut or a conflict the server knows best how far it got.
    server = await status(record.url);
    if (server === null) continue; // gone meanwhile: the next PATCH says 404 and starts afresh
    if (server.mediaId) return done(record, server.mediaId);
    offset = server.offset;
  }
}
