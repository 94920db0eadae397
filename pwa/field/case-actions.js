// What a field worker may do to a case, as the lifecycle allows (sync/lifecycle.py): 开始处置 from
// dispatched; 办结 and 退回 from dispatched or in progress; notes and photos always. Every action is a mutation
// queued in the sync client's outbox with its local change, so it shows at once and survives no signal.
import { el, replace } from "/pwa/console/dom.js";
import { PhotoError, shrinkPhoto } from "/pwa/resident/lib/shrink.js";
import { t } from "./i18n/index.js";

const MOVES = Object.freeze({ dispatched: ["start", "resolve", "return"], in_progress: ["resolve", "return"] });

/** The actions offered on a case in `status`. */
export const actionsFor = (status) => [...(MOVES[status] ?? []), "note", "photo"];

const localChanges = {
  start: () => (c) => c && { ...c, status: "in_progress" },
  resolve: (text) => (c) => c && { ...c, status: "resolved", resolution: text },
  return: () => (c) => c && { ...c, status: "accepted" },
  note: (text, noteId, user) => (c, row) => c && {
    ...c, notes: [...(c.notes ?? []), { note_id: noteId, text, photos: [], hlc: row.hlc, author: { kind: "staff", user }, local: true }],
  },
};

/**
 * @param {object} c the case as this phone knows it
 * @param {{client: object, photos: object, device: object, announce: (text: string) => void, done: () => void}} ctx
 */
export function caseActions(c, ctx) {
  const node = el("section", { class: "actions", "aria-labelledby": "actions-title" });
  const formSlot = el("div");
  const queued = (name) => {
    ctx.announce(t("action.queued", { action: t(`action.${name}`) }));
    ctx.done();
  };

  const textForm = (name, label, submitKey, onText) => {
    const area = el("textarea", { id: `action-${name}-text`, name: "text", rows: 4, maxlength: 2000, required: true });
    const error = el("p", { class: "error", role: "alert" });
    const form = el("form", { dataset: { action: `${name}-form` }, novalidate: true },
      el("label", { for: area.id, text: label }), area, error,
      el("div", { class: "row" },
        el("button", { type: "submit", class: "primary", dataset: { action: "confirm" }, text: t(submitKey) }),
        el("button", { type: "button", dataset: { action: "cancel" }, text: t("action.cancel"),
          on: { click: () => replace(formSlot) } })));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const text = area.value.trim();
      if (!text) {
        error.textContent = t("action.text_required");
        area.setAttribute("aria-invalid", "true");
        area.focus();
        return;
      }
      form.querySelector('[data-action="confirm"]').disabled = true;
      await onText(text);
      queued(name);
    });
    replace(formSlot, form);
    area.focus();
  };

  const run = {
    start: async () => {
      await ctx.client.enqueue("case.start", { id: c.id }, localChanges.start());
      queued("start");
    },
    note: () => textForm("note", t("action.note_label"), "action.submit_note", async (text) => {
      const noteId = crypto.randomUUID();
      await ctx.client.enqueue("case.note", { id: c.id, note_id: noteId, text },
        localChanges.note(text, noteId, ctx.device.user.username));
    }),
    resolve: () => textForm("resolve", t("action.resolve_label"), "action.submit_resolve", (text) =>
      ctx.client.enqueue("case.resolve", { id: c.id, text }, localChanges.resolve(text))),
    return: () => textForm("return", t("action.return_label"), "action.submit_return", (reason) =>
      ctx.client.enqueue("case.return", { id: c.id, reason }, localChanges.return())),
  };

  const photoInput = el("input", { id: "action-photo-file", type: "file", accept: "image/*", capture: "environment",
    hidden: true, "aria-label": t("action.photo_label") });
  const photoError = el("p", { class: "error", role: "alert" });
  photoInput.addEventListener("change", async () => {
    const [file] = photoInput.files;
    photoInput.value = "";
    if (!file) return;
    photoError.textContent = "";
    try {
      await ctx.photos.add(c.id, await shrinkPhoto(file));
      ctx.announce(t("action.photo_saved"));
      ctx.done();
    } catch (err) {
      photoError.textContent = err instanceof PhotoError ? t(err.key, err.params) : String(err);
    }
  });

  const buttons = actionsFor(c.status).map((name) => (name === "photo"
    ? el("button", { type: "button", dataset: { action: "photo" }, text: t("action.photo"), on: { click: () => photoInput.click() } })
    : el("button", { type: "button", class: name === "resolve" ? "primary" : null, dataset: { action: name },
      text: t(`action.${name}`), on: { click: () => run[name]() } })));
  return replace(node, el("h2", { id: "actions-title", class: "visually-hidden", text: t("case.actions") }),
    el("div", { class: "action-buttons" }, buttons), photoInput, photoError, formSlot);
}
