// The console's actions on a case. Each one is a mutation queued in the sync outbox (IndexedDB), so a flaky
// desk network loses nothing: it is sent now, or again until the server acknowledges it. The server decides;
// a move that came too late shows up as a conflict in the timeline, a refusal in the outbox bar.
import { getJSON, withQuery } from "./api.js";
import { field, formDialog } from "./dialog.js";
import { el, options } from "./dom.js";
import { t } from "./i18n/index.js";

/** Mutation name → shortcut key on the case page. */
export const ACTION_KEYS = Object.freeze({
  "case.accept": "a", "case.dispatch": "d", "case.reject": "r", "case.merge": "m",
  "case.extend": "e", "case.return": "t", "case.close": "c",
});

export const actionLabel = (name) => t(`action.${name.slice(5)}`);

const reasonField = () => field(t("form.reason"), el("textarea", { id: "action-reason", name: "reason", rows: 3, maxlength: 500, required: true }));

const reasonOf = (form) => {
  const reason = form.elements.reason.value.trim();
  if (!reason) form.elements.reason.setAttribute("aria-invalid", "true");
  return reason;
};

const staffOptions = async (select, team) => {
  const { staff } = team ? await getJSON(withQuery("/api/staff", { team })) : { staff: [] };
  select.replaceChildren(...options([["", t("form.nobody")], ...staff.map((s) => [String(s.id), s.display_name])], ""));
};

const dispatchForm = async (c, ref, enqueue) => {
  const category = ref.categories.find((x) => x.code === c.category);
  const team = el("select", { id: "action-team", name: "team", required: true },
    options(ref.teams.map((x) => [x.code, x.name]), c.team || category?.default_team || ""));
  const person = el("select", { id: "action-assignee", name: "assignee" });
  await staffOptions(person, team.value);
  team.addEventListener("change", () => staffOptions(person, team.value));
  return formDialog({
    title: `${t("action.dispatch")} ${c.number}`, action: "dispatch-form",
    fields: [field(t("form.team"), team), field(t("form.assignee"), person)],
    onSubmit: async (form) => {
      const args = { id: c.id, team: form.elements.team.value };
      if (form.elements.assignee.value) args.assignee = Number(form.elements.assignee.value);
      await enqueue("case.dispatch", args);
    },
  });
};

const mergeForm = async (c, enqueue) => {
  const open = "submitted,accepted,dispatched,in_progress,resolved";
  const { cases } = await getJSON(withQuery("/api/cases", { community: c.community, status: open, per_page: 200 }));
  const candidates = cases.filter((x) => x.id !== c.id);
  const into = el("select", { id: "action-into", name: "into", required: true },
    options([["", "—"], ...candidates.map((x) => [x.id, `${x.number} ${x.category_name} · ${x.site_name}：${x.description.slice(0, 30)}`])], ""));
  return formDialog({
    title: `${t("action.merge")} ${c.number}`, action: "merge-form", fields: [field(t("form.into"), into)],
    onSubmit: async (form) => {
      if (!form.elements.into.value) return t("form.into_required");
      await enqueue("case.merge", { id: c.id, into: form.elements.into.value });
    },
  });
};

const extendForm = (c, enqueue) => {
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const until = el("input", { id: "action-until", name: "until", type: "date", min: tomorrow, required: true });
  return formDialog({
    title: `${t("action.extend")} ${c.number}`, action: "extend-form",
    fields: [field(t("form.until"), until), reasonField()],
    onSubmit: async (form) => {
      if (!form.elements.until.value) return t("form.until_required");
      const reason = reasonOf(form);
      if (!reason) return t("form.reason_required");
      await enqueue("case.extend", { id: c.id, until: form.elements.until.value, reason });
    },
  });
};

const reasonForm = (name, c, enqueue) => formDialog({
  title: `${actionLabel(name)} ${c.number}`, action: `${name.slice(5)}-form`, fields: [reasonField()],
  onSubmit: async (form) => {
    const reason = reasonOf(form);
    if (!reason) return t("form.reason_required");
    await enqueue(name, { id: c.id, reason });
  },
});

/**
 * Run action `name` on case `c`: ask what it needs, then queue the mutation. Resolves true once queued.
 * @param {string} name e.g. "case.dispatch"
 * @param {object} c the case as the API gave it
 * @param {{ref: object, client: object, toast: (text: string) => void}} ctx
 */
export const runAction = async (name, c, ctx) => {
  const enqueue = async (mutation, args) => {
    await ctx.client.enqueue(mutation, args, null);
    ctx.toast(t("action.queued", { name: actionLabel(mutation) }));
  };
  switch (name) {
    case "case.accept":
    case "case.close":
      await enqueue(name, { id: c.id });
      return true;
    case "case.dispatch":
      return dispatchForm(c, ctx.ref, enqueue);
    case "case.merge":
      return mergeForm(c, enqueue);
    case "case.extend":
      return extendForm(c, enqueue);
    case "case.reject":
    case "case.return":
      return reasonForm(name, c, enqueue);
    default:
      return false;
  }
};
