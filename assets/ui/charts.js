// Small SVG charts drawn from plain numbers: horizontal bars, columns over time, and one stacked bar.
// Each chart is an image with a text summary for screen readers; colours come from app.css classes.

import { formatNumber, h } from "./dom.js";

const SVG = "http://www.w3.org/2000/svg";
const MAX_COLUMN_STEP = 40; // px per column, so a few days do not make slabs

function svg(tag, attributes = {}, text = null) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== null) element.textContent = text;
  return element;
}

function chartFrame(width, height, summary) {
  const frame = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img", "aria-label": summary });
  frame.append(svg("title", {}, summary));
  return frame;
}

function clip(text, length) {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

function summaryOf(items, format = formatNumber) {
  return items.map((item) => `${item.label}: ${format(item.value)}`).join(", ");
}

// One bar per item, longest first as given; labels on the left, values at the bar's end.
// `largest` fixes the scale (1 for scores between 0 and 1); `format` writes the values.
export function barChart(items, title, { largest = Math.max(1, ...items.map((item) => item.value)), format = formatNumber } = {}) {
  const rowHeight = 24;
  const labelWidth = 150;
  const width = 560;
  const barSpace = width - labelWidth - 60;
  const frame = chartFrame(width, items.length * rowHeight + 4, `${title}: ${summaryOf(items, format)}`);
  items.forEach((item, index) => {
    const y = index * rowHeight + 2;
    const barWidth = Math.max(2, (item.value / largest) * barSpace);
    const label = svg("text", { x: labelWidth - 8, y: y + 16, "text-anchor": "end", class: "chart-label" },
      clip(item.label, 22));
    label.append(svg("title", {}, item.label));
    frame.append(label,
      svg("rect", { x: labelWidth, y: y + 3, width: barWidth, height: rowHeight - 8, rx: 3, class: "chart-bar" }),
      svg("text", { x: labelWidth + barWidth + 6, y: y + 16, class: "chart-value" }, format(item.value)));
  });
  return frame;
}

// Columns in order (e.g. one per day); the first and last labels and a few between are written out.
export function columnChart(items, title) {
  const width = 560;
  const height = 180;
  const bottom = 24;
  const top = 16;
  const largest = Math.max(1, ...items.map((item) => item.value));
  const step = Math.min(MAX_COLUMN_STEP, width / Math.max(items.length, 1));
  const labelEvery = Math.max(1, Math.ceil(items.length / 6));
  const frame = chartFrame(width, height, `${title}: ${summaryOf(items)}`);
  frame.append(svg("line", { x1: 0, x2: width, y1: height - bottom, y2: height - bottom, class: "chart-axis" }),
    svg("text", { x: 2, y: 11, class: "chart-value" }, `max ${formatNumber(largest)}`));
  items.forEach((item, index) => {
    const columnHeight = (item.value / largest) * (height - bottom - top);
    const x = index * step;
    const column = svg("rect", {
      x: x + step * 0.15, y: height - bottom - columnHeight, width: Math.max(1, step * 0.7),
      height: columnHeight, class: "chart-bar",
    });
    column.append(svg("title", {}, `${item.label}: ${formatNumber(item.value)}`));
    frame.append(column);
    if (index % labelEvery === 0 || index === items.length - 1) {
      frame.append(svg("text", { x: x + step / 2, y: height - 6, "text-anchor": "middle", class: "chart-label" }, item.label));
    }
  });
  return frame;
}

// One bar split into parts ({label, value, className}), with a legend under it.
export function stackedBar(parts, title) {
  const width = 560;
  const total = parts.reduce((sum, part) => sum + part.value, 0);
  const frame = chartFrame(width, 22, `${title}: ${summaryOf(parts)}`);
  frame.setAttribute("preserveAspectRatio", "none");
  let x = 0;
  for (const part of parts) {
    const partWidth = total ? (part.value / total) * width : 0;
    frame.append(svg("rect", { x, y: 0, width: partWidth, height: 22, class: `chart-part ${part.className}` }));
    x += partWidth;
  }
  const legend = h("ul", { class: "chart-legend" }, parts.map((part) =>
    h("li", {}, h("span", { class: `swatch ${part.className}`, "aria-hidden": "true" }), `${part.label}: ${part.text ?? formatNumber(part.value)}`)));
  return h("figure", { class: "stacked" }, frame, legend);
}
