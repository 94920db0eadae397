// The board's filter bar: status, site, community, category, team, overdue, dates, order. Its state lives in
// the address (#/board?status=…), so a filtered board can be bookmarked and survives a reload. The default order
// is the most urgent first; "newest first" is the other.
import { STATUSES } from "/sync/client/names.js";
import { el, options } from "./dom.js";
import { categoryName, statusName, t } from "./i18n/index.js";

export const OPEN = "submitted,accepted,dispatched,in_progress";
export const FILTER_KEYS = ["status", "site", "community", "category", "team", "overdue", "from", "to", "sort"];

const select = (name, label, pairs, value) => {
  const id = `filter-${name}`;
  return el("span", {}, el("label", { for: id, text: label }),
    el("select", { id, name, dataset: { filter: name } }, options([["", t("filter.any")], ...pairs], value)));
};

const input = (name, label, type, value) => {
  const id = `filter-${name}`;
  return el("span", {}, el("label", { for: id, text: label }), el("input", { id, name, type, value: value ?? "", dataset: { filter: name } }));
};

/**
 * @param {object} ref reference data (sites, communities, categories, teams)
 * @param {Record<string, string>} params the current filters
 * @param {(params: Record<string, string>) => void} apply called with the new filters
 */
export const filterBar = (ref, params, apply) => {
  const statusPairs = [[OPEN, t("filter.open")], ...Object.keys(STATUSES).map((s) => [s, statusName(s)])];
  const sites = ref.sites.filter((s) => !params.community || s.community === params.community);
  const form = el("form", { dataset: { action: "filter" }, role: "search", "aria-label": t("filter.legend") },
    select("status", t("filter.status"), statusPairs, params.status),
    select("community", t("filter.community"), ref.communities.map((c) => [c, c]), params.community),
    select("site", t("filter.site"), sites.map((s) => [s.code, t("filter.site_option", { name: s.name, code: s.code })]), params.site),
    select("category", t("filter.category"), ref.categories.map((c) => [c.code, categoryName(c, ref)]), params.category),
    select("team", t("filter.team"), ref.teams.map((x) => [x.code, x.name]), params.team),
    input("from", t("filter.from"), "date", params.from),
    input("to", t("filter.to"), "date", params.to),
    el("span", {}, el("input", { id: "filter-overdue", type: "checkbox", name: "overdue", checked: params.overdue === "1", dataset: { filter: "overdue" } }),
      el("label", { for: "filter-overdue", text: t("filter.overdue") })),
    el("span", {}, el("label", { for: "filter-sort", text: t("filter.sort") }),
      el("select", { id: "filter-sort", name: "sort", dataset: { filter: "sort" } },
        options([["due", t("filter.sort_due")], ["new", t("filter.sort_new")]], params.sort || "due"))),
    el("button", { type: "button", dataset: { action: "clear-filters" }, text: t("filter.clear") }));

  const read = () => {
    const data = new FormData(form);
    const next = {};
    for (const key of FILTER_KEYS) {
      const value = key === "overdue" ? (data.get("overdue") ? "1" : "") : String(data.get(key) ?? "");
      if (value) next[key] = value;
    }
    if (next.sort === "due") delete next.sort;
    return next;
  };
  form.addEventListener("change", () => apply(read()));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    apply(read());
  });
  form.querySelector('[data-action="clear-filters"]').addEventListener("click", () => apply({}));
  return form;
};
