// The sync bar: "待同步 N 条", the last sync time, photos still to upload, and every refusal from the server
// in Chinese with the case it concerns, until the person dismisses it.
import { el, replace } from "/pwa/console/dom.js";
import { formatTime, t } from "./i18n/index.js";
import { waitingPhotos } from "./store.js";

const actionName = (name) => t(`action.${name.slice(5)}`);

/**
 * @param {HTMLElement} statusNode the live region for the counts
 * @param {HTMLElement} alertsNode where refusals are listed
 * @param {{client: object, photos: object, db: object}} ctx
 */
export function mountSyncBar(statusNode, alertsNode, { client, photos, db }) {
  let latest = client.state;

  async function paint() {
    const state = latest;
    const [waiting, rejected] = await Promise.all([waitingPhotos(db), client.rejected()]);
    const uploads = waiting.filter((p) => !p.refused).length;
    const refused = waiting.filter((p) => p.refused);
    const line = state.pending > 0 ? t("sync.pending", { count: state.pending }) : t("sync.synced");
    const last = state.lastSuccessAt ? t("sync.last", { time: formatTime(state.lastSuccessAt) }) : t("sync.never");
    replace(statusNode,
      el("span", { dataset: { role: "pending", pending: String(state.pending) }, text: line }),
      el("span", { dataset: { role: "last-sync" }, text: last }),
      uploads > 0 ? el("span", { dataset: { role: "photos-waiting" }, text: t("sync.photos", { count: uploads }) }) : null,
      state.syncing ? el("span", { text: t("sync.syncing") }) : null,
      state.lastError?.status === 401 ? el("span", { text: t("sync.signed_out") }) : null,
      el("button", { type: "button", dataset: { action: "sync-now" }, text: t("sync.now"),
        on: { click: () => { client.syncNow(); photos.pump(); } } }));
    const items = [];
    for (const r of rejected) {
      const c = await client.getCase(r.args.id);
      items.push(el("p", { role: "alert", dataset: { role: "rejected", mid: String(r.mid) } },
        t("sync.rejected", { action: actionName(r.name), number: c?.number ?? r.args.id.slice(0, 8), message: r.message || r.error }),
        " ",
        el("button", { type: "button", dataset: { action: "dismiss-rejected" }, text: t("sync.dismiss"),
          on: { click: () => client.dismissRejected(r.mid) } })));
    }
    for (const p of refused) {
      items.push(el("p", { role: "alert", dataset: { role: "photo-refused" } },
        t("action.photo_refused", { message: p.refused }), " ",
        el("button", { type: "button", dataset: { action: "dismiss-photo" }, text: t("sync.dismiss"),
          on: { click: () => photos.dismiss(p.key) } })));
    }
    replace(alertsNode, items);
  }

  const repaint = () => paint().catch(() => {});
  client.subscribe((state) => {
    latest = state;
    repaint();
  });
  photos.addEventListener("change", repaint);
  return { repaint };
}
