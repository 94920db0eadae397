// The syncer: when to talk to the server, and one round of talking (push everything, then pull until
// the server has nothing more). One round runs at a time across all tabs of the origin, under a Web Lock;
// tabs that want to sync meanwhile wait for it and then run their own (short) round.

import { applyChanges } from "./cases.js";
import { STORES, loadMeta, readMeta, writeMeta } from "./local.js";
import { acknowledge, pendingCount, pendingRows, rejectedRows } from "./outbox.js";
import { SyncError, pull, push } from "./transport.js";
import { ZH } from "./zh.js";

export const LOCK_NAME = "mashangban-sync";

const BACKOFF_MIN_MS = 1000;
const BACKOFF_MAX_MS = 60_000;
// A 409 names the mid the server expects; after acknowledging up to it we resend. More than a few in
// one round means the server lost mutations this device no longer holds: stop instead of looping.
const MAX_GAPS_PER_ROUND = 3;

/**
 * Delay before retry number `failures` (1, 2, …): exponential from 1 s, capped at 60 s, with jitter so that
 * phones that lost signal together do not come back in lockstep.
 * @param {number} failures
 * @param {() => number} [random]
 */
export function backoffDelay(failures, random = Math.random) {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** Math.max(0, failures - 1));
  return Math.max(BACKOFF_MIN_MS, ceiling * (0.5 + random() / 2));
}

function withLock(fn) {
  if (navigator.locks?.request) return navigator.locks.request(LOCK_NAME, fn);
  // Without Web Locks (Safari before 15.4) tabs may overlap; the server's mid check keeps that harmless.
  return fn();
}

function describe(err) {
  if (err instanceof SyncError) return { error: err.error, message: err.message, status: err.status, at: Date.now() };
  return { error: "local", message: ZH.local, status: 0, at: Date.now(), detail: String(err) };
}

/**
 * The syncer of one local database.
 * @param {{db: import("./idb.js").Database, config: object, target: EventTarget}} options
 *   `config`: {baseUrl, fetch, timeoutMs, batchSize, token?}; `target` receives "state" and "cases" events
 */
