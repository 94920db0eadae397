// Optional name and phone, clearly marked optional and visible only to staff.

import { h } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import { checkName, checkPhone, normalisePhone } from "../lib/validate.js";
import { fieldError } from "./field-error.js";

export function contactFields() {
  const name = h("input", { type: "text", id: "contact-name", name: "name", autocomplete: "name",
    "data-field": "name", "aria-describedby": "name-error" });
  const phone = h("input", { type: "tel", id: "contact-phone", name: "phone", autocomplete: "tel",
    inputmode: "tel", "data-field": "phone", "aria-describedby": "phone-hint phone-error" });
  const nameError = fieldError("name-error", name);
  const phoneError = fieldError("phone-error", phone);
  // Checked on submit, not on blur: a message appearing or vanishing on blur moves the submit button
  // under a finger that is already pressing it.
  const node = h("fieldset", { "aria-describedby": "contact-hint" },
    h("legend", { text: t("form.contact") }),
    h("p", { id: "contact-hint", class: "hint", text: t("form.contactHint") }),
    h("label", { for: "contact-name", text: t("form.name") }), name, nameError.node,
    h("label", { for: "contact-phone", text: t("form.phone") }),
    h("p", { id: "phone-hint", class: "hint", text: t("form.phoneHint") }), phone, phoneError.node);
  return {
    node,
    /** Show the problems; returns the first invalid field, or null. */
    check() {
      const badName = nameError.show(checkName(name.value));
      const badPhone = phoneError.show(checkPhone(phone.value));
      return badName ? name : badPhone ? phone : null;
    },
    value() {
      const contact = {};
      if (name.value.trim()) contact.name = name.value.trim();
      if (normalisePhone(phone.value)) contact.phone = normalisePhone(phone.value);
      return contact;
    },
    hasInput: () => name.value !== "" || phone.value !== "",
  };
}
