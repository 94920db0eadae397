// Categories and their time limits: response minutes (round the clock) and resolution working days.
import { getJSON, sendJSON } from "../api.js";
import { el, replace } from "../dom.js";
import { t } from "../i18n/index.js";
import { reference } from "../reference.js";
import { attempt, values } from "./form.js";

export const mountCategories = async (container, ctx) => {
  const { categories } = await getJSON("/api/admin/categories");
  const row = (c) => {
    const form = el("form", { id: `category-${c.code}`, dataset: { action: "edit-category" } });
    const control = (name, attrs) => el("input", { form: form.id, name, "aria-label": `${c.name_zh} ${t(`field.${name}`)}`, ...attrs });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      // form.elements includes the inputs in the other cells, tied to the form by their form= attribute.
      const body = values(form);
      if (await attempt(ctx, () => sendJSON("PATCH", `/api/admin/categories/${c.code}`, body), t("admin.saved"))) await reference(true);
    });
    return el("tr", { dataset: { category: c.code } },
      el("td", { text: c.code }),
      el("td", {}, control("name_zh", { value: c.name_zh, required: true })),
      el("td", {}, control("response_limit_minutes", { type: "number", min: 1, value: c.response_limit_minutes, required: true })),
      el("td", {}, control("resolution_limit_days", { type: "number", min: 1, value: c.resolution_limit_days, required: true })),
      el("td", {}, control("urgent", { type: "checkbox", checked: c.urgent })),
      el("td", {}, control("active", { type: "checkbox", checked: c.active, "aria-label": `${c.name_zh} ${t("admin.active")}` })),
      el("td", {}, form, el("button", { type: "submit", form: form.id, dataset: { action: "save-category" }, text: t("admin.save") })));
  };
  replace(container, el("table", {},
    el("thead", {}, el("tr", {}, ["code", "name_zh", "response_limit_minutes", "resolution_limit_days", "urgent"].map((k) => el("th", { scope: "col", text: t(`field.${k}`) })),
      el("th", { scope: "col", text: t("admin.active") }), el("th", { scope: "col", text: t("admin.actions") }))),
    el("tbody", {}, categories.map(row))));
};
