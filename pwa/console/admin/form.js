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

const NEW_COMMUNITY = "\u0000new";

/**
 * A community chosen from those the sites already name, or a new one typed in (the last choice): a list rather
 * than free text, so "天鑫社区" and "天鑫 社区" do not become two communities by a slip of the keyboard.
 * The control that currently holds the answer is the one named `community`, so `values(form)` reads it.
 * @param {string[]} communities
 * @param {{value?: string, required?: boolean}} options
 */
export const communityField = (communities, { value = "", required = true } = {}) => {
  const pairs = [["", required ? t("admin.choose_community") : t("none")], ...communities.map((c) => [c, c]),
    [NEW_COMMUNITY, t("admin.new_community")]];
  const select = el("select", { name: "community", required, dataset: { role: "community" } }, options(pairs, value));
  const typed = el("input", { hidden: true, disabled: true, required, maxlength: 120, "aria-label": t("admin.new_community_name"), dataset: { role: "new-community" } });
  select.addEventListener("change", () => {
    const fresh = select.value === NEW_COMMUNITY;
    typed.hidden = !fresh;
    typed.disabled = !fresh;
    typed.name = fresh ? "community" : "";
    select.name = fresh ? "" : "community";
    if (fresh) typed.focus();
  });
  return el("label", {}, t("field.community"), select, typed);
};
