// Building DOM nodes without HTML strings: every text goes in through textContent, so user text stays text.

/**
 * Make an element. `props`: attributes (strings), `dataset` (object), `on` (event → handler), `text`
 * (textContent); `children`: nodes, strings (as text) or null/false (skipped).
 */
export const el = (tag, props = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "on") for (const [type, fn] of Object.entries(value)) node.addEventListener(type, fn);
    else if (key === "text") node.textContent = String(value);
    else if (key === "value") node.value = value;
    else if (key === "checked" || key === "disabled" || key === "hidden" || key === "selected") node[key] = Boolean(value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  append(node, children);
  return node;
};

export const append = (node, children) => {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
};

/** Replace every child of `node`. */
export const replace = (node, ...children) => {
  node.replaceChildren();
  return append(node, children);
};

/** An <option> list for a <select>: `[value, label]` pairs, with `selected` chosen. */
export const options = (pairs, selected) =>
  pairs.map(([value, label]) => el("option", { value, selected: String(value) === String(selected ?? "") }, label));

/** Whether keyboard shortcuts should leave this key alone (the person is typing in a field). */
export const typing = (event) => {
  const target = event.target;
  return event.ctrlKey || event.metaKey || event.altKey || target.isContentEditable ||
    ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
};
