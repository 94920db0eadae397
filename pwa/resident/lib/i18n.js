// The strings of the current language: Chinese first, English on request (remembered on this phone).

import { RATINGS, STATUSES } from "/sync/client/names.js";
import zh from "../i18n/zh.js";

const KEY = "mashangban-lang";
const LANGS = ["zh", "en"];

// Status and rating names are defined once, in the protocol's names; the Chinese catalogue takes them from there.
const ZH = Object.freeze({
  ...zh,
  ...Object.fromEntries(Object.entries(STATUSES).map(([k, v]) => [`status.${k}`, v])),
  ...Object.fromEntries(Object.entries(RATINGS).map(([k, v]) => [`rating.${k}`, v])),
});

let lang = "zh";
let strings = ZH;

/** The language in use: "zh" or "en". */
export function currentLang() {
  return lang;
}

/**
 * Load the language saved on this phone (or `wanted`), and mark the document with it.
 * @param {string} [wanted]
 */
export async function setLang(wanted) {
  let chosen = wanted ?? safeGet() ?? "zh";
  if (!LANGS.includes(chosen)) chosen = "zh";
  strings = chosen === "en" ? (await import("../i18n/en.js")).default : ZH;
  lang = chosen;
  if (wanted !== undefined) safeSet(chosen);
  document.documentElement.lang = chosen === "en" ? "en" : "zh-CN";
  return chosen;
}

/**
 * The text for `key`, with each `{name}` replaced by `params[name]`.
 * @param {string} key
 * @param {Record<string, string|number>} [params]
 */
export function t(key, params = {}) {
  const template = strings[key] ?? ZH[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** A category's name in the current language. @param {{name_zh: string, name_en: string}} category */
export function categoryName(category) {
  return lang === "en" ? category.name_en : category.name_zh;
}

/** A time as people read it here. @param {number|string} when */
export function formatTime(when) {
  const date = new Date(when);
  return date.toLocaleString(lang === "en" ? "en-GB" : "zh-CN", {
    month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit",
  });
}

function safeGet() {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

function safeSet(value) {
  try {
    localStorage.setItem(KEY, value);
  } catch {
    // Private mode may refuse storage; the language then lasts for this page only.
  }
}
