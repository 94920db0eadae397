// The statistics page: a period and a grouping, the trend of the period, a comparison chart, the full table,
// and the CSV export. Every number comes from GET /api/stats (its definitions are in server/stats.py).
import { getJSON, withQuery } from "./api.js";
import { barChart } from "./charts/bar-chart.js";
import { percent } from "./charts/svg.js";
import { trendChart } from "./charts/trend-chart.js";
import { el, options, replace } from "./dom.js";
import { categoryName, t } from "./i18n/index.js";

const METRICS = ["response_ontime_rate", "resolution_rate", "resolution_ontime_rate", "satisfaction_rate",
  "rework_rate", "median_response_minutes", "median_resolution_hours"];
// What the comparison chart may show: the number of cases, or one of the metrics. Unless the person chose, it
// shows the first of these that has a value for some group, so a young period (nothing resolved yet) draws
// bars rather than a row of "—"; the number of cases always has one when there are cases.
const CHART_METRICS = ["cases", ...METRICS];
const PREFERRED = ["resolution_ontime_rate", "response_ontime_rate", "resolution_rate", "satisfaction_rate",
  "rework_rate", "median_response_minutes", "median_resolution_hours", "cases"];

const withData = (groups) => PREFERRED.find((m) => groups.some((g) => g[m] !== null && g[m] !== undefined)) ?? "cases";
const GROUPINGS = ["community", "site", "category", "team"];

const isoDay = (date) => date.toISOString().slice(0, 10);
const cell = (metric, value) => (metric.endsWith("_rate") ? percent(value) : value ?? "—");

const table = (result, label) => el("table", { dataset: { role: "stats-table" } },
  el("thead", {}, el("tr", {}, el("th", { scope: "col", text: t("stats.group") }), el("th", { scope: "col", text: t("stats.cases") }),
    METRICS.map((m) => el("th", { scope: "col", text: t(`metric.${m}`) })))),
  el("tbody", {}, [...result.groups, { key: "", label: t("stats.total"), ...result.total }].map((g) =>
    el("tr", { dataset: { group: g.key || "total" } }, el("th", { scope: "row", text: g.key ? label(g) : g.label }), el("td", { text: g.cases }),
      METRICS.map((m) => el("td", { text: cell(m, g[m]) }))))));

/**
 * @param {HTMLElement} container
 * @param {Record<string, string>} params from, to, by, metric
 * @param {{navigate: (hash: string) => void}} ctx
 */
export const mountStats = (container, params, ctx) => {
  const today = new Date();
  const from = params.from || isoDay(new Date(today.getTime() - 29 * 86_400_000));
  const to = params.to || isoDay(today);
  const by = GROUPINGS.includes(params.by) ? params.by : "community";
  const chosen = CHART_METRICS.includes(params.metric) ? params.metric : null;
  const metricSelect = el("select", { name: "metric" }, options([["", t("stats.metric_auto")], ...CHART_METRICS.map((m) => [m, t(`metric.${m}`)])], chosen ?? ""));
  const form = el("form", { class: "inline", dataset: { action: "stats-filter" } },
    el("label", {}, t("stats.from"), el("input", { type: "date", name: "from", value: from })),
    el("label", {}, t("stats.to"), el("input", { type: "date", name: "to", value: to })),
    el("label", {}, t("stats.by"), el("select", { name: "by" }, options(GROUPINGS.map((g) => [g, t(`stats.by.${g}`)]), by))),
    el("label", {}, t("stats.metric"), metricSelect),
    el("button", { type: "submit", text: t("stats.show") }),
    el("a", { href: withQuery("/api/stats.csv", { from, to, by }), download: "", dataset: { action: "export-csv" }, text: t("stats.csv") }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const next = Object.fromEntries(new FormData(form));
    if (!next.metric) delete next.metric;
    ctx.navigate(withQuery("#/stats", next));
  });
  const status = el("p", { role: "status", text: t("loading") });
  const charts = el("div", { class: "charts" });
  const tableHolder = el("div");
  replace(container, el("h2", { text: t("stats.title") }), form, status, charts, tableHolder);

  // Categories have English names; sites, communities and teams are proper names in Chinese only.
  const groupLabel = (g) => (by === "category" ? categoryName({ code: g.key, name_zh: g.label }, ctx.ref) : g.label ?? g.key);
  const refresh = async () => {
    try {
      const [trend, groups] = await Promise.all([
        getJSON(withQuery("/api/stats", { from, to, by: "day" })),
        getJSON(withQuery("/api/stats", { from, to, by })),
      ]);
      status.textContent = groups.total.cases ? `${t("stats.cases")} ${groups.total.cases}` : t("chart.no_data");
      const metric = chosen ?? withData(groups.groups);
      const compareTitle = t("stats.compare", { metric: t(`metric.${metric}`), by: t(`stats.by.${by}`) });
      replace(charts,
        el("figure", {}, el("figcaption", { text: t("stats.trend") }),
          trendChart(trend.groups, { title: t("stats.trend"), casesLabel: t("chart.cases"), rateLabel: t("metric.response_ontime_rate") })),
        el("figure", {}, el("figcaption", { text: compareTitle }),
          barChart(groups.groups.map((g) => ({ label: groupLabel(g), value: g[metric] })), { title: compareTitle, isRate: metric.endsWith("_rate") })));
      replace(tableHolder, table(groups, groupLabel));
    } catch (err) {
      status.textContent = t("load_failed", { message: err.message });
    }
  };
  refresh();
  // Statistics are not live: a report arriving does not redraw the charts under the reader's eyes.
  return { refresh: () => null, onKey: () => false, caseId: null };
};
