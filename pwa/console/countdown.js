// Live countdowns: every element with data-due counts down once a second and carries data-state
// ok / warn / overdue (amber and red in the style sheet). The amber point (data-warn-at) is the server's.
import { locale, t } from "./i18n/index.js";

let offsetMs = 0;

/** Align with the server's clock, from the `now` of an API answer (a desk PC's clock may be off). */
export const syncClock = (serverNowIso) => {
  const server = Date.parse(serverNowIso);
  if (!Number.isNaN(server)) offsetMs = server - Date.now();
};

export const now = () => Date.now() + offsetMs;

/** "1天3小时", "12分30秒": the two largest units of a duration. */
export const duration = (ms) => {
  const s = Math.max(0, Math.floor(Math.abs(ms) / 1000));
  const parts = [["d", Math.floor(s / 86400)], ["h", Math.floor(s / 3600) % 24], ["m", Math.floor(s / 60) % 60], ["s", s % 60]];
  const first = parts.findIndex(([, n]) => n > 0);
  if (first === -1) return t("time.s", { n: 0 });
  return parts.slice(first, first + 2).filter(([, n]) => n > 0).map(([unit, n]) => t(`time.${unit}`, { n })).join("");
};

export const stateAt = (due, warnAt, at) => (at >= due ? "overdue" : at >= warnAt ? "warn" : "ok");

const update = (node, at) => {
  const due = Date.parse(node.dataset.due);
  const warnAt = Date.parse(node.dataset.warnAt);
  const state = stateAt(due, warnAt, at);
  const left = due - at;
  const text = state === "overdue" ? t("deadline.over", { time: duration(left) }) : t("deadline.left", { time: duration(left) });
  if (node.textContent !== text) node.textContent = text;
  if (node.dataset.state !== state) {
    node.dataset.state = state;
    // The row (or page) holding the countdown shows the state too, so an overdue line stands out whole.
    const holder = node.closest("[data-deadline-holder]");
    if (holder) holder.dataset.deadlineState = state;
  }
};

/** A countdown element for a deadline `{kind, due, warn_at}` from the API (or a dash when none runs). */
export const countdown = (deadline) => {
  const node = document.createElement("span");
  if (!deadline) {
    node.textContent = t("deadline.none");
    return node;
  }
  node.dataset.due = deadline.due;
  node.dataset.warnAt = deadline.warn_at;
  node.dataset.kind = deadline.kind;
  node.title = `${t(`deadline.${deadline.kind}`)} ${new Date(deadline.due).toLocaleString(locale())}`;
  update(node, now());
  return node;
};

/** Tick every countdown on the page once a second. */
export const startTicking = () => {
  const tick = () => {
    const at = now();
    for (const node of document.querySelectorAll("[data-due]")) update(node, at);
  };
  return setInterval(tick, 1000);
};
