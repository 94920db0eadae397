// Small helpers shared by the admin pages: labelled inputs and error reporting.
import { el, options } from "../dom.js";
import { t } from "../i18n/index.js";

export const input = (name, attrs = {}) => el("label", {}, t(`field.${name}`), el("input", { name, ...attrs }));

export const select = (name, pairs, value, attrs = {}) =>
  el("label", {}, t(`field.${name}`), el("select", { name, ...attrs }, options(pairs, value)));

/** Run an admin write; on failure show the server's message (it names the field) and return null. */
export const attempt = async (ctx, fn, success) => {
  try {
    const result = await fn();
    if (success) ctx.toast(success);
    return result ?? true;
  } catch (err) {
    ctx.toast(err.body?.errors ? `${err.message}：${err.body.errors.join("；")}` : err.message);
    return null;
  }
};

/** The named fields of `form` that are not empty, as an object (numbers where the input is a number). */
export const values = (form) => {
  const out = {};
  for (const control of form.elements) {
    if (!control.name || control.type === "submit") continue;
    if (control.type === "checkbox") out[control.name] = control.checked;
    else if (control.value !== "") out[control.name] = control.type === "number" ? Number(control.value) : control.value.trim();
  }
  return out;
};
