// "我的诉求": the cases made on this phone, each with its status (live for the ones still open).

import { h } from "../lib/dom.js";
import { categoryName, formatTime, t } from "../lib/i18n.js";
import { listMine } from "../lib/store.js";
import { FINISHED, fetchTrack, followTrack } from "../lib/track.js";

// Each open EventSource holds a connection; browsers allow only six per server over HTTP/1.1.
const LIVE_MAX = 3;

/**
 * @param {{client: object, db: object, categories: Map<string, object>, lastSite: {code: string, name: string}|null}} options
 */
export function myCases({ client, db, categories, lastSite }) {
  const list = h("ul", { class: "cases", "data-region": "mine" });
  const node = h("section", { "data-view": "mine" },
    h("h1", { tabindex: "-1", text: t("mine.title") }),
    lastSite ? h("p", {}, h("a", { class: "button", href: `/s/${encodeURIComponent(lastSite.code)}`,
      "data-action": "report-here", text: t("site.reportHere", { site: lastSite.name }) })) : null,
    list);
  const closers = [];
  const badges = new Map();
  let stopped = false;

  async function status(row) {
    const answer = await fetchTrack(row.track_token);
    const badge = badges.get(row.track_token);
    if (stopped || badge === undefined) return null;
    const status = answer.state === "ok" ? answer.view.status : answer.state === "missing" ? "pending" : null;
    badge.dataset.status = status ?? "unknown";
    badge.textContent = status ? t(`status.${status}`) : t("status.unknown");
    return status;
  }

  async function load() {
    const rows = await listMine(db);
    if (stopped) return;
    if (rows.length === 0) {
      list.replaceChildren(h("li", { class: "notice", text: t("mine.empty") }));
      return;
    }
    list.replaceChildren(...rows.map((row) => {
      const badge = h("span", { class: "badge", "data-status": "unknown", text: t("status.unknown") });
      badges.set(row.track_token, badge);
      const category = categories.get(row.category);
      return h("li", { "data-case": row.id },
        h("a", { href: `/t/${row.track_token}`, "data-action": "open-case" },
          h("strong", { text: category ? categoryName(category) : row.category }), " ", badge,
          h("span", { class: "hint", text: ` ${row.site_name} · ${formatTime(row.created_at)}` }),
          h("span", { class: "hint", text: ` ${row.description.slice(0, 60)}` })));
    }));
    let live = 0;
    for (const row of rows) {
      const current = await status(row);
      if (current !== null && current !== "pending" && !FINISHED.includes(current) && live < LIVE_MAX && !stopped) {
        live += 1;
        closers.push(followTrack(row.track_token, () => status(row)));
      }
    }
  }

  const onCases = () => load();
  client.addEventListener("cases", onCases);
  load();
  return {
    node,
    hasInput: () => false,
    stop() {
      stopped = true;
      for (const close of closers) close();
      client.removeEventListener("cases", onCases);
    },
  };
}
