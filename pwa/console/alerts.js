// Deadline alerts: an open case that nears its limit (amber) or passes it (red) while the console is open is
// announced with a sound, a toast and a browser notification, not only by the colour of its row.
// The watch list is the open cases with the nearest deadlines (the server's urgency order, so the first page
// holds every case that can turn soon), read again on live events and every minute. Each case is checked every
// second, and each step (amber, then red) of each clock is announced once. A case seen for the first time, or
// whose clock changed (accepted, extended), starts from the state it is in: opening the console does not replay
// every case that is already late, and the board shows those first anyway.
import { getJSON, withQuery } from "./api.js";
import { chime } from "./chime.js";
import { duration, now, stateAt, syncClock } from "./countdown.js";
import { OPEN } from "./filters.js";
import { categoryName, t } from "./i18n/index.js";
import { notify } from "./notify.js";

const WATCH = 200;
const LEVEL = Object.freeze({ ok: 0, warn: 1, overdue: 2 });
const REFRESH_MS = 60_000;
const BURST_MS = 500;

/**
 * Merge the cases of a fresh watch list into `watched` (id → entry); cases no longer listed are dropped.
 * @param {Map<string, object>} watched
 * @param {Array<object>} cases summaries from GET /api/cases
 * @param {number} at now, in ms
 */
export const observe = (watched, cases, at) => {
  const next = new Map();
  for (const c of cases) {
    if (!c.deadline) continue;
    const due = Date.parse(c.deadline.due);
    const warnAt = Date.parse(c.deadline.warn_at);
    const clock = `${c.deadline.kind}@${c.deadline.due}`;
    const known = watched.get(c.id);
    const level = known && known.clock === clock ? known.level : LEVEL[stateAt(due, warnAt, at)];
    next.set(c.id, { case: c, clock, due, warnAt, level });
  }
  return next;
};

/** The entries of `watched` that reached a further step by `at`, each raised to it: [{entry, state}]. */
export const crossed = (watched, at) => {
  const found = [];
  for (const entry of watched.values()) {
    const state = stateAt(entry.due, entry.warnAt, at);
    if (LEVEL[state] > entry.level) {
      entry.level = LEVEL[state];
      found.push({ entry, state });
    }
  }
  return found;
};

/**
 * Start watching. `alarm(text, href, linkText)` shows the toast; `ref` names categories.
 * @returns {{refresh: () => void}} call `refresh` when a live event may have changed a deadline
 */
export const watchDeadlines = ({ alarm, ref }) => {
  let watched = new Map();
  let timer = null;

  const load = async () => {
    try {
      const data = await getJSON(withQuery("/api/cases", { status: OPEN, sort: "due", per_page: WATCH }));
      syncClock(data.now);
      watched = observe(watched, data.cases, now());
    } catch {
      // Offline or signed out: keep the list we have; its clocks keep running.
    }
  };

  const announce = (found) => {
    if (!found.length) return;
    const words = found.map(({ entry, state }) => t(`alert.${state}`, {
      number: entry.case.number, category: categoryName(entry.case, ref), site: entry.case.site_name ?? entry.case.site,
      time: duration(entry.due - now()),
    }));
    const text = words.length === 1 ? words[0] : t("alert.many", { count: words.length, list: words.join("；") });
    const first = found[0].entry.case;
    alarm(text, `#/case/${first.id}`, t("alert.open"));
    chime("alert");
    notify(t("alert.title"), {
      body: text, tag: found.length === 1 ? `${first.id}:${found[0].entry.clock}:${found[0].state}` : "",
      onClick: () => { location.hash = `#/case/${first.id}`; },
    });
  };

  setInterval(() => announce(crossed(watched, now())), 1000);
  setInterval(load, REFRESH_MS);
  load();
  return {
    // Bursts of live events collapse into one read.
    refresh() {
      clearTimeout(timer);
      timer = setTimeout(load, BURST_MS);
    },
  };
};
