// The field app's service worker (scope /field/): precaches the app so a phone that opened it once opens it
// in a basement, and keeps the last copy of the public reference data and of the case photos it has shown.
// It never caches or replays API writes, nor the staff case API: the sync client's IndexedDB holds the
// cases and its outbox owns every write. Same design as the resident worker (/sw.js), with its own files.

importScripts("/field/sw-precache.js"); // self.PRECACHE = {version, files: [[url, hash], …]}, computed from the files

const PREFIX = "mashangban-field-static-";
const STATIC = PREFIX + self.PRECACHE.version;
const DATA = "mashangban-field-data-v1";
const SHELL = "/pwa/field/index.html";
const NETWORK_TIMEOUT_MS = 4000;
const PRECACHED = new Set(self.PRECACHE.files.map(([url]) => url));

async function sha256Prefix(response) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", await response.arrayBuffer()));
  return Array.from(digest.slice(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
}

// Files the page has just loaded are taken from the HTTP cache when their hash proves them current.
async function fromHttpCache(cache, url, hash, sources) {
  for (const source of sources) {
    try {
      const response = await fetch(source, { cache: "force-cache" });
      if (response.ok && (await sha256Prefix(response.clone())) === hash) {
        await cache.put(url, response);
        return null;
      }
    } catch {
      // Not in the HTTP cache: fetched below.
    }
  }
  return `${url}?v=${hash}`;
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(STATIC);
    const missing = await Promise.all(self.PRECACHE.files.map(([url, hash]) =>
      fromHttpCache(cache, url, hash, url === SHELL ? ["/field/", url] : [url])));
    await cache.addAll(missing.filter(Boolean));
    // Field staff get updates at once: their work lives in IndexedDB, which an update never touches.
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith(PREFIX) && n !== STATIC).map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
});

function fromNetwork(request) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), NETWORK_TIMEOUT_MS);
    fetch(request).then((response) => {
      clearTimeout(timer);
      resolve(response);
    }, (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

async function precached(path) {
  const cache = await caches.open(STATIC);
  return cache.match(path, { ignoreSearch: true });
}

async function page(request) {
  try {
    return await fromNetwork(request);
  } catch {
    return (await precached(SHELL)) ?? Response.error();
  }
}

async function asset(request, path) {
  return (await precached(path)) ?? fetch(request);
}

// Reference data: fresh when possible, the last copy when offline.
async function data(request) {
  const cache = await caches.open(DATA);
  try {
    const response = await fromNetwork(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (err) {
    const cached = await cache.match(request);
    if (cached === undefined) throw err;
    return cached;
  }
}

// A photo never changes once stored: the copy kept is as good as the server's.
async function photo(request) {
  const cache = await caches.open(DATA);
  const cached = await cache.match(request);
  if (cached !== undefined) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const path = url.pathname;
  if (request.mode === "navigate" && path.startsWith("/field/")) {
    event.respondWith(page(request));
  } else if (PRECACHED.has(path)) {
    event.respondWith(asset(request, path));
  } else if (path === "/api/categories" || path === "/api/sites" || path === "/api/teams") {
    event.respondWith(data(request));
  } else if (/^\/api\/photos\/[^/]+$/.test(path)) {
    event.respondWith(photo(request));
  }
});
