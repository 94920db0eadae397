// A modal form in a native <dialog>: it traps focus, Escape cancels, and focus returns where it was.
import { el } from "./dom.js";
import { t } from "./i18n/index.js";

/**
 * Show a form; resolves true when `onSubmit` succeeded, false when cancelled.
 * `onSubmit(form)` returns an error message to show (the dialog stays open) or nothing to close it.
 * @param {{title: string, fields: Node[], onSubmit: (form: HTMLFormElement) => Promise<string|void>, action: string}} spec
 */
export const formDialog = ({ title, fields, onSubmit, action }) => new Promise((resolve) => {
  const opener = document.activeElement;
  const error = el("p", { role: "alert", dataset: { role: "dialog-error" }, hidden: true });
  const submit = el("button", { type: "submit", dataset: { action: "confirm" }, text: t("action.submit") });
  const form = el("form", { method: "dialog", dataset: { action } },
    el("h2", { id: "dialog-title", text: title }), ...fields, error,
    el("p", { class: "buttons" }, submit,
      el("button", { type: "button", dataset: { action: "cancel" }, value: "cancel", text: t("action.cancel") })));
  const dialog = el("dialog", { "aria-labelledby": "dialog-title" }, form);
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

/** A labelled field for a dialog: `control` is an input, select or textarea with an id. */
export const field = (label, control) => el("p", {}, el("label", { for: control.id, text: label }), control);
