// Reading the public API. Writes never go through here: reports, ratings and withdrawals go through the
// sync client's outbox, and photos through the photo outbox.

/**
 * GET a JSON resource: `{ok: true, data}`, `{ok: false, status, error, message}`, or
 * `{ok: false, status: 0}` when there was no answer (offline; the service worker may still answer from cache).
 * @param {string} url
 */
export async function getJson(url) {
  let response;
  try {
    response = await fetch(url, { headers: { Accept: "application/json" } });
  } catch {
    return { ok: false, status: 0 };
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    // A proxy's HTML error page: treat it like no answer.
  }
  if (response.ok && body !== null) return { ok: true, data: body, cached: response.headers.has("x-from-cache") };
  return { ok: false, status: body === null ? 0 : response.status, error: body?.error, message: body?.message };
}
