// A case's resolution deadline as the field phone sees it, counting down offline from the local copy:
// the extension if there is one, else the resolution limit; amber in the last quarter of the window
// (the server's default `deadline_warn_fraction`), red once overdue. States as in the console (countdown.js).
import { now, stateAt } from "/pwa/console/countdown.js";
import { t } from "./i18n/index.js";

const WARN_FRACTION = 0.25;
const OPEN = new Set(["submitted", "accepted", "dispatched", "in_progress"]);

/** `{due, warnAt}` in ms for a case that still runs against a deadline, else null. */
export function deadlineOf(c) {
  if (!OPEN.has(c.status)) return null;
  const due = Date.parse(c.extended_until ?? c.resolution_due ?? "");
  if (Number.isNaN(due)) return null;
  const created = Date.parse(c.created_at ?? "");
  const span = Number.isNaN(created) ? 0 : Math.max(0, due - created);
  return { due, warnAt: due - span * WARN_FRACTION };
}

/** "1天3小时", "12分30秒": the two largest units of a duration. */
export function duration(ms) {
  const s = Math.max(0, Math.floor(Math.abs(ms) / 1000));
  const parts = [["d", Math.floor(s / 86400)], ["h", Math.floor(s / 3600) % 24], ["m", Math.floor(s / 60) % 60], ["s", s % 60]];
  const first = parts.findIndex(([, n]) => n > 0);
  if (first === -1) return t("time.s", { n: 0 });
  return parts.slice(first, first + 2).filter(([, n]) => n > 0).map(([unit, n]) => t(`time.${unit}`, { n })).join("").trim();
}

function paint(node, at) {
  const due = Number(node.dataset.deadline);
  const state = stateAt(due, Number(node.dataset.warnAt), at);
  const text = t(state === "overdue" ? "deadline.over" : "deadline.left", { time: duration(due - at) });
  if (node.textContent !== text) node.textContent = text;
  node.dataset.state = state;
}

/** A live countdown for case `c` (a dash of text when no deadline runs). */
export function countdownFor(c) {
  const node = document.createElement("span");
  node.className = "countdown";
  const deadline = deadlineOf(c);
  if (deadline === null) {
    node.textContent = t("deadline.none");
    return node;
  }
  node.dataset.deadline = String(deadline.due);
  node.dataset.warnAt = String(deadline.warnAt);
  paint(node, now());
  return node;
}

/** Tick every countdown on the page once a second. */
export function startTicking() {
  return setInterval(() => {
    const at = now();
    for (const node of document.querySelectorAll("[data-deadline]")) paint(node, at);
  }, 1000);
}
