// One form field's error message: shown under the field, tied to it for screen readers.

import { h } from "../lib/dom.js";
import { t } from "../lib/i18n.js";

/**
 * @param {string} id the error element's id (the field points to it with aria-describedby)
 * @param {HTMLElement} [field] the field marked aria-invalid while there is an error
 */
export function fieldError(id, field) {
  const node = h("p", { id, class: "error", "data-error": id });
  return {
    node,
    /** Show `[key, params]` (or nothing for null); returns whether there was an error. */
    show(problem) {
      node.textContent = problem === null ? "" : t(problem[0], problem[1]);
      if (field) field.setAttribute("aria-invalid", problem === null ? "false" : "true");
      return problem !== null;
    },
  };
}
