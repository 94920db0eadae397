// The report: category, description, photos, optional contact, submit. Every rule is checked here first,
// so nothing the server would refuse is ever queued.

import { h } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import { DESCRIPTION_MAX, checkCategory, checkDescription } from "../lib/validate.js";
import { categoryPicker } from "./category-picker.js";
import { contactFields } from "./contact-fields.js";
import { fieldError } from "./field-error.js";
import { photoPicker } from "./photo-picker.js";

/**
 * @param {{site: object, categories: object[], save: (report: object) => Promise<{id: string, track_token: string}>,
 *   onSaved: (keys: {id: string, track_token: string}) => void}} options
 */
export function reportForm({ site, categories, save, onSaved }) {
  const picker = categoryPicker(categories);
  const description = h("textarea", {
    id: "description", name: "description", rows: 5, "data-field": "description",
    "aria-describedby": "description-hint description-count description-error",
  });
  const count = h("p", { id: "description-count", class: "count", "aria-live": "off" });
  const descriptionError = fieldError("description-error", description);
  const updateCount = () => {
    count.textContent = t("form.count", { n: [...description.value].length, max: DESCRIPTION_MAX });
  };
  description.addEventListener("input", () => {
    updateCount();
    if ([...description.value.trim()].length > DESCRIPTION_MAX) descriptionError.show(checkDescription(description.value));
  });
  updateCount();
  const photos = photoPicker();
  const contact = contactFields();
  const submit = h("button", { type: "submit", class: "primary", "data-action": "submit", text: t("form.submit") });
  const formError = h("p", { class: "error", role: "alert", "data-error": "form" });

  const form = h("form", { novalidate: true, "data-form": "report" },
    h("h2", { text: t("form.title") }),
    picker.node,
    h("fieldset", {},
      h("label", { for: "description", text: t("form.description") }),
      h("p", { id: "description-hint", class: "hint", text: t("form.descriptionHint") }),
      description, count, descriptionError.node),
    photos.node,
    contact.node,
    formError,
    submit);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    formError.textContent = "";
    const badCategory = picker.showError(checkCategory(picker.value(), categories));
    const badDescription = descriptionError.show(checkDescription(description.value));
    const badContact = contact.check();
    if (badCategory || badDescription || badContact) {
      formError.textContent = t("form.fixErrors");
      if (badCategory) picker.focus();
      else if (badDescription) description.focus();
      else badContact.focus();
      return;
    }
    if (photos.busy()) {
      formError.textContent = t("form.photoWorking");
      return;
    }
    submit.disabled = true;
    submit.textContent = t("form.saving");
    try {
      const contactValue = contact.value();
      const keys = await save({
        site, category: picker.value(), description: description.value.trim(),
        contact: Object.keys(contactValue).length > 0 ? contactValue : undefined, photos: photos.blobs(),
      });
      onSaved(keys);
    } catch (err) {
      formError.textContent = t("form.saveFailed", { message: err?.message ?? String(err) });
      submit.disabled = false;
      submit.textContent = t("form.submit");
    }
  });

  return {
    node: form,
    /** Whether the person has started filling it in (an update must not reload over their words). */
    hasInput: () => description.value !== "" || picker.value() !== null || photos.hasInput() || contact.hasInput(),
  };
}
