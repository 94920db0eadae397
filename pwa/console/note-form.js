// An internal note (内部备注) from the case page, queued in the outbox like every action. The form is drawn once
// per visit to a case and never redrawn: what a dispatcher is typing survives every live update of the page.
import { el } from "./dom.js";
import { t } from "./i18n/index.js";

const MAX_NOTE = 2000; // the sync engine's limit for a note's text

/**
 * @param {{caseId: string, client: object, toast: (text: string) => void, onQueued: () => void}} options
 * @returns {HTMLFormElement}
 */
export const noteForm = ({ caseId, client, toast, onQueued }) => {
  const id = `note-text-${caseId}`;
  const text = el("textarea", { id, name: "text", rows: 2, maxlength: MAX_NOTE, dataset: { role: "note-text" }, "aria-describedby": `${id}-error` });
  const error = el("p", { id: `${id}-error`, class: "error", dataset: { role: "note-error" } });
  const submit = el("button", { type: "submit", dataset: { action: "submit-note" }, text: t("note.submit") });
  const form = el("form", { class: "note-form", dataset: { action: "add-note" } },
    el("label", { for: id, text: t("note.label") }), text, error, el("p", {}, submit));
  text.addEventListener("input", () => {
    if (text.value.trim()) {
      error.textContent = "";
      text.removeAttribute("aria-invalid");
    }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = text.value.trim();
    if (!value) {
      error.textContent = t("note.required");
      text.setAttribute("aria-invalid", "true");
      text.focus();
      return;
    }
    submit.disabled = true;
    try {
      await client.enqueue("case.note", { id: caseId, note_id: crypto.randomUUID(), text: value }, null);
      text.value = "";
      toast(t("action.queued", { name: t("note.name") }));
      onQueued();
    } finally {
      submit.disabled = false;
    }
  });
  return form;
};
