// The field-staff app: sign-in, 我的任务 (#/) and one task (#/case/<id>). Cases live in the sync client's
// IndexedDB and every action goes through its outbox, so the app works in a basement and catches up when the
// signal returns; the staff event stream is only a poke to pull.
import { el, replace } from "/pwa/console/dom.js";
import { connectLive } from "/pwa/console/live.js";
import { createClient } from "/sync/client/index.js";
import { signOut, SYNC_DB } from "./auth.js";
import { mountCase } from "./case-view.js";
import { startTicking } from "./deadline.js";
import { currentLang, setLang, t } from "./i18n/index.js";
import { mountLogin } from "./login-view.js";
import { createPhotoOutbox } from "./photos.js";
import { reference } from "./reference.js";
import { loadDevice, openAppDb } from "./store.js";
import { mountSyncBar } from "./sync-bar.js";
import { mountTaskList } from "./task-list.js";

// A safety net under the event stream (which needs the session cookie): pull now and then anyway.
const PULL_EVERY_MS = 60_000;

const viewNode = document.querySelector("[data-region=view]");
const syncNode = document.querySelector("[data-region=sync]");
const alertsNode = document.querySelector("[data-region=alerts]");
const logoutButton = document.querySelector("[data-action=logout]");
const langButton = document.querySelector("[data-action=lang]");
const db = openAppDb();

let app = null;
let view = null;

function translateShell() {
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  document.title = t("app.title");
  langButton.textContent = t("lang.switch");
  langButton.lang = currentLang() === "zh" ? "en" : "zh-CN";
}

function announce(text) {
  const note = el("p", { class: "notice", dataset: { role: "notice" }, text });
  alertsNode.prepend(note);
  setTimeout(() => note.remove(), 5000);
}

async function route() {
  if (app === null) return;
  const [, kind, id] = location.hash.replace(/^#/, "").split("/");
  const ctx = { ...app, announce };
  view = kind === "case" && id ? await mountCase(viewNode, decodeURIComponent(id), ctx) : await mountTaskList(viewNode, ctx);
  if (!viewNode.contains(document.activeElement)) viewNode.focus();
}

const refresh = () => {
  // Never redraw under a half-typed note.
  if (viewNode.querySelector("textarea")?.value) return;
  view?.refresh().catch(() => {});
};

let confirmLogout = false;
async function logout() {
  const { client, photos, device } = app;
  const pending = await client.pendingCount();
  if (pending > 0 && !confirmLogout) {
    await client.syncNow();
    const left = await client.pendingCount();
    if (left > 0) {
      confirmLogout = true;
      replace(alertsNode, el("p", { role: "alert", dataset: { role: "logout-warning" }, text: t("logout.pending", { count: left }) }));
      return;
    }
  }
  try {
    photos.stop();
    app.live.close();
    await signOut(device, [client, db]);
    location.replace("/field/");
  } catch (err) {
    replace(alertsNode, el("p", { role: "alert", text: t("logout.failed", { message: err.message }) }));
  }
}

async function start(device) {
  const client = createClient({ kind: "field", token: () => device.token, dbName: SYNC_DB });
  const photos = createPhotoOutbox({ client, db, token: () => device.token });
  const ref = await reference(device.token);
  app = { client, photos, db, ref, device, live: null };
  mountSyncBar(syncNode, alertsNode, { client, photos, db });
  client.addEventListener("cases", refresh);
  let lastPending = client.state.pending;
  client.subscribe((state) => {
    // Our own actions acknowledged: the timeline on the server now has them.
    if (state.pending < lastPending) refresh();
    lastPending = state.pending;
  });
  photos.addEventListener("change", refresh);
  client.start();
  photos.start();
  app.live = connectLive({ onEvent: () => client.poke(), onOpen: () => client.poke(), onStatus: () => {} });
  setInterval(() => {
    if (document.visibilityState === "visible") client.poke();
  }, PULL_EVERY_MS);
  logoutButton.hidden = false;
  logoutButton.addEventListener("click", logout);
  window.addEventListener("hashchange", route);
  await route();
}

async function boot() {
  await setLang();
  translateShell();
  langButton.addEventListener("click", async () => {
    if (viewNode.querySelector("textarea, input[type=password]")?.value) return;
    await setLang(currentLang() === "zh" ? "en" : "zh");
    translateShell();
    if (app === null) await showLogin();
    else await route();
  });
  startTicking();
  registerWorker();
  const device = await loadDevice(db);
  if (device) await start(device);
  else await showLogin();
}

function showLogin() {
  return mountLogin(viewNode, { db, onSignedIn: (device) => start(device) });
}

function registerWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("/field/sw.js", { scope: "/field/" }).catch(() => {});
}

boot().catch((err) => replace(viewNode, el("p", { role: "alert", text: String(err) })));
