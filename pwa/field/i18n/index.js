// The strings of the current language: Chinese first, English on request (the choice is remembered with the
// resident app's, under the same key).
import { STATUSES } from "/sync/client/names.js";
import zh from "./zh.js";

const KEY = "mashangban-lang";
const ZH = Object.freeze({
  ...zh,
  ...Object.fromEntries(Object.entries(STATUSES).map(([k, v]) => [`status.${k}`, v])),
});

let lang = "zh";
let strings = ZH;

/** The language in use: "zh" or "en". */
export const currentLang = () => lang;

/** Load the saved language (or `wanted`, which is then saved) and mark the document with it. */
export async function setLang(wanted) {
  let chosen = wanted ?? read() ?? "zh";
  if (chosen !== "en") chosen = "zh";
  strings = chosen === "en" ? (await import("./en.js")).default : ZH;
  lang = chosen;
  if (wanted !== undefined) write(chosen);
  document.documentElement.lang = chosen === "en" ? "en" : "zh-CN";
  return chosen;
}

/** The text for `key` with each `{name}` filled from `params`. */
export function t(key, params = {}) {
  const template = strings[key] ?? ZH[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** A time as people read it here. */
export function formatTime(when) {
  return new Date(when).toLocaleString(lang === "en" ? "en-GB" : "zh-CN", {
    month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false,
  });
}

function read() {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

function write(value) {
  try {
    localStorage.setItem(KEY, value);
  } catch {
    // Private mode may refuse storage; the choice then lasts for this page only.
  }
}
