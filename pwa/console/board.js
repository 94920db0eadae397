// The live board: the filtered, paginated list of cases with running countdowns. New reports light up;
// j/k move between cases, Enter opens one, o toggles "overdue only", / jumps to the filters.
import { STATUSES } from "/sync/client/names.js";
import { getJSON, withQuery } from "./api.js";
import { countdown, syncClock } from "./countdown.js";
import { el, replace } from "./dom.js";
import { FILTER_KEYS, filterBar } from "./filters.js";
import { t } from "./i18n/index.js";

const FRESH_MS = 15_000;
const fresh = new Map(); // case id → when it arrived live; survives re-renders of the board

/** Mark a case as just arrived (a live "case.create"): its row is highlighted for a while. */
export const markFresh = (id) => fresh.set(id, Date.now());

const shortTime = (iso) => new Date(iso).toLocaleString("zh-CN", { month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });

const row = (c) => {
  const isFresh = fresh.has(c.id) && Date.now() - fresh.get(c.id) < FRESH_MS;
  const who = [c.team_name || c.team, c.assignee_name].filter(Boolean).join(" · ");
  return el("tr", { dataset: { caseId: c.id, status: c.status, deadlineHolder: "", deadlineState: c.deadline?.state ?? "none", ...(isFresh ? { fresh: "true" } : {}) } },
    el("td", {}, el("a", { href: `#/case/${c.id}`, dataset: { action: "open-case" }, text: c.number })),
    el("td", { text: STATUSES[c.status] ?? c.status }),
    el("td", { text: c.category_name ?? c.category }),
    el("td", { text: `${c.site_name ?? c.site} · ${c.community}` }),
    el("td", { text: who || "—" }),
    el("td", {}, el("time", { datetime: c.created_at, text: shortTime(c.created_at) })),
    el("td", {}, c.deadline ? t(`deadline.${c.deadline.kind}`) + " " : "", countdown(c.deadline), c.extended ? t("deadline.extended") : ""),
    el("td", { class: "description", text: c.description.length > 60 ? `${c.description.slice(0, 60)}…` : c.description }));
};

/**
 * Show the board in `container` for the filters `params`; returns {refresh, onKey}.
 * @param {HTMLElement} container
 * @param {Record<string, string>} params
 * @param {{ref: object, navigate: (hash: string) => void}} ctx
 */
export const mountBoard = (container, params, ctx) => {
  const page = Number(params.page || 1);
  const go = (next) => ctx.navigate(withQuery("#/board", next));
  const status = el("p", { role: "status", dataset: { role: "board-status" }, text: t("loading") });
  const body = el("tbody", { dataset: { role: "case-rows" } });
  const pager = el("nav", { "aria-label": t("board.title") });
  const table = el("table", { dataset: { role: "board" } },
    el("caption", { class: "visually-hidden", text: t("board.title") }),
    el("thead", {}, el("tr", {}, ["number", "status", "category", "site", "team", "created", "deadline", "description"]
      .map((k) => el("th", { scope: "col", text: t(`col.${k}`) })))),
    body);
  replace(container, el("h2", { text: t("board.title") }), filterBar(ctx.ref, params, go), status, table, pager);

  let loading = null;
  let again = false;
  const load = async () => {
    const query = { page: page > 1 ? page : "" };
    for (const key of FILTER_KEYS) if (params[key]) query[key] = params[key];
    const data = await getJSON(withQuery("/api/cases", query));
    syncClock(data.now);
    const focusedId = document.activeElement?.closest?.("[data-case-id]")?.dataset.caseId;
    replace(body, data.cases.map(row));
    const pages = Math.max(1, Math.ceil(data.total / data.per_page));
    status.textContent = data.total ? `${t("board.count", { total: data.total })} · ${t("board.page", { page, pages })}` : t("empty");
    replace(pager,
      el("button", { type: "button", disabled: page <= 1, dataset: { action: "prev-page" }, on: { click: () => go({ ...params, page: String(page - 1) }) }, text: t("board.prev") }),
      el("button", { type: "button", disabled: page >= pages, dataset: { action: "next-page" }, on: { click: () => go({ ...params, page: String(page + 1) }) }, text: t("board.next") }));
    if (focusedId) body.querySelector(`[data-case-id="${CSS.escape(focusedId)}"] a`)?.focus();
  };

  // Bursts of live events collapse into one reload at a time, plus one more if any arrived during it.
  const refresh = async () => {
    if (loading) {
      again = true;
      return loading;
    }
    loading = load().catch((err) => {
      status.textContent = t("load_failed", { message: err.message });
    }).finally(() => {
      loading = null;
      if (again) {
        again = false;
        refresh();
      }
    });
    return loading;
  };

  const move = (step) => {
    const links = [...body.querySelectorAll('[data-action="open-case"]')];
    if (!links.length) return;
    const index = links.indexOf(document.activeElement);
    const next = index === -1 ? (step > 0 ? 0 : links.length - 1) : Math.min(links.length - 1, Math.max(0, index + step));
    links[next].focus();
  };

  const onKey = (event) => {
    if (event.key === "j" || event.key === "ArrowDown") move(1);
    else if (event.key === "k" || event.key === "ArrowUp") move(-1);
    else if (event.key === "o") go({ ...params, overdue: params.overdue === "1" ? "" : "1", page: "" });
    else if (event.key === "/") container.querySelector("[data-filter]")?.focus();
    else return false;
    event.preventDefault();
    return true;
  };

  refresh();
  return { refresh, onKey, caseId: null };
};
