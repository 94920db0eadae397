// Browser notifications for deadline alerts, so a dispatcher working in another window still hears of them.
// Permission is asked once, and only when the person presses the button for it: browsers refuse or penalise a
// request that no gesture started, and asking again after a "no" only nags. Without permission the alerts still
// come as a sound and a toast.
import { el, replace } from "./dom.js";
import { t } from "./i18n/index.js";

const ASKED = "mashangban-console-notifications-asked";

const supported = () => "Notification" in window;

/** "granted", "denied", "default" (not decided), or "unsupported". */
export const permission = () => (supported() ? Notification.permission : "unsupported");

const asked = () => {
  try {
    return localStorage.getItem(ASKED) === "1";
  } catch {
    return false;
  }
};

/**
 * The header's control: a button that asks for permission while it was never asked, then a word on the state.
 * @returns {HTMLElement}
 */
export const notificationControl = () => {
  const node = el("span", { dataset: { role: "notifications" } });
  const paint = () => {
    const state = permission();
    if (state === "unsupported") {
      replace(node);
    } else if (state === "default" && !asked()) {
      replace(node, el("button", { type: "button", dataset: { action: "ask-notifications" }, on: { click: ask },
        text: t("notify.ask") }));
    } else {
      replace(node, el("span", { dataset: { state }, text: t(`notify.${state}`) }));
    }
  };
  const ask = async () => {
    try {
      localStorage.setItem(ASKED, "1");
    } catch {
      // Without storage the button may come back after a reload; the browser remembers a refusal anyway.
    }
    try {
      await Notification.requestPermission();
    } finally {
      paint();
    }
  };
  paint();
  return node;
};

/**
 * Show a notification when permitted; `tag` replaces an earlier one of the same tag instead of stacking.
 * Returns whether one was shown.
 */
export const notify = (title, { body = "", tag = "", onClick = null } = {}) => {
  if (permission() !== "granted") return false;
  try {
    const shown = new Notification(title, { body, tag, lang: document.documentElement.lang });
    shown.addEventListener("click", () => {
      window.focus();
      onClick?.();
      shown.close();
    });
    return true;
  } catch {
    // Some browsers allow notifications only from a service worker; the toast and the sound still told.
    return false;
  }
};
