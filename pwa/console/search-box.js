// The board's search box: results as one types (after a short pause), at once on Enter. While an input method is
// composing (pinyin on the way to 路灯) nothing is searched; the finished characters are.
import { el } from "./dom.js";
import { t } from "./i18n/index.js";

const PAUSE_MS = 250;
const MAX_CHARS = 100; // the server's limit for a query

/**
 * @param {string} value the query to start with
 * @param {(q: string, typed: boolean) => void} onSearch called with the trimmed query
 * @returns {HTMLFormElement}
 */
export const searchBox = (value, onSearch) => {
  const input = el("input", {
    id: "board-search", type: "search", name: "q", value, autocomplete: "off", spellcheck: "false",
    maxlength: MAX_CHARS, dataset: { role: "search" }, "aria-describedby": "board-search-hint",
  });
  const form = el("form", { class: "search", role: "search", "aria-label": t("search.label"), dataset: { action: "search" } },
    el("label", { for: "board-search", text: t("search.label") }), input,
    el("span", { id: "board-search-hint", class: "hint", text: t("search.hint") }));
  let timer = null;
  let last = value.trim();
  const run = () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (q === last) return;
    last = q;
    onSearch(q, true);
  };
  input.addEventListener("input", (event) => {
    if (event.isComposing) return;
    clearTimeout(timer);
    timer = setTimeout(run, PAUSE_MS);
  });
  input.addEventListener("compositionend", () => {
    clearTimeout(timer);
    timer = setTimeout(run, PAUSE_MS);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    last = null;
    run();
  });
  return form;
};
