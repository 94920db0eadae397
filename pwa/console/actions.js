// The console's actions on a case. Each one is a mutation queued in the sync outbox (IndexedDB), so a flaky
// desk network loses nothing: it is sent now, or again until the server acknowledges it. The server decides;
// a move that came too late shows up as a conflict in the timeline, a refusal in the outbox bar.
import { getJSON, withQuery } from "./api.js";
import { duration } from "./countdown.js";
import { field, formDialog } from "./dialog.js";
import { el, options } from "./dom.js";
import { categoryName, statusName, t } from "./i18n/index.js";

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
    title: `${t("action.dispatch")} ${c.number}`, action: "dispatch-form", caseId: c.id,
    fields: [field(t("form.team"), team), field(t("form.assignee"), person)],
    onSubmit: async (form) => {
      const args = { id: c.id, team: form.elements.team.value };
      if (form.elements.assignee.value) args.assignee = Number(form.elements.assignee.value);
      await enqueue("case.dispatch", args);
    },
  });
};

// Why a candidate is suggested, in words: what it shares with the case.
const reasons = (likeness) => [
  likeness.identical ? t("merge.identical") : null,
  likeness.same_site ? t("merge.same_site") : null,
  likeness.same_category ? t("merge.same_category") : null,
  likeness.minutes_apart < 1 ? t("merge.same_time") : t("merge.apart", { time: duration(likeness.minutes_apart * 60_000) }),
  !likeness.identical && likeness.text_similarity > 0 ? t("merge.similar", { percent: Math.round(likeness.text_similarity * 100) }) : null,
].filter(Boolean).join(" · ");

const candidate = (x, ref) => {
  const id = `into-${x.id}`;
  return el("li", { dataset: { candidate: x.id, ...(x.likeness.identical ? { identical: "true" } : {}) } },
    el("input", { type: "radio", id, name: "into", value: x.id }),
    el("label", { for: id },
      el("strong", { text: x.number }), ` ${statusName(x.status)} · ${categoryName(x, ref)} · ${x.site_name}`,
      el("span", { class: "excerpt", text: x.description.length > 60 ? `${x.description.slice(0, 60)}…` : x.description }),
      el("span", { class: "reasons", dataset: { role: "reasons" }, text: reasons(x.likeness) })));
};

// Candidates come ranked by the server (GET /api/cases/{id}/similar): an identical report first, then by how
// much each shares with this one (site, category, time, words).
const mergeForm = async (c, ref, enqueue) => {
  const { candidates } = await getJSON(`/api/cases/${encodeURIComponent(c.id)}/similar`);
  const list = candidates.length
    ? el("ol", { class: "candidates", dataset: { role: "candidates" } }, candidates.map((x) => candidate(x, ref)))
    : el("p", { dataset: { role: "no-candidates" }, text: t("merge.none") });
  return formDialog({
    title: `${t("action.merge")} ${c.number}`, action: "merge-form", caseId: c.id,
    fields: [el("fieldset", {}, el("legend", { text: t("form.into") }), list)],
    onSubmit: async (form) => {
      const into = form.querySelector('input[name="into"]:checked')?.value;
      if (!into) return t("form.into_required");
      await enqueue("case.merge", { id: c.id, into });
    },
  });
};

const extendForm = (c, enqueue) => {
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const until = el("input", { id: "action-until", name: "until", type: "date", min: tomorrow, required: true });
  return formDialog({
    title: `${t("action.extend")} ${c.number}`, action: "extend-form", caseId: c.id,
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
  title: `${actionLabel(name)} ${c.number}`, action: `${name.slice(5)}-form`, caseId: c.id, fields: [reasonField()],
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
      return mergeForm(c, ctx.ref, enqueue);
    case "case.extend":
      return extendForm(c, enqueue);
    case "case.reject":
    case "case.return":
      return reasonForm(name, c, enqueue);
    default:
      return false;
  }
};