export function createSyncer({ db, config, target }) {
  let state = Object.freeze({ pending: 0, syncing: false, lastSuccessAt: null, lastError: null, rejected: [] });
  let stopped = true;
  let running = null;
  let again = false;
  let timer = null;
  let failures = 0;
  let backoffUntil = 0;
  let retryAfterUntil = 0;
  let channel = null;

  function publish(changes) {
    state = Object.freeze({ ...state, ...changes });
    target.dispatchEvent(new CustomEvent("state", { detail: state }));
  }

  async function refresh() {
    const [pending, rejected] = await Promise.all([pendingCount(db), rejectedRows(db)]);
    publish({ pending, rejected });
  }

  function casesChanged(ids) {
    target.dispatchEvent(new CustomEvent("cases", { detail: { ids } }));
  }

  // Other tabs share the database but not this page's state: tell them to re-read it.
  function announce(message) {
    channel?.postMessage(message);
  }

  async function pushAll() {
    let gaps = 0;
    let limit = config.batchSize;
    for (;;) {
      const rows = await pendingRows(db, { limit });
      if (rows.length === 0) return;
      const meta = await loadMeta(db);
      let reply;
      try {
        reply = await push(config, meta.client_id, rows);
      } catch (err) {
        // Over the server's batch or body limit (413): the same rows again, in halves, for the rest of the round.
        if (err.status !== 413 || rows.length === 1) throw err;
        limit = Math.ceil(rows.length / 2);
        continue;
      }
      if (reply.gap !== undefined) {
        gaps += 1;
        // Everything below the expected mid is already on the server.
        await acknowledge(db, reply.gap - 1);
        const [first] = await pendingRows(db, { limit: 1 });
        if (gaps > MAX_GAPS_PER_ROUND || (first !== undefined && first.mid !== reply.gap)) {
          throw new SyncError("gap", ZH.gap, { status: 409 });
        }
        continue;
      }
      if (reply.last_mid < rows[0].mid) throw new SyncError("no_progress", ZH.no_progress, { status: 200 });
      await acknowledge(db, reply.last_mid, reply.results);
      await refresh();
      announce({ outbox: true });
    }
  }

  async function pullAll() {
    for (;;) {
      const meta = await loadMeta(db);
      const page = await pull(config, meta.client_id, meta.cursor);
      const ids = await applyChanges(db, page.changes, page.cursor);
      if (ids.length > 0) {
        casesChanged(ids);
        announce({ cases: ids });
      }
      if (!page.more) return;
      if (page.cursor === meta.cursor) throw new SyncError("no_progress", ZH.no_progress, { status: 200 });
    }
  }

  async function round() {
    publish({ syncing: true });
    try {
      await pushAll();
      await pullAll();
    } finally {
      publish({ syncing: false });
    }
  }

  function schedule(ms) {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      trigger({ force: true });
    }, ms);
  }

  // Never rejects: every failure becomes lastError and a scheduled retry.
  async function attempt() {
    if (navigator.onLine === false) {
      // The "online" event brings us back; polling meanwhile would only drain the battery.
      publish({ lastError: { error: "offline", message: ZH.offline, status: 0, at: Date.now() } });
      return;
    }
    try {
      await withLock(round);
      failures = 0;
      backoffUntil = 0;
      publish({ lastSuccessAt: Date.now(), lastError: null });
    } catch (err) {
      failures += 1;
      const now = Date.now();
      if (err.retryAfterMs !== undefined) retryAfterUntil = now + err.retryAfterMs;
      backoffUntil = now + backoffDelay(failures);
      publish({ lastError: describe(err) });
      if (!stopped) schedule(Math.max(backoffUntil, retryAfterUntil) - now);
    }
    try {
      await refresh();
    } catch (err) {
      publish({ lastError: describe(err) });
    }
  }

  /**
   * Ask for a round. `force` skips the failure backoff (the network just came back, or a person asked),
   * never the server's Retry-After.
   */
  function trigger({ force = false } = {}) {
    if (stopped) return;
    if (running !== null) {
      again = true;
      return;
    }
    const wait = Math.max(retryAfterUntil, force ? 0 : backoffUntil) - Date.now();
    if (wait > 0) {
      if (timer === null) schedule(wait);
      return;
    }
    clearTimeout(timer);
    timer = null;
    running = attempt().finally(() => {
      running = null;
      if (again) {
        again = false;
        trigger();
      }
    });
  }

  const onOnline = () => trigger({ force: true });
  const onVisible = () => {
    if (document.visibilityState === "visible") trigger();
  };
  const onMessage = (event) => {
    refresh().catch((err) => publish({ lastError: describe(err) }));
    if (event.data?.cases) casesChanged(event.data.cases);
  };

  // Asked once per device, not per page load: Firefox shows a prompt, and a refusal is an answer.
  async function askPersistence() {
    if (!navigator.storage?.persist) return;
    const asked = await db.write([STORES.meta], async (tx) => {
      const meta = await readMeta(tx);
      if (!meta.persist_asked) await writeMeta(tx, { ...meta, persist_asked: true });
      return meta.persist_asked;
    });
    if (!asked) await navigator.storage.persist();
  }

  return {
    get state() {
      return state;
    },
    start() {
      if (!stopped) return;
      stopped = false;
      window.addEventListener("online", onOnline);
      document.addEventListener("visibilitychange", onVisible);
      if (typeof BroadcastChannel === "function") {
        channel = new BroadcastChannel(`${LOCK_NAME}:${db.name}`);
        channel.onmessage = onMessage;
      }
      askPersistence().catch(() => {});
      refresh().catch((err) => publish({ lastError: describe(err) }));
      trigger({ force: true });
    },
    stop() {
      stopped = true;
      window.removeEventListener("online", onOnline);
      document.removeEventListener("visibilitychange", onVisible);
      channel?.close();
      channel = null;
      clearTimeout(timer);
      timer = null;
    },
    poke() {
      trigger();
    },
    async syncNow() {
      while (running !== null) await running;
      trigger({ force: true });
      if (running !== null) await running;
      return state;
    },
    /** The outbox or the rejected list changed in this tab: update the state, tell other tabs, sync. */
    async changed() {
      await refresh();
      announce({ outbox: true });
      trigger();
    },
  };
}
