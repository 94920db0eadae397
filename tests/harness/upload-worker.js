// Test-only: the resumable upload client in a worker, where there is no window and no document (as in a
// service worker). Posts back {mediaId} or {error, code, message}.
import { uploadFile } from "/sync/client/uploads.js";

self.onmessage = async ({ data }) => {
  const kept = new Map();
  const store = { get: async (k) => kept.get(k), put: async (k, v) => { kept.set(k, v); },
    delete: async (k) => { kept.delete(k); } };
  try {
    const { mediaId } = await uploadFile({ key: data.key, blob: data.blob, store,
      headers: { "X-Client-Id": data.clientId } });
    self.postMessage({ mediaId });
  } catch (err) {
    self.postMessage({ error: err.name, code: err.code, message: err.message });
  }
};
