// The keyboard help ("?"): a dialog listing the shortcuts.
import { el } from "./dom.js";
import { t } from "./i18n/index.js";

export const showHelp = () => {
  const opener = document.activeElement;
  const close = el("button", { type: "button", dataset: { action: "close-help" }, text: t("action.cancel") });
  const dialog = el("dialog", { "aria-labelledby": "help-title", dataset: { role: "help" } },
    el("h2", { id: "help-title", text: t("help.title") }), el("p", { text: t("help.keys") }), el("p", { text: t("help.case_keys") }), close);
  const done = () => {
    dialog.close();
    dialog.remove();
    opener?.focus?.();
  };
  close.addEventListener("click", done);
  dialog.addEventListener("cancel", done);
  document.body.append(dialog);
  dialog.showModal();
  close.focus();
};
