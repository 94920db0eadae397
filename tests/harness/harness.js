// Test-only: exposes the sync client to Playwright (page.evaluate) the way an app would use it.

import * as sync from "/sync/client/index.js";
import * as outbox from "/sync/client/outbox.js";
import { openLocal } from "/sync/client/local.js";

// Every IndexedDB connection this page opens, so a test can close them behind the wrapper's back, as
// Safari does to pages in the background.
const connections = [];
const open = IDBFactory.prototype.open;
IDBFactory.prototype.open = function (...args) {
  const request = open.apply(this, args);
  request.addEventListener("success", () => connections.push(request.result));
  return request;
};

const states = [];
const casesEvents = [];
let client = null;

window.harness = {
  sync,
  outbox,
  openLocal,
  states,
  casesEvents,
  connections,
  get client() {
    return client;
  },

  /** Create the client (not started); every state it publishes is kept in `states` with a timestamp. */
  create(config = {}) {
    client = sync.createClient(config);
    client.subscribe((state) => states.push({ ...state, t: Date.now() }));
    client.addEventListener("cases", (event) => casesEvents.push(event.detail.ids));
    return client.kind;
  },

  /** Report `count` cases offline-style (each one a case.create with its local copy); returns their ids. */
  async report(count, prefix = "测试") {
    const ids = [];
    for (let i = 0; i < count; i += 1) {
      const keys = sync.newCaseKeys();
      const args = { ...keys, site: "BL-TX-001", category: "env", description: `${prefix} ${i + 1}：路灯不亮` };
      await client.enqueue("case.create", args, { ...args, status: "submitted" });
      ids.push(keys.id);
    }
    return ids;
  },

  closeConnections() {
    for (const db of connections.splice(0)) db.close();
  },
};

document.documentElement.dataset.harness = "ready";
