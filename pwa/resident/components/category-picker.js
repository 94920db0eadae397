// Categories as large buttons with an icon and a plain name; one can be chosen.

import { h, icon } from "../lib/dom.js";
import { categoryName, t } from "../lib/i18n.js";
import { fieldError } from "./field-error.js";

/** @param {Array<{code: string, name_zh: string, name_en: string, icon: string, urgent: boolean}>} categories */
export function categoryPicker(categories) {
  let chosen = null;
  const buttons = categories.map((category) => {
    const button = h("button", {
      type: "button", "aria-pressed": "false", "data-action": "category", "data-category": category.code,
    }, icon(category.icon || "more"), h("span", { text: categoryName(category) }),
    category.urgent ? h("span", { class: "urgent-mark", text: `（${t("form.urgent")}）` }) : null);
    button.addEventListener("click", () => {
      chosen = category.code;
      for (const b of buttons) b.setAttribute("aria-pressed", String(b === button));
      error.show(null);
    });
    return button;
  });
  const error = fieldError("category-error");
  const node = h("fieldset", { "aria-describedby": "category-hint category-error" },
    h("legend", { text: t("form.category") }),
    h("p", { id: "category-hint", class: "hint", text: t("form.categoryHint") }),
    h("div", { class: "categories" }, buttons),
    error.node);
  return {
    node,
    value: () => chosen,
    showError: (problem) => error.show(problem),
    focus: () => buttons[0]?.focus(),
  };
}
