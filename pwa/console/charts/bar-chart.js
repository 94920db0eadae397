// Comparison at a glance: one horizontal bar per group (community, site, …) for one metric, best on top.
// Rates run 0–100 %; medians are scaled to the largest value. A group without a value shows "—".
import { niceTicks, percent, svg } from "./svg.js";

const W = 720;
const ROW = 26;
const LABEL = 170;
const PAD = { top: 8, right: 70, bottom: 24 };

/**
 * @param {Array<{label: string, value: number|null}>} rows
 * @param {{title: string, isRate: boolean}} options
 */
export const barChart = (rows, { title, isRate }) => {
  const sorted = [...rows].sort((a, b) => (b.value ?? -1) - (a.value ?? -1));
  const height = PAD.top + ROW * Math.max(1, sorted.length) + PAD.bottom;
  const innerW = W - LABEL - PAD.right;
  const max = isRate ? 1 : niceTicks(Math.max(1, ...sorted.map((r) => r.value ?? 0))).at(-1);
  const width = (v) => ((v ?? 0) / max) * innerW;
  const format = (v) => (v === null || v === undefined ? "—" : isRate ? percent(v) : String(v));
  const bars = sorted.map((r, i) => {
    const y = PAD.top + i * ROW;
    const colour = isRate && r.value !== null && r.value < 0.8 ? "#e6a23c" : "#2e7d32";
    return svg("g", { "data-group": r.label },
      svg("text", { x: LABEL - 8, y: y + ROW / 2 + 4, "text-anchor": "end", text: r.label.length > 12 ? `${r.label.slice(0, 12)}…` : r.label }),
      svg("rect", { x: LABEL, y: y + 4, width: Math.max(1, width(r.value)), height: ROW - 8, fill: r.value === null ? "#ddd" : colour },
        svg("title", { text: `${r.label}：${format(r.value)}` })),
      svg("text", { x: LABEL + width(r.value) + 6, y: y + ROW / 2 + 4, text: format(r.value) }));
  });
  const axisY = PAD.top + ROW * Math.max(1, sorted.length);
  const axis = (isRate ? [0, 0.5, 1] : [0, max / 2, max]).map((v) => svg("text", {
    x: LABEL + width(v), y: axisY + 16, "text-anchor": "middle", text: isRate ? `${v * 100}%` : String(v),
  }));
  return svg("svg", { viewBox: `0 0 ${W} ${height}`, role: "img", "aria-label": title, "data-chart": "compare", width: "100%" },
    svg("title", { text: title }),
    svg("line", { x1: LABEL, x2: LABEL, y1: PAD.top, y2: axisY, stroke: "#999" }), bars, axis);
};
