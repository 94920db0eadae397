// The facts of a case as a definition list, updated in place: one keyed group (<div><dt><dd>) per fact, redrawn
// only when what it says changes (the deadline's countdown ticks by itself in between).
import { countdown } from "./countdown.js";
import { el } from "./dom.js";
import { t } from "./i18n/index.js";
import { patchList } from "./patch.js";

/**
 * @param {HTMLDListElement} dl
 * @param {object} data GET /api/cases/{id}
 * @param {{teamName: (code: string) => string, category: string, rating: string|null, locale: string}} words
 */
export const caseFacts = (dl, data, { teamName, category, rating, locale }) => {
  const c = data.case;
  const contact = c.contact && (c.contact.name || c.contact.phone) ? c.contact : null;
  // [key, label, signature (null: leave the fact out), content]
  const facts = [
    ["category", t("case.category"), category, () => category],
    ["site", t("case.site"), c.site, () => t("case.site_value", { name: c.site_name, code: c.site, community: c.community })],
    ["created", t("case.created"), c.created_at, () => new Date(c.created_at).toLocaleString(locale, { hour12: false })],
    ["deadline", t("case.deadline"), JSON.stringify([c.deadline?.kind, c.deadline?.due, c.extended]), () => (c.deadline
      ? el("span", {}, `${t(`deadline.${c.deadline.kind}`)} `, countdown(c.deadline), c.extended ? t("deadline.extended") : "")
      : t("deadline.none"))],
    ["team", t("case.team"), c.team, () => teamName(c.team)],
    ["assignee", t("case.assignee"), c.assignee_name, () => c.assignee_name],
    ["contact", t("case.contact"), JSON.stringify(contact), () => (contact
      ? el("span", {}, contact.name ?? "", " ", contact.phone ? el("a", { href: `tel:${contact.phone}`, text: contact.phone }) : "")
      : t("case.no_contact"))],
    ["reporter", t("case.reporter"), c.reporter ? JSON.stringify(c.reporter) : null,
      () => t("case.reporter_value", { pseudonym: c.reporter.pseudonym, cases: t("case.reporter_cases", { n: c.reporter.cases }) })],
    ["hotline", t("case.hotline"), data.hotline ? JSON.stringify(data.hotline) : null,
      () => t("case.hotline_value", { order: data.hotline.order_no, category: data.hotline.category })],
    ["marks", t("case.marks"), [c.confidential ? t("case.confidential") : "", c.callback ? t("case.callback") : ""]
      .filter(Boolean).join("，") || null, null],
    ["duplicate_of", t("case.duplicate_of"), c.duplicate_of, () => el("a", { href: `#/case/${c.duplicate_of}`, text: c.duplicate_of.slice(0, 8) })],
    ["reject_reason", t("case.reject_reason"), c.reject_reason, () => c.reject_reason],
    ["resolution", t("case.resolution"), c.resolution, () => c.resolution],
    ["rating", t("case.rating"), rating ? `${rating}${c.rating_comment ? `：${c.rating_comment}` : ""}` : null, null],
  ];
  patchList(dl, facts.filter(([, , sig]) => sig !== null && sig !== undefined && sig !== "").map(([key, label, sig, content]) => ({
    key, sig: String(sig),
    render: () => el("div", { dataset: { fact: key } }, el("dt", { text: label }), el("dd", {}, content ? content() : String(sig))),
  })));
};
