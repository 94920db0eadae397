// Looks strings up in the per-language catalogues; Chinese is the working language, English the second.
// The language in force is the document's own `lang`, so every module that imports `t` (the field app's timeline
// and countdowns included) follows a switch at once; the choice is remembered under the key the resident and field
// apps use, so a person who chose English once gets English in every app on this browser.
import { RATINGS, STATUSES } from "/sync/client/names.js";
import { messages as en } from "./en.js";
import { messages as zh } from "./zh.js";

const KEY = "mashangban-lang";

// Status and rating names are defined once, in the protocol's names; the Chinese catalogue takes them from there.
const ZH = Object.freeze({
  ...zh,
  ...Object.fromEntries(Object.entries(STATUSES).map(([k, v]) => [`status.${k}`, v])),
  ...Object.fromEntries(Object.entries(RATINGS).map(([k, v]) => [`rating.${k}`, v])),
});

const fill = (text, vars) => text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));

/** The language in force: "en" when the document says so, otherwise "zh". */
export const currentLang = () => (globalThis.document?.documentElement?.lang === "en" ? "en" : "zh");

/** The string for `key` in the language in force, with `{name}` placeholders filled from `vars`. */
export const t = (key, vars = {}) => fill((currentLang() === "en" ? en[key] : undefined) ?? ZH[key] ?? key, vars);

/** The English string for `key` (falls back to the Chinese one). */
export const tEn = (key, vars = {}) => fill(en[key] ?? ZH[key] ?? key, vars);

/** "中文 · English" for the few places that show both languages (the sign-in page). */
export const both = (key, vars = {}) => `${fill(ZH[key] ?? key, vars)} · ${tEn(key, vars)}`;

export const has = (key) => key in ZH;

/** A status's name (已受理, Accepted) in the language in force. */
export const statusName = (status) => t(`status.${status}`);

/** A rating's name (满意, Satisfied). */
export const ratingName = (rating) => t(`rating.${rating}`);

/** A category's name from reference data ({name_zh, name_en}) or a case ({category, category_name}). */
export const categoryName = (category, ref) => {
  const known = ref?.categories?.find((c) => c.code === (category.code ?? category.category));
  if (currentLang() === "en" && known?.name_en) return known.name_en;
  return category.name_zh ?? category.category_name ?? known?.name_zh ?? category.category ?? category.code;
};

/** The locale for dates and times. */
export const locale = () => (currentLang() === "en" ? "en-GB" : "zh-CN");

/** Switch to `lang` ("zh" or "en"), remember it, and mark the document. */
export const setLang = (lang) => {
  const chosen = lang === "en" ? "en" : "zh";
  try {
    localStorage.setItem(KEY, chosen);
  } catch {
    // Storage may be refused (private mode); the choice then lasts for this page only.
  }
  document.documentElement.lang = chosen === "en" ? "en" : "zh-CN";
  return chosen;
};

/** Put the document in the language chosen before on this browser (Chinese if none). */
export const applySavedLang = () => {
  let saved = null;
  try {
    saved = localStorage.getItem(KEY);
  } catch {
    // As above: no storage, Chinese.
  }
  return setLang(saved === "en" ? "en" : "zh");
};
