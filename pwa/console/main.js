// The dispatcher console: routes (#/board, #/case/<id>, #/stats, #/admin/<page>), the live feed, deadline alerts,
// the outbox, sound, language and keyboard shortcuts. Views are mounted one at a time into [data-role="view"].
import { createClient } from "/sync/client/index.js";
import { watchDeadlines } from "./alerts.js";
import { armOnInteraction, chime, setSound, soundEnabled } from "./chime.js";
import { getJSON, sendJSON } from "./api.js";
import { markFresh, mountBoard } from "./board.js";
import { mountCase } from "./case-view.js";
import { startTicking } from "./countdown.js";
import { el, replace, typing } from "./dom.js";
import { applySavedLang, categoryName, currentLang, setLang, t } from "./i18n/index.js";
import { connectLive } from "./live.js";
import { notificationControl } from "./notify.js";
import { outboxBar } from "./outbox-bar.js";
import { reference } from "./reference.js";
import { showHelp } from "./help.js";
import { createToasts } from "./toast.js";

// Before anything is drawn: the language this browser chose last time.
applySavedLang();

const root = document.querySelector('[data-role="console"]');
const viewNode = root.querySelector('[data-role="view"]');
const liveNode = root.querySelector('[data-role="live-status"]');
const langButton = root.querySelector('[data-action="lang"]');
const isAdmin = root.dataset.roleName === "admin";
const { toast, alarm } = createToasts(root.querySelector('[data-role="toast"]'), root.querySelector('[data-role="alarm"]'));

const navigate = (hash) => {
  if (location.hash === hash) route();
  else location.hash = hash;
};

const parseHash = () => {
  const [path, query = ""] = location.hash.replace(/^#/, "").split("?");
  return { parts: path.split("/").filter(Boolean), params: Object.fromEntries(new URLSearchParams(query)) };
};

const client = createClient({ kind: "console" });
let ref = null;
let view = null;
let alerts = null;
let liveStatus = "connecting";

const route = async () => {
  const { parts, params } = parseHash();
  ref = await reference(); // the cached copy, reloaded by the admin pages after a change
  const ctx = { ref, client, toast, navigate, me: root.dataset.user };
  for (const link of root.querySelectorAll("[data-nav]")) {
    const current = link.dataset.nav === (parts[0] === "case" ? "board" : parts[0] || "board");
    if (current) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  if (parts[0] === "case" && parts[1]) {
    view = mountCase(viewNode, parts[1], ctx);
  } else if (parts[0] === "stats") {
    const { mountStats } = await import("./stats-page.js");
    view = mountStats(viewNode, params, ctx);
  } else if (parts[0] === "admin" && isAdmin) {
    const { mountAdmin } = await import("./admin/index.js");
    view = mountAdmin(viewNode, parts[1] || "sites", ctx);
  } else {
    view = mountBoard(viewNode, params, ctx);
  }
  // Move focus to the new view so a keyboard or screen-reader user starts at its top.
  if (document.activeElement === document.body || !viewNode.contains(document.activeElement)) viewNode.focus();
};

// The stream carries small messages (seq, type, case, site, community, team, status); what a person reads
// about a new report comes from the case itself.
const announce = async (caseId) => {
  try {
    const { case: c } = await getJSON(`/api/cases/${encodeURIComponent(caseId)}`);
    const words = t("live.new_case", { number: c.number, category: categoryName(c, ref), site: c.site_name ?? c.site });
    toast(c.urgent ? `${t("case.urgent")} ${words}` : words);
  } catch {
    // The row on the board is the cue that matters; a failed announcement is not worth an error.
  }
};

const onLiveEvent = (type, data) => {
  if (type === "case.create" && data.case_id) {
    markFresh(data.case_id);
    chime();
    announce(data.case_id);
  }
  // Any move may start, stop or change a clock.
  alerts?.refresh();
  if (!view) return;
  if (!view.caseId || view.caseId === data.case_id) view.refresh();
};

let pendingG = false;
const onKey = (event) => {
  if (typing(event) || document.querySelector("dialog[open]")) return;
  if (pendingG) {
    pendingG = false;
    const target = { b: "#/board", s: "#/stats", a: isAdmin ? "#/admin/sites" : null }[event.key];
    if (target) {
      event.preventDefault();
      navigate(target);
    }
    return;
  }
  if (event.key === "g") {
    pendingG = true;
    setTimeout(() => { pendingG = false; }, 1500);
    return;
  }
  if (event.key === "?") {
    event.preventDefault();
    showHelp();
    return;
  }
  view?.onKey?.(event);
};

const soundButton = el("button", { type: "button", dataset: { action: "toggle-sound" }, "aria-pressed": String(soundEnabled()) });
const paintSound = () => {
  soundButton.textContent = soundEnabled() ? t("sound.on") : t("sound.off");
  soundButton.setAttribute("aria-pressed", String(soundEnabled()));
};
soundButton.addEventListener("click", () => {
  setSound(!soundEnabled());
  paintSound();
});

const paintLive = () => {
  liveNode.textContent = t(`live.${liveStatus}`);
  root.dataset.live = liveStatus;
};

// The server-drawn parts of the page, in the language in force.
const translateShell = () => {
  for (const node of root.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll("[data-i18n-label]")) node.setAttribute("aria-label", t(node.dataset.i18nLabel));
  document.title = `${t("app.title")} · ${t("app.name")}`;
  langButton.textContent = t("lang.switch");
  langButton.lang = currentLang() === "en" ? "zh-CN" : "en";
  paintSound();
  paintLive();
  root.querySelector('[data-role="notifications"]')?.replaceWith(notificationControl());
  window.dispatchEvent(new Event("mashangban:lang"));
};

langButton.addEventListener("click", () => {
  setLang(currentLang() === "en" ? "zh" : "en");
  translateShell();
  route();
});

root.querySelector('[data-action="logout"]').addEventListener("click", async () => {
  try {
    await client.syncNow();
    await sendJSON("POST", "/api/auth/logout");
    location.assign("/login");
  } catch (err) {
    toast(`${t("nav.logout_failed")}：${err.message}`);
  }
});

const boot = async () => {
  translateShell();
  ref = await reference();
  root.querySelector('[data-role="tools"]').after(el("div", { class: "header-tools" }, soundButton, notificationControl(), outboxBar(client)));
  armOnInteraction();
  startTicking();
  window.addEventListener("hashchange", route);
  document.addEventListener("keydown", onKey);
  await route();
  // When the server acknowledges our own actions, show their result without waiting for the live feed.
  let lastPending = 0;
  client.subscribe((state) => {
    if (state.pending < lastPending) view?.refresh();
    lastPending = state.pending;
  });
  client.start();
  alerts = watchDeadlines({ alarm, ref });
  // A safety net under the live feed: cases that cross a deadline move into "overdue only" without an event.
  setInterval(() => {
    if (document.visibilityState === "visible" && !document.querySelector("dialog[open]")) view?.refresh();
  }, 60_000);
  connectLive({
    onEvent: onLiveEvent,
    onOpen: () => {
      view?.refresh();
      alerts.refresh();
    },
    onStatus: (status) => {
      liveStatus = status === "online" || status === "offline" ? status : "connecting";
      paintLive();
    },
  });
};

boot().catch((err) => replace(viewNode, el("p", { role: "alert", text: t("load_failed", { message: err.message }) })));
