// Withdrawing one's own case before it is dispatched: a button, then a confirmation with an optional reason.

import { h } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import { COMMENT_MAX } from "../lib/validate.js";

/** @param {{caseId: string, client: object, onDone: () => void}} options */
export function withdrawForm({ caseId, client, onDone }) {
  const reason = h("input", { type: "text", id: "withdraw-reason", maxlength: COMMENT_MAX, "data-field": "reason" });
  const confirm = h("div", { class: "notice warn", hidden: true, "data-region": "withdraw-confirm" },
    h("p", { text: t("withdraw.question") }),
    h("label", { for: "withdraw-reason", text: t("withdraw.reason") }), reason,
    h("p", { class: "row" },
      h("button", { type: "button", "data-action": "withdraw-confirm", on: { click: send }, text: t("withdraw.confirm") }),
      h("button", { type: "button", "data-action": "withdraw-cancel", on: { click: cancel }, text: t("withdraw.cancel") })));
  const open = h("button", { type: "button", "data-action": "withdraw", text: t("withdraw.button"),
    on: { click: () => { open.hidden = true; confirm.hidden = false; reason.focus(); } } });

  function cancel() {
    confirm.hidden = true;
    open.hidden = false;
    open.focus();
  }

  async function send() {
    const args = { id: caseId };
    if (reason.value.trim()) args.reason = reason.value.trim();
    await client.enqueue("case.withdraw", args, (current) => current && { ...current, withdraw_requested: true });
    onDone();
  }

  return { node: h("div", {}, open, confirm), hasInput: () => reason.value !== "" };
}
