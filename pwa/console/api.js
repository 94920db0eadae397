// The staff JSON API: reads and admin writes (case changes go through the sync outbox instead).

export class ApiFailure extends Error {
  constructor(status, body) {
    super(body?.message || `HTTP ${status}`);
    this.status = status;
    this.error = body?.error || "http";
    this.body = body ?? {};
  }
}

const request = async (method, path, body) => {
  const init = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
  if (body !== undefined) {
    init.headers["Content-Type"] = typeof body === "string" ? "text/csv; charset=utf-8" : "application/json";
    init.body = typeof body === "string" ? body : JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (response.status === 401) {
    // The session ended (expired, revoked, signed out elsewhere): sign in again and come back here.
    window.location.assign(`/login?next=${encodeURIComponent(location.pathname + location.hash)}`);
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new ApiFailure(response.status, data);
  return data;
};

export const getJSON = (path) => request("GET", path);
export const sendJSON = (method, path, body = {}) => request(method, path, body);

/** `path` with the non-empty entries of `params` as its query string. */
export const withQuery = (path, params) => {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== "" && value != null) query.set(key, value);
  const text = query.toString();
  return text ? `${path}?${text}` : path;
};
