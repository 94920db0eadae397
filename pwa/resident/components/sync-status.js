// What waits on this phone and when it last synced, from the sync client's observable state.

import { formatTime, t } from "../lib/i18n.js";
import { listReportsWaiting } from "../lib/store.js";

/**
 * Keep `node` up to date; returns the function that stops it.
 * @param {HTMLElement} node @param {object} client the sync client @param {object} reports @param {object} db
 */
export function syncStatus(node, client, reports, db) {
  let latest = client.state;
  let waiting = 0;
  node.setAttribute("data-region", "status");
  node.classList.add("status-line");

  function render() {
    const parts = [];
    const pending = latest.pending + waiting;
    if (navigator.onLine === false) parts.push(t("sync.offline"));
    else if (latest.syncing) parts.push(t("sync.syncing"));
    else if (pending > 0 && latest.lastError && latest.lastError.error !== "offline") parts.push(t("sync.error", { message: latest.lastError.message }));
    if (pending > 0) parts.push(t("sync.pending", { n: pending }));
    parts.push(latest.lastSuccessAt ? t("sync.last", { time: formatTime(latest.lastSuccessAt) }) : t("sync.never"));
    for (const row of latest.rejected ?? []) parts.push(t("sync.rejected", { message: row.message }));
    node.textContent = parts.join(" · ");
    node.dataset.pending = String(pending);
    node.dataset.lastSync = latest.lastSuccessAt ? String(latest.lastSuccessAt) : "";
  }

  async function recount() {
    waiting = await listReportsWaiting(db);
    render();
  }

  const unsubscribe = client.subscribe((state) => {
    latest = state;
    render();
  });
  reports.addEventListener("change", recount);
  window.addEventListener("online", render);
  window.addEventListener("offline", render);
  recount();
  return () => {
    unsubscribe();
    reports.removeEventListener("change", recount);
    window.removeEventListener("online", render);
    window.removeEventListener("offline", render);
  };
}
