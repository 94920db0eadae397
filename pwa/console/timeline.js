// The audit trail of a case: every event of its log in the order things happened, who did it (by name), when,
// from which device, work done offline marked with when it arrived, conflicts shown.
import { el } from "./dom.js";
import { locale, ratingName, statusName, t } from "./i18n/index.js";

const when = (iso) => new Date(iso).toLocaleString(locale(), { hour12: false });
const clock = (iso) => new Date(iso).toLocaleTimeString(locale(), { hour: "2-digit", minute: "2-digit", hour12: false });

// A resident is shown by pseudonym (居民·7K3Q9M): the server never sends their client id to staff.
const who = (actor) => {
  if (actor.kind === "staff") return t("timeline.who", { name: actor.name ?? actor.user ?? "", role: t(`role.${actor.role}`) });
  // An Open311 key or the 12345 import: the system, by the name it was given.
  if (actor.kind === "integration") return t("timeline.who", { name: t("actor.integration"), role: actor.user ?? actor.channel ?? "" });
  return actor.pseudonym ?? t(`actor.${actor.kind}`);
};

const device = (actor) => actor.device || (actor.client_kind ? t(`client.${actor.client_kind}`) : "");

// A scalar field's value as a person reads it: a name for a person, a word for a priority.
const shown = (field, value, name) => {
  if (value === null || value === undefined) return t("none");
  if (field === "assignee") return name ?? t("timeline.someone");
  if (field === "priority") return t(`priority.${value}`);
  return typeof value === "string" ? value : JSON.stringify(value);
};

// The words of an event beyond its type: the reason, the team, the new deadline, what a conflict was about.
const details = (entry, names) => {
  const p = entry.payload;
  if (entry.conflict) {
    if (p.kind === "transition") {
      return t("timeline.conflict_transition", { action: t(`event.${p.mutation}`), status: statusName(p.status) });
    }
    return t("timeline.conflict_field", {
      field: t(`scalar.${p.field}`), kept: shown(p.field, p.kept?.value, p.kept?.name), lost: shown(p.field, p.lost?.value, p.lost?.name),
    });
  }
  const parts = [];
  if (p.from && p.to && p.from !== p.to) parts.push(`${statusName(p.from)} → ${statusName(p.to)}`);
  if (p.team) parts.push(names.team(p.team));
  if (p.unit) parts.push(t("timeline.transfer", { unit: p.unit }));
  if (p.opinion) parts.push(p.opinion);
  if (p.assignee) parts.push(p.assignee_name ?? t("timeline.someone"));
  if (p.reason) parts.push(`${t("form.reason")}：${p.reason}`);
  if (p.until) parts.push(`→ ${new Date(p.until).toLocaleDateString(locale())}`);
  if (p.into) parts.push(`→ ${p.into.slice(0, 8)}`);
  if (p.text) parts.push(p.text);
  if (p.rating) parts.push(ratingName(p.rating));
  if (p.comment) parts.push(p.comment);
  if (p.field) parts.push(`${t(`scalar.${p.field}`)} → ${shown(p.field, p.value, p.value_name)}`);
  return parts.join("；");
};

/** What an entry shows, as a string: it changes when the entry would be drawn differently. */
export const entrySig = (entry) => JSON.stringify([entry.seq, entry.happened_at, entry.synced_later, entry.actor.name,
  entry.payload.assignee_name]);

/**
 * One entry of the trail, a <li>.
 * @param {object} entry an entry of the `timeline` of GET /api/cases/{id}
 * @param {{team: (code: string) => string}} names display names for codes
 */
export const timelineItem = (entry, names) => {
  const at = entry.happened_at ?? entry.at;
  return el("li", { dataset: { eventType: entry.type, ...(entry.conflict ? { conflict: "true" } : {}), ...(entry.synced_later ? { syncedLater: "true" } : {}) } },
    el("time", { datetime: at, text: when(at) }), " ",
    el("strong", { text: t(`event.${entry.type}`) }), " ",
    el("span", { text: who(entry.actor) }),
    device(entry.actor) ? el("span", { class: "device", text: ` · ${t("timeline.device", { device: device(entry.actor) })}` }) : null,
    entry.synced_later ? el("span", { class: "late", dataset: { role: "synced-later" }, text: ` · ${t("timeline.synced_later", { time: clock(entry.recorded_at) })}` }) : null,
    details(entry, names) ? el("div", { text: details(entry, names) }) : null);
};

/**
 * The whole trail as an <ol>.
 * @param {Array<object>} entries the `timeline` of GET /api/cases/{id}
 * @param {{team: (code: string) => string}} names display names for codes
 */
export const timeline = (entries, names) => el("ol", { dataset: { role: "timeline" } }, entries.map((entry) => timelineItem(entry, names)));
