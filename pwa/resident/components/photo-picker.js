// Up to three photos, taken or chosen; each is shrunk at once, and only the shrunk copy is kept.

import { h } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import { PhotoError, shrinkPhoto } from "../lib/shrink.js";
import { PHOTOS_MAX } from "../lib/validate.js";
import { fieldError } from "./field-error.js";

export function photoPicker() {
  const blobs = [];
  const urls = [];
  let working = 0;
  const input = h("input", {
    type: "file", accept: "image/*", multiple: true, class: "file-input", id: "photo-input",
    "data-action": "photo-input", "aria-describedby": "photo-error",
  });
  const addLabel = h("label", { class: "file-label", for: "photo-input" }, input,
    h("span", { class: "button", text: t("form.photoAdd") }));
  const list = h("div", { class: "photos", "data-region": "photos" });
  const status = h("p", { class: "hint", role: "status" });
  const error = fieldError("photo-error");

  function render() {
    list.replaceChildren(...blobs.map((blob, i) => h("div", { class: "photo" },
      h("img", { src: urls[i], alt: t("form.photoAlt", { n: i + 1 }) }),
      h("button", {
        type: "button", "data-action": "photo-remove", on: { click: () => remove(i) },
        text: t("form.photoRemove", { n: i + 1 }),
      }))));
    addLabel.hidden = blobs.length >= PHOTOS_MAX;
    status.textContent = working > 0 ? t("form.photoWorking") : "";
  }

  function remove(i) {
    URL.revokeObjectURL(urls[i]);
    blobs.splice(i, 1);
    urls.splice(i, 1);
    render();
    input.focus();
  }

  input.addEventListener("change", async () => {
    const files = [...input.files];
    input.value = "";
    error.show(null);
    for (const file of files) {
      if (blobs.length + working >= PHOTOS_MAX) {
        error.show(["form.photoTooMany", { max: PHOTOS_MAX }]);
        break;
      }
      working += 1;
      render();
      try {
        const blob = await shrinkPhoto(file);
        blobs.push(blob);
        urls.push(URL.createObjectURL(blob));
      } catch (err) {
        error.show(err instanceof PhotoError ? [err.key, err.params] : ["form.photoNotImage", {}]);
      } finally {
        working -= 1;
        render();
      }
    }
  });

  render();
  const node = h("fieldset", {},
    h("legend", { text: t("form.photos", { max: PHOTOS_MAX }) }), list, addLabel, status, error.node);
  return {
    node,
    blobs: () => [...blobs],
    busy: () => working > 0,
    hasInput: () => blobs.length > 0,
  };
}
