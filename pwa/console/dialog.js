// Modal forms and confirmations in a native <dialog>: it traps focus, Escape cancels, and focus returns where it
// was. The app asks with these, never with the browser's confirm(), which cannot be styled, translated or tested.
import { el } from "./dom.js";
import { t } from "./i18n/index.js";

/**
 * Show a form; resolves true when `onSubmit` succeeded, false when cancelled.
 * `onSubmit(form)` returns an error message to show (the dialog stays open) or nothing to close it.
 * `caseId`: the case the form acts on; the case page then tells the open form when someone else moves the case
 * (in its `[data-role="dialog-notice"]`), and what was typed stays.
 * @param {{title: string, fields: Node[], onSubmit: (form: HTMLFormElement) => Promise<string|void>, action: string,
 *          caseId?: string, submitLabel?: string}} spec
 */
export const formDialog = ({ title, fields, onSubmit, action, caseId, submitLabel }) => new Promise((resolve) => {
  const opener = document.activeElement;
  const notice = el("p", { role: "status", class: "notice", dataset: { role: "dialog-notice" }, hidden: true });
  const error = el("p", { role: "alert", dataset: { role: "dialog-error" }, hidden: true });
  const submit = el("button", { type: "submit", dataset: { action: "confirm" }, text: submitLabel ?? t("action.submit") });
  const form = el("form", { method: "dialog", dataset: { action } },
    el("h2", { id: "dialog-title", text: title }), notice, ...fields, error,
    el("p", { class: "buttons" }, submit,
      el("button", { type: "button", dataset: { action: "cancel" }, value: "cancel", text: t("action.cancel") })));
  const dialog = el("dialog", { "aria-labelledby": "dialog-title", dataset: caseId ? { caseId } : {} }, form);
  let done = false;
  const finish = (ok) => {
    if (done) return;
    done = true;
    dialog.close();
    dialog.remove();
    if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
    resolve(ok);
  };
  form.querySelector('[data-action="cancel"]').addEventListener("click", () => finish(false));
  dialog.addEventListener("cancel", () => finish(false));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      const message = await onSubmit(form);
      if (message) {
        error.textContent = message;
        error.hidden = false;
        form.querySelector("[aria-invalid='true'], input, select, textarea")?.focus();
      } else {
        finish(true);
      }
    } finally {
      submit.disabled = false;
    }
  });
  document.body.append(dialog);
  dialog.showModal();
  form.querySelector("input, select, textarea, button")?.focus();
});

/**
 * Ask a yes-or-no question; resolves true when the person confirms. Focus starts on "cancel", so an Enter
 * pressed out of habit does not retire a site.
 * @param {{title: string, message: string, confirmLabel: string, action: string}} spec
 */
export const confirmDialog = ({ title, message, confirmLabel, action }) => new Promise((resolve) => {
  const opener = document.activeElement;
  const yes = el("button", { type: "button", dataset: { action: "confirm" }, text: confirmLabel });
  const no = el("button", { type: "button", dataset: { action: "cancel" }, text: t("action.cancel") });
  const dialog = el("dialog", { "aria-labelledby": "confirm-title", "aria-describedby": "confirm-message", dataset: { role: "confirm", action } },
    el("h2", { id: "confirm-title", text: title }), el("p", { id: "confirm-message", text: message }),
    el("p", { class: "buttons" }, yes, no));
  const finish = (ok) => {
    dialog.close();
    dialog.remove();
    if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
    resolve(ok);
  };
  yes.addEventListener("click", () => finish(true));
  no.addEventListener("click", () => finish(false));
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    finish(false);
  });
  document.body.append(dialog);
  dialog.showModal();
  no.focus();
});

/** A labelled field for a dialog: `control` is an input, select or textarea with an id. */
export const field = (label, control) => el("p", {}, el("label", { for: control.id, text: label }), control);
