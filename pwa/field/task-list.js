// 我的任务: the cases dispatched to the user's team or assigned to them, read from the sync client's local
// `cases` store (the pull sends a field phone only those), so the list works without signal. Open tasks
// first, by deadline; the rest (resolved, returned, closed) after them, newest first.
import { el, replace } from "/pwa/console/dom.js";
import { countdownFor, deadlineOf } from "./deadline.js";
import { t } from "./i18n/index.js";

const OPEN = new Set(["dispatched", "in_progress"]);

const byDeadline = (a, b) => (deadlineOf(a)?.due ?? Infinity) - (deadlineOf(b)?.due ?? Infinity);
const byNewest = (a, b) => String(b.created_at ?? "").localeCompare(String(a.created_at ?? ""));

function item(c, ref) {
  return el("li", { dataset: { caseId: c.id, status: c.status } },
    el("a", { href: `#/case/${encodeURIComponent(c.id)}`, class: "task" },
      el("span", { class: "task-head" },
        el("strong", { text: c.number ?? "…" }), " ",
        el("span", { class: "chip", dataset: { role: "case-status" }, text: t(`status.${c.status}`) })),
      el("span", { class: "task-what", text: `${ref.category(c.category)} · ${ref.site(c.site)}` }),
      el("span", { class: "task-desc", text: c.description ?? "" }),
      OPEN.has(c.status) ? countdownFor(c) : null));
}

/**
 * @param {HTMLElement} root
 * @param {{client: object, ref: object, device: object}} ctx
 */
export async function mountTaskList(root, { client, ref, device }) {
  const all = await client.listCases();
  const open = all.filter((c) => OPEN.has(c.status)).sort(byDeadline);
  const rest = all.filter((c) => !OPEN.has(c.status)).sort(byNewest);
  const user = device.user;
  const synced = client.state.lastSuccessAt !== null;
  replace(root,
    el("h1", { text: t("list.title") }),
    el("p", { class: "hint", text: t("list.team", { name: user.display_name, team: ref.team(user.team) }) }),
    el("h2", { text: t("list.open") }),
    open.length > 0
      ? el("ul", { class: "tasks", dataset: { role: "tasks" } }, open.map((c) => item(c, ref)))
      : el("p", { dataset: { role: "empty" }, text: all.length === 0 && !synced ? t("list.waiting_first_sync") : t("list.empty") }),
    rest.length > 0 ? el("h2", { text: t("list.done") }) : null,
    rest.length > 0 ? el("ul", { class: "tasks", dataset: { role: "done" } }, rest.map((c) => item(c, ref))) : null);
  return { refresh: () => mountTaskList(root, { client, ref, device }) };
}
