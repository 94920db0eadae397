// The live board: the filtered, paginated list of cases, most urgent first (overdue, then the least time left),
// with running countdowns and a search that answers as one types. New reports light up; urgent ones carry a
// 紧急 mark from the moment they arrive. j/k move between cases, Enter opens one, o toggles "overdue only",
// / jumps to the search. Rows are updated in place, so the row a person is on stays under the cursor.
import { getJSON, withQuery } from "./api.js";
import { countdown, syncClock } from "./countdown.js";
import { el, replace } from "./dom.js";
import { FILTER_KEYS, filterBar } from "./filters.js";
import { categoryName, locale, statusName, t } from "./i18n/index.js";
import { patchList } from "./patch.js";
import { searchBox } from "./search-box.js";
import { oneAtATime } from "./serial.js";

const FRESH_MS = 15_000;
const fresh = new Map(); // case id → when it arrived live; survives re-renders of the board

/** Mark a case as just arrived (a live "case.create"): its row is highlighted for a while. */
export const markFresh = (id) => fresh.set(id, Date.now());

const shortTime = (iso) => new Date(iso).toLocaleString(locale(), { month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false });

const isFresh = (c) => fresh.has(c.id) && Date.now() - fresh.get(c.id) < FRESH_MS;

const row = (c, ref) => {
  const who = [c.team_name || c.team, c.assignee_name].filter(Boolean).join(" · ");
  const category = categoryName(c, ref);
  return el("tr", { dataset: { caseId: c.id, status: c.status, deadlineHolder: "", deadlineState: c.deadline?.state ?? "none", ...(isFresh(c) ? { fresh: "true" } : {}), ...(c.urgent ? { urgent: "true" } : {}) } },
    el("td", {}, el("a", { href: `#/case/${c.id}`, dataset: { action: "open-case" }, text: c.number }),
      c.urgent ? el("span", { class: "badge urgent", dataset: { role: "urgent" }, text: t("case.urgent") }) : null),
    el("td", { class: "status", text: statusName(c.status) }),
    el("td", { text: category, title: category }),
    el("td", { text: `${c.site_name ?? c.site} · ${c.community}`, title: `${c.site_name ?? c.site} · ${c.community}` }),
    el("td", { text: who || "—", title: who }),
    el("td", {}, el("time", { datetime: c.created_at, text: shortTime(c.created_at) })),
    el("td", {}, c.deadline ? t(`deadline.${c.deadline.kind}`) + " " : "", countdown(c.deadline), c.extended ? t("deadline.extended") : ""),
    el("td", { class: "description", text: c.description, title: c.description }));
};

// What a row shows; the countdown ticks by itself, so only the clock it runs against counts.
const rowSig = (c) => JSON.stringify([c.status, c.urgent, c.team_name, c.assignee_name, c.deadline?.kind, c.deadline?.due,
  c.extended, c.category, isFresh(c)]);

/**
 * Show the board in `container` for the filters `params`; returns {refresh, onKey}.
 * @param {HTMLElement} container
 * @param {Record<string, string>} params
 * @param {{ref: object, navigate: (hash: string) => void}} ctx
 */
export const mountBoard = (container, params, ctx) => {
  const state = { ...params };
  const page = () => Number(state.page || 1);
  const go = (next) => ctx.navigate(withQuery("#/board", next));
  const status = el("p", { role: "status", dataset: { role: "board-status" }, text: t("loading") });
  const body = el("tbody", { dataset: { role: "case-rows" } });
  const pager = el("nav", { "aria-label": t("board.pages") });
  const table = el("table", { dataset: { role: "board" } },
    el("caption", { class: "visually-hidden", text: t("board.title") }),
    el("thead", {}, el("tr", {}, ["number", "status", "category", "site", "team", "created", "deadline", "description"]
      .map((k) => el("th", { scope: "col", class: k, text: t(`col.${k}`) })))),
    body);
  // The search changes the list in place (and the address, without a new history entry), so the box keeps its
  // focus and caret while results arrive; a typed case number opens that case.
  const search = searchBox(state.q ?? "", (q, typed) => {
    state.q = q;
    state.page = "";
    history.replaceState(null, "", withQuery("#/board", state));
    openExact = typed;
    refresh();
  });
  let openExact = false;
  replace(container, el("h2", { class: "visually-hidden", text: t("board.title") }), search,
    filterBar(ctx.ref, params, (next) => go({ ...next, q: state.q ?? "" })), status, table, pager);

  const load = async () => {
    const query = { page: page() > 1 ? page() : "", q: state.q ?? "" };
    for (const key of FILTER_KEYS) if (state[key]) query[key] = state[key];
    const asked = state.q ?? "";
    const data = await getJSON(withQuery("/api/cases", query));
    syncClock(data.now);
    if (openExact && data.exact && asked === (state.q ?? "")) {
      openExact = false;
      ctx.navigate(`#/case/${data.exact.id}`);
      return;
    }
    patchList(body, data.cases.map((c) => ({ key: c.id, sig: rowSig(c), render: () => row(c, ctx.ref) })));
    const pages = Math.max(1, Math.ceil(data.total / data.per_page));
    status.textContent = data.total
      ? `${t(state.q ? "board.found" : "board.count", { total: data.total })} · ${t("board.page", { page: page(), pages })}`
      : t(state.q ? "board.none_found" : "empty");
    replace(pager,
      el("button", { type: "button", disabled: page() <= 1, dataset: { action: "prev-page" }, on: { click: () => go({ ...state, page: String(page() - 1) }) }, text: t("board.prev") }),
      el("button", { type: "button", disabled: page() >= pages, dataset: { action: "next-page" }, on: { click: () => go({ ...state, page: String(page() + 1) }) }, text: t("board.next") }));
  };

  // Bursts of live events (or keystrokes) collapse into one reload at a time, plus one more if any came during it.
  const refresh = oneAtATime(() => load().catch((err) => {
    status.textContent = t("load_failed", { message: err.message });
  }));

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
    else if (event.key === "o") go({ ...state, overdue: state.overdue === "1" ? "" : "1", page: "" });
    else if (event.key === "/") search.querySelector("input").focus();
    else return false;
    event.preventDefault();
    return true;
  };

  refresh();
  return { refresh, onKey, caseId: null };
};
