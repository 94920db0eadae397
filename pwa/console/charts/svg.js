// Making SVG nodes: the same textContent-only rule as dom.js, in the SVG namespace.
const NS = "http://www.w3.org/2000/svg";

export const svg = (tag, attrs = {}, ...children) => {
  const node = document.createElementNS(NS, tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null) continue;
    if (key === "text") node.textContent = String(value);
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) if (child) node.append(child);
  return node;
};

/** Round numbers for an axis from 0 to at least `max`: about `count` steps of 1, 2 or 5 × 10^n. */
export const niceTicks = (max, count = 4) => {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw);
  const ticks = [];
  for (let v = 0; v < max + step; v += step) ticks.push(Number(v.toFixed(10)));
  return ticks;
};

export const percent = (value) => (value === null || value === undefined ? "—" : `${(value * 100).toFixed(1)}%`);
