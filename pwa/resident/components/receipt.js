// The receipt, shown the moment a report is saved: "saved, will be sent" until the server has it, then the
// case number; always the tracking link.

import { h } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import { fetchTrack } from "../lib/track.js";

/**
 * @param {{keys: {id: string, track_token: string}, client: object, onAnother: () => void}} options
 * @returns {{node: HTMLElement, stop: () => void}}
 */
export function receipt({ keys, client, onAnother }) {
  const path = `/t/${keys.track_token}`;
  const state = h("p", { class: "big", "data-receipt": "state", text: t("receipt.saved") });
  const notice = h("div", { class: "notice warn", role: "status", "aria-live": "polite" }, state);
  const link = h("a", { href: path, "data-action": "track", text: location.origin + path });
  let stopped = false;

  async function check() {
    if (stopped) return;
    const answer = await fetchTrack(keys.track_token);
    if (answer.state !== "ok" || answer.cached || stopped) return;
    notice.className = "notice ok";
    notice.dataset.number = answer.view.number ?? "";
    state.textContent = answer.view.number ? `${t("receipt.number")}：${answer.view.number}` : t("status.submitted");
    stopped = true;
    unsubscribe();
  }

  let lastSync = client.state.lastSuccessAt;
  const unsubscribe = client.subscribe((s) => {
    if (s.lastSuccessAt !== lastSync && s.pending === 0) {
      lastSync = s.lastSuccessAt;
      check();
    }
  });
  check();

  const node = h("section", { "data-view": "receipt" },
    h("h1", { tabindex: "-1", text: t("receipt.title") }),
    notice,
    h("p", { text: t("receipt.keep") }),
    h("p", { class: "long-link" }, link),
    h("p", { class: "row" },
      h("a", { class: "button", href: path, "data-action": "track-button", text: t("receipt.track") }),
      h("button", { type: "button", "data-action": "another", on: { click: onAnother }, text: t("receipt.another") })));
  return {
    node,
    stop() {
      stopped = true;
      unsubscribe();
    },
  };
}
