// Looks strings up in the per-language catalogues; Chinese is the working language, English the second.
import { messages as zh } from "./zh.js";
import { messages as en } from "./en.js";

const fill = (text, vars) => text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));

/** The Chinese string for `key`, with `{name}` placeholders filled from `vars`. */
export const t = (key, vars = {}) => fill(zh[key] ?? key, vars);

/** The English string for `key` (falls back to the Chinese one). */
export const tEn = (key, vars = {}) => fill(en[key] ?? zh[key] ?? key, vars);

/** "中文 English" for the few places that show both languages (the sign-in page). */
export const both = (key, vars = {}) => `${t(key, vars)} · ${tEn(key, vars)}`;

export const has = (key) => key in zh;
