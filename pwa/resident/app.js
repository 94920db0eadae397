// The resident app: one static shell for /s/{site_code} (report), /s/ (my cases) and /t/{track_token}
// (tracking). It reads what to show from the URL, so one cached shell serves every site offline.

import { createClient } from "/sync/client/index.js";
import { myCases } from "./components/my-cases.js";
import { receipt } from "./components/receipt.js";
import { reportForm } from "./components/report-form.js";
import { siteHeader } from "./components/site-header.js";
import { syncStatus } from "./components/sync-status.js";
import { trackView } from "./components/track-view.js";
import { registerUpdates } from "./components/update-banner.js";
import { getJson } from "./lib/api.js";
import { h } from "./lib/dom.js";
import { currentLang, setLang, t } from "./lib/i18n.js";
import { createReports } from "./lib/reports.js";
import { openAppDb } from "./lib/store.js";

const LAST_SITE = "mashangban-last-site";
const view = document.querySelector("[data-region=view]");
const client = createClient({ kind: "resident" });
const db = openAppDb();
const reports = createReports({ client, db });
let current = null;
// The data this page showed, fetched again once the service worker controls the page so that it keeps a copy:
// the first visit's own requests went out before the worker existed.
const shown = new Set();

function show(page, focus = true) {
  current?.stop?.();
  current = page;
  view.replaceChildren(page.node);
  if (focus) (view.querySelector("h1") ?? view).focus();
}

function message(title, text, kind) {
  show({ node: h("section", { "data-view": kind }, h("h1", { tabindex: "-1", text: title }), h("p", { text })) });
}

async function loadCategories() {
  shown.add("/api/categories");
  const answer = await getJson("/api/categories");
  return answer.ok ? answer.data.categories : null;
}

function remember(site) {
  try {
    localStorage.setItem(LAST_SITE, JSON.stringify({ code: site.code, name: site.name }));
  } catch {
    // Storage refused (private mode): the "report here" shortcut is a convenience only.
  }
}

function lastSite() {
  try {
    return JSON.parse(localStorage.getItem(LAST_SITE) ?? "null");
  } catch {
    return null;
  }
}

async function reportPage(code) {
  const siteUrl = `/api/sites/${encodeURIComponent(code)}`;
  shown.add(siteUrl);
  const [site, categories] = await Promise.all([getJson(siteUrl), loadCategories()]);
  if (!site.ok) {
    if (site.status === 404) message(t("site.missing"), t("site.missingBody"), "site-missing");
    else message(t("site.missing"), t("site.offline"), "site-offline");
    return;
  }
  if (categories === null) {
    message(site.data.name, t("site.offline"), "site-offline");
    return;
  }
  remember(site.data);
  document.title = `${site.data.name} · ${t("app.title")}`;
  const form = reportForm({
    site: site.data, categories, save: (report) => reports.save(report),
    onSaved: (keys) => show(receipt({ keys, client, onAnother: () => reportPage(code) })),
  });
  show({ node: h("div", { "data-view": "report" }, siteHeader(site.data), form.node), hasInput: form.hasInput }, false);
}

async function categoryMap() {
  return new Map(((await loadCategories()) ?? []).map((c) => [c.code, c]));
}

async function route() {
  const parts = location.pathname.split("/").filter(Boolean);
  if (parts[0] === "s" && parts[1]) return reportPage(decodeURIComponent(parts[1]));
  if (parts[0] === "t" && parts[1]) {
    return show(trackView({ token: decodeURIComponent(parts[1]), client, db, categories: await categoryMap() }));
  }
  document.title = `${t("mine.title")} · ${t("app.title")}`;
  return show(myCases({ client, db, categories: await categoryMap(), lastSite: lastSite() }));
}

function translateShell() {
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  const button = document.querySelector("[data-action=lang]");
  button.textContent = t("lang.switch");
  button.lang = currentLang() === "zh" ? "en" : "zh-CN";
}

async function boot() {
  await setLang();
  translateShell();
  document.querySelector("[data-action=lang]").addEventListener("click", async () => {
    if (current?.hasInput?.()) return; // switching redraws the page; never throw away what was typed
    await setLang(currentLang() === "zh" ? "en" : "zh");
    translateShell();
    await route();
  });
  client.start();
  reports.start();
  syncStatus(document.querySelector("[data-region=status]"), client, reports, db);
  await route();
  registerUpdates(document.querySelector("[data-region=update]"), () => current?.hasInput?.() ?? false)
    .catch(() => {});
  keepForOffline();
}

// Once the worker controls the page, fetch what this page showed through it, so the worker keeps a copy for
// offline use; the page is marked data-offline-ready when that copy is in place.
function keepForOffline() {
  if (!("serviceWorker" in navigator)) return;
  const ready = () => { document.documentElement.dataset.offlineReady = "true"; };
  if (navigator.serviceWorker.controller) {
    ready(); // this page's data already came through the worker, which kept it
    return;
  }
  const warm = () => Promise.all([...shown].map((url) => fetch(url).catch(() => null))).then(ready);
  navigator.serviceWorker.addEventListener("controllerchange", warm, { once: true });
}

boot();
