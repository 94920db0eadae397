// The outbox bar: how many of this console's actions still wait for the server, and any it refused.
import { el, replace } from "./dom.js";
import { t } from "./i18n/index.js";
import { actionLabel } from "./actions.js";

/** A live status line for the sync client `client` (pending count, refusals with a dismiss button). */
export const outboxBar = (client) => {
  const node = el("div", { dataset: { role: "outbox" }, role: "status", "aria-live": "polite" });
  const paint = async (state) => {
    const rejected = await client.rejected();
    replace(node,
      el("span", { dataset: { pending: String(state.pending) }, text: state.pending ? t("outbox.pending", { count: state.pending }) : t("outbox.synced") }),
      rejected.map((r) => el("p", { role: "alert", dataset: { role: "rejected" } },
        t("outbox.rejected", { name: actionLabel(r.name), message: r.message || r.error }), " ",
        el("button", { type: "button", dataset: { action: "dismiss-rejected" }, on: { click: () => client.dismissRejected(r.mid) }, text: t("outbox.dismiss") }))));
  };
  client.subscribe((state) => { paint(state); });
  window.addEventListener("mashangban:lang", () => paint(client.state));
  return node;
};
