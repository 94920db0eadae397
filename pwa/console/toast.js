// Messages in the corner of the screen: `toast` for news (a polite live region that fades after a few seconds),
// `alarm` for a deadline near or passed (an assertive region that stays longer and links to the case). The alarm
// region is never hidden, only emptied: screen readers may miss what appears in a region as it is unhidden.
import { el, replace } from "./dom.js";

const TOAST_MS = 5000;
const ALARM_MS = 20_000;

/**
 * @param {HTMLElement} toastNode a `[data-role="toast"]` element (role=status)
 * @param {HTMLElement} alarmNode a `[data-role="alarm"]` element (role=alert)
 */
export const createToasts = (toastNode, alarmNode) => {
  let toastTimer = null;
  let alarmTimer = null;
  const toast = (text) => {
    toastNode.textContent = text;
    toastNode.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { toastNode.hidden = true; }, TOAST_MS);
  };
  /** Show `text`, with a link `href` labelled `linkText` when given. */
  const alarm = (text, href, linkText) => {
    replace(alarmNode, el("span", { text }), href ? " " : null,
      href ? el("a", { href, dataset: { action: "open-alarm" }, text: linkText }) : null);
    clearTimeout(alarmTimer);
    alarmTimer = setTimeout(() => alarmNode.replaceChildren(), ALARM_MS);
  };
  return { toast, alarm };
};
