// Service worker registration and updates that respect the person: a new version activates only when no
// form holds input, or when they tap "新版本可用，点此更新". Queued reports live in IndexedDB, which an update
// never touches, so no update can lose them.

import { h } from "../lib/dom.js";
import { t } from "../lib/i18n.js";

/**
 * @param {HTMLElement} region where the banner appears
 * @param {() => boolean} hasInput whether any form on the page holds input now
 */
export async function registerUpdates(region, hasInput) {
  if (!("serviceWorker" in navigator)) return null;
  const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/", updateViaCache: "none" });
  let asked = null;

  function activate(worker, how) {
    asked = how;
    worker.postMessage({ type: "SKIP_WAITING" });
  }

  function offer(worker) {
    if (!hasInput()) {
      activate(worker, "quietly");
      return;
    }
    region.replaceChildren(h("p", { class: "update" }, h("button", {
      type: "button", class: "primary", "data-action": "update", text: t("update.ready"),
      on: { click: () => activate(worker, "tapped") },
    })));
    region.hidden = false;
  }

  function watch(worker) {
    worker.addEventListener("statechange", () => {
      if (worker.state === "installed" && navigator.serviceWorker.controller) offer(worker);
    });
  }

  if (registration.waiting && navigator.serviceWorker.controller) offer(registration.waiting);
  registration.addEventListener("updatefound", () => watch(registration.installing));
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    // Reload only for an update the person asked for, or quietly while nothing is being typed; the first
    // install needs no reload at all.
    if (asked === "tapped" || (asked === "quietly" && !hasInput())) location.reload();
  });
  return registration;
}
