// Signing a phone in and out. Sign-in asks the server for a device token (`device: true`), kept in the app's
// IndexedDB; the sync client sends it as `Authorization: Bearer`. Sign-out revokes it on the server
// (`POST /api/auth/logout`), then deletes everything this app keeps on the phone.

import { APP_DB, saveDevice } from "./store.js";

export const SYNC_DB = "mashangban-field";
const DATA_CACHE = "mashangban-field-data-v1";

/** A sign-in the server or the network refused; `key` names the message, `message` is the server's. */
export class SignInError extends Error {
  constructor(key, message = "") {
    super(message || key);
    this.key = key;
    this.serverMessage = message;
  }
}

/**
 * Sign in as a field user and keep the device token.
 * @returns {Promise<{token: string, user: {username: string, display_name: string, role: string, team: string|null}}>}
 */
export async function signIn(db, username, password) {
  let response;
  try {
    response = await fetch("/api/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ username, password, device: "外勤手机" }),
      credentials: "same-origin",
    });
  } catch {
    throw new SignInError("login.network");
  }
  const body = await response.json().catch(() => null);
  if (!response.ok || !body?.device_token) throw new SignInError("login.failed", body?.message ?? "");
  if (body.user.role !== "field") {
    // A dispatcher's device token has no use here; give it back at once.
    await fetch("/api/auth/logout", { method: "POST", headers: { Authorization: `Bearer ${body.device_token}` } })
      .catch(() => {});
    throw new SignInError("login.not_field");
  }
  const device = { token: body.device_token, user: body.user, at: Date.now() };
  await saveDevice(db, device);
  return device;
}

/** Who this browser's session cookie belongs to (after /login), or null. */
export async function sessionUser() {
  try {
    const response = await fetch("/api/auth/me", { headers: { Accept: "application/json" }, credentials: "same-origin" });
    return response.ok ? (await response.json()).user : null;
  } catch {
    return null;
  }
}

function deleteDatabase(name) {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
    // Another tab holds it open: it is deleted when that tab lets go; nothing to wait for here.
    request.onblocked = () => resolve();
  });
}

/**
 * Revoke the device token on the server, then forget everything local. Throws (and keeps the data) when the
 * server could not be told: a token that stays valid on a lost phone is worse than a failed sign-out.
 * @param {{token: string}} device
 * @param {{close: () => Promise<void>}[]} open the databases to close first (sync client, app db)
 */
export async function signOut(device, open) {
  const response = await fetch("/api/auth/logout", {
    method: "POST",
    headers: { Accept: "application/json", Authorization: `Bearer ${device.token}` },
    credentials: "same-origin",
  });
  // 401: the token was already revoked (signed out elsewhere); the local data goes all the same.
  if (!response.ok && response.status !== 401) {
    const body = await response.json().catch(() => null);
    throw new Error(body?.message ?? `HTTP ${response.status}`);
  }
  for (const db of open) await db.close();
  await Promise.all([deleteDatabase(SYNC_DB), deleteDatabase(APP_DB), caches.delete(DATA_CACHE)]);
}
