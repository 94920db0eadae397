// The resident app's service worker: precaches the app shell so the app opens offline on a phone that opened
// it once, and keeps the last copy of the site, the categories and each tracked case for offline reading.
// It never caches or replays API writes: only GET passes through here; the outbox in IndexedDB owns writes.

importScripts("/sw-precache.js"); // self.PRECACHE = {version, files: [[url, hash], …]}, computed from the files

const PREFIX = "mashangban-static-";
const STATIC = PREFIX + self.PRECACHE.version;
const DATA = "mashangban-data-v1";
const SHELL = "/pwa/resident/index.html";
const NETWORK_TIMEOUT_MS = 4000;
const PRECACHED = new Set(self.PRECACHE.files.map(([url]) => url));

async function sha256Prefix(response) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", await response.arrayBuffer()));
  return Array.from(digest.slice(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
}

// The page that registered this worker has just loaded most of these files: take them from the HTTP cache
// when their content hash proves them current, so a first visit downloads each file once. The rest come
// from the network as ?v=<hash> URLs, immutable in the HTTP cache, so an update downloads only what changed.
async function fromHttpCache(cache, url, hash, sources) {
  for (const source of sources) {
    try {
      const response = await fetch(source, { cache: "force-cache" });
      if (response.ok && (await sha256Prefix(response.clone())) === hash) {
        await cache.put(url, response);
        return null;
      }
    } catch {
      // Not in the HTTP cache, or unreadable: try the next source, else fetch it below.
    }
  }
  return `${url}?v=${hash}`;
}

// The shell is the page the person just opened (/s/{code} or /t/{token}): the same bytes as the shell file.
async function openPages() {
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  return windows.map((c) => new URL(c.url))
    .filter((u) => u.origin === self.location.origin && (u.pathname.startsWith("/s/") || u.pathname.startsWith("/t/")))
    .map((u) => u.pathname);
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(STATIC);
    const pages = await openPages();
    const missing = await Promise.all(self.PRECACHE.files.map(([url, hash]) =>
      fromHttpCache(cache, url, hash, url === SHELL ? [...pages, url] : [url])));
    await cache.addAll(missing.filter(Boolean));
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith(PREFIX) && n !== STATIC).map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
});

// An update waits until the page says the person agreed (or nothing was being typed).
self.addEventListener("message", (event) => {
  if (event.data?.type === "SKIP_WAITING") self.skipWaiting();
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

// The live page when the network answers (an unknown site's 404 page included), else the cached shell.
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

// Public reference data and tracking status: fresh when possible, the last copy when offline.
async function data(request) {
  const cache = await caches.open(DATA);
  try {
    const response = await fromNetwork(request);
    if (response.ok) await cache.put(request, response.clone());
    else if (response.status === 404) await cache.delete(request);
    return response;
  } catch (err) {
    const cached = await cache.match(request);
    if (cached === undefined) throw err;
    const headers = new Headers(cached.headers);
    headers.set("X-From-Cache", "1");
    return new Response(await cached.blob(), { status: cached.status, headers });
  }
}

function isData(path) {
  return path === "/api/categories" || /^\/api\/sites\/[^/]+$/.test(path) || /^\/api\/track\/[^/]+$/.test(path);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const path = url.pathname;
  if (request.mode === "navigate" && (path.startsWith("/s/") || path.startsWith("/t/"))) {
    event.respondWith(page(request));
  } else if (PRECACHED.has(path)) {
    event.respondWith(asset(request, path));
  } else if (isData(path)) {
    event.respondWith(data(request));
  }
});
