// The audit trail of a case: every event of its log, who did it, when, from which device — conflicts shown.
import { RATINGS, STATUSES } from "/sync/client/names.js";
import { el } from "./dom.js";
import { t } from "./i18n/index.js";

const when = (iso) => new Date(iso).toLocaleString("zh-CN", { hour12: false });

// A resident is shown by pseudonym (居民·7K3Q9M): the server never sends their client id to staff.
const who = (actor) => {
  if (actor.kind === "staff") return `${actor.user ?? ""}（${t(`role.${actor.role}`)}）`;
  // An Open311 key or the 12345 import: the system, by the name it was given.
  if (actor.kind === "integration") return `${t("actor.integration")}（${actor.user ?? actor.channel ?? ""}）`;
  return actor.pseudonym ?? t(`actor.${actor.kind}`);
};

const device = (actor) => actor.device || (actor.client_kind ? t(`client.${actor.client_kind}`) : "");

// The words of an event beyond its type: the reason, the team, the new deadline, what a conflict was about.
const details = (entry, names) => {
  const p = entry.payload;
  if (entry.conflict) {
    if (p.kind === "transition") {
      return t("timeline.conflict_transition", { action: t(`event.${p.mutation}`), status: STATUSES[p.status] ?? p.status });
    }
    return t("timeline.conflict_field", { field: p.field, kept: JSON.stringify(p.kept?.value), lost: JSON.stringify(p.lost?.value) });
  }
  const parts = [];
  if (p.from && p.to && p.from !== p.to) parts.push(`${STATUSES[p.from] ?? p.from} → ${STATUSES[p.to] ?? p.to}`);
  if (p.team) parts.push(names.team(p.team));
  if (p.unit) parts.push(t("timeline.transfer", { unit: p.unit }));
  if (p.opinion) parts.push(p.opinion);
  if (p.assignee) parts.push(`#${p.assignee}`);
  if (p.reason) parts.push(`${t("form.reason")}：${p.reason}`);
  if (p.until) parts.push(`→ ${new Date(p.until).toLocaleDateString("zh-CN")}`);
  if (p.into) parts.push(`→ ${p.into.slice(0, 8)}`);
  if (p.text) parts.push(p.text);
  if (p.rating) parts.push(RATINGS[p.rating] ?? p.rating);
  if (p.comment) parts.push(p.comment);
  if (p.field) parts.push(`${p.field} = ${JSON.stringify(p.value)}`);
  return parts.join("；");
};

/**
 * @param {Array<object>} entries the `timeline` of GET /api/cases/{id}
 * @param {{team: (code: string) => string}} names display names for codes
 */
export const timeline = (entries, names) => el("ol", { dataset: { role: "timeline" } }, entries.map((entry) =>
  el("li", { dataset: { eventType: entry.type, ...(entry.conflict ? { conflict: "true" } : {}) } },
    el("time", { datetime: entry.at, text: when(entry.at) }), " ",
    el("strong", { text: t(`event.${entry.type}`) }), " ",
    el("span", { text: who(entry.actor) }),
    device(entry.actor) ? el("span", { class: "device", text: ` · ${t("timeline.device", { device: device(entry.actor) })}` }) : null,
    details(entry, names) ? el("div", { text: details(entry, names) }) : null)));
