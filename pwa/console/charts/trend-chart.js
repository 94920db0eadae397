// The trend at a glance: reports per day as columns (left axis) and the on-time response rate as a line
// (right axis, 0–100 %). Days without any answered report leave a gap in the line rather than a false 0 %.
import { niceTicks, percent, svg } from "./svg.js";

const W = 720;
const H = 260;
const PAD = { top: 16, right: 48, bottom: 40, left: 40 };

/**
 * @param {Array<{key: string, cases: number, response_ontime_rate: number|null}>} days
 * @param {{title: string, casesLabel: string, rateLabel: string}} labels
 */
export const trendChart = (days, labels) => {
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const ticks = niceTicks(Math.max(1, ...days.map((d) => d.cases)));
  const top = ticks[ticks.length - 1];
  const slot = innerW / Math.max(1, days.length);
  const x = (i) => PAD.left + slot * i + slot / 2;
  const yCount = (v) => PAD.top + innerH - (v / top) * innerH;
  const yRate = (v) => PAD.top + innerH - v * innerH;
  const every = Math.ceil(days.length / 10);

  const grid = ticks.map((v) => svg("g", {},
    svg("line", { x1: PAD.left, x2: W - PAD.right, y1: yCount(v), y2: yCount(v), stroke: "#e0e0e0" }),
    svg("text", { x: PAD.left - 6, y: yCount(v) + 4, "text-anchor": "end", text: v })));
  const rateAxis = [0, 0.5, 1].map((v) => svg("text", { x: W - PAD.right + 6, y: yRate(v) + 4, text: `${v * 100}%` }));
  const columns = days.map((d, i) => svg("rect", {
    x: x(i) - slot * 0.35, width: slot * 0.7, y: yCount(d.cases), height: PAD.top + innerH - yCount(d.cases),
    fill: "#9ecae1", "data-day": d.key,
  }, svg("title", { text: `${d.key}：${labels.casesLabel} ${d.cases}，${labels.rateLabel} ${percent(d.response_ontime_rate)}` })));
  // One path segment per run of days that have a rate.
  let path = "";
  days.forEach((d, i) => {
    if (d.response_ontime_rate === null) return;
    const previous = i > 0 && days[i - 1].response_ontime_rate !== null;
    path += `${previous ? "L" : "M"}${x(i).toFixed(1)},${yRate(d.response_ontime_rate).toFixed(1)}`;
  });
  const dots = days.map((d, i) => (d.response_ontime_rate === null ? null
    : svg("circle", { cx: x(i), cy: yRate(d.response_ontime_rate), r: 3, fill: "#b71c1c" })));
  const dayLabels = days.map((d, i) => (i % every ? null
    : svg("text", { x: x(i), y: H - PAD.bottom + 16, "text-anchor": "middle", text: d.key.slice(5) })));
  const legend = svg("g", {},
    svg("rect", { x: PAD.left, y: H - 14, width: 12, height: 10, fill: "#9ecae1" }),
    svg("text", { x: PAD.left + 16, y: H - 5, text: labels.casesLabel }),
    svg("line", { x1: PAD.left + 110, x2: PAD.left + 130, y1: H - 9, y2: H - 9, stroke: "#b71c1c", "stroke-width": 2 }),
    svg("text", { x: PAD.left + 134, y: H - 5, text: labels.rateLabel }));

  return svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": labels.title, "data-chart": "trend", width: "100%" },
    svg("title", { text: labels.title }), grid, rateAxis, columns,
    svg("path", { d: path, fill: "none", stroke: "#b71c1c", "stroke-width": 2 }), dots, dayLabels, legend);
};
