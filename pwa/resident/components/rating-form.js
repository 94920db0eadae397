// The resident's rating of a resolved case: 满意 / 基本满意 / 不满意 with an optional comment.
// 不满意 sends the case back for rework (the server moves it to dispatched).

import { RATINGS } from "/sync/client/names.js";
import { h } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import { COMMENT_MAX, checkComment } from "../lib/validate.js";
import { fieldError } from "./field-error.js";

/**
 * @param {{caseId: string, client: object, onDone: (rating: string) => void}} options
 */
export function ratingForm({ caseId, client, onDone }) {
  const choices = Object.keys(RATINGS).map((rating) => h("label", {},
    h("input", { type: "radio", name: "rating", value: rating, "data-rating": rating }),
    h("span", { text: t(`rating.${rating}`) })));
  const comment = h("textarea", { id: "rating-comment", rows: 3, "data-field": "comment", "aria-describedby": "comment-error" });
  const choiceError = fieldError("rating-error");
  const commentError = fieldError("comment-error", comment);
  const submit = h("button", { type: "submit", class: "primary", "data-action": "rate", text: t("rate.submit") });
  const form = h("form", { novalidate: true, "data-form": "rating" },
    h("fieldset", { "aria-describedby": "rating-hint rating-error" },
      h("legend", { text: t("rate.title") }),
      h("p", { id: "rating-hint", class: "hint", text: t("rate.unsatisfiedHint") }),
      h("div", { class: "choices" }, choices),
      choiceError.node),
    h("label", { for: "rating-comment", text: t("rate.comment") }), comment, commentError.node,
    submit);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const rating = form.querySelector("input[name=rating]:checked")?.value;
    const badChoice = choiceError.show(rating ? null : ["rate.required", {}]);
    const badComment = commentError.show(checkComment(comment.value));
    if (badChoice || badComment) {
      (badChoice ? choices[0].querySelector("input") : comment).focus();
      return;
    }
    submit.disabled = true;
    const args = { id: caseId, rating };
    if (comment.value.trim()) args.comment = comment.value.trim();
    await client.enqueue("case.rate", args, (current) => current && { ...current, rating });
    onDone(rating);
  });
  return { node: form, hasInput: () => comment.value !== "" || form.querySelector("input:checked") !== null };
}
