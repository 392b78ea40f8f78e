// The TimeSeries view: its channels stacked on one time axis, an overview strip whose brush zooms
// and pans, ctrl+wheel zoom and arrow-key pan on the focused plot. Each channel draws a min/max
// decimation per pixel column (timeseries-data.js), so a long series costs one pass per frame.
// This module keeps the shell (building, loading, view window, drawing); timeseries-regions.js
// draws and edits the labelled ranges.

import { attr, walk } from "./config.js";
import { relationMode, relationsNode, renderRelationList } from "./image-relations.js";
import { regionEditing } from "./timeseries-regions.js";
import {
  buildSeries, decimate, extent, formatNumber, formatTime, nearestIndex, parseTable, separatorOf,
} from "./timeseries-data.js";

const MIN_POINTS_IN_VIEW = 4;
const OVERVIEW_HEIGHT = 44;
const AXIS_TICKS = 6;

const number = (node, name, fallback, min, max) => {
  const value = Number(attr(node, name));
  return attr(node, name) !== undefined && Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
};

function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

function button(className, text, title) {
  const el = element("button", className, text);
  el.type = "button";
  el.title = title;
  return el;
}

// The Channel children of a TimeSeries, as {column, legend, color, width, height, format, units}.
function channelsOf(node) {
  return node.children.filter((child) => child.tag.toLowerCase() === "channel" && child.attrs.column !== undefined)
    .map((child) => ({
      column: child.attrs.column,
      legend: attr(child, "legend") || attr(child, "displayName") || child.attrs.column,
      color: attr(child, "strokeColor", "#f48a42"),
      width: number(child, "strokeWidth", 1, 0.5, 10),
      height: number(child, "height", 200, 24, 2000),
      format: attr(child, "displayFormat"),
      units: attr(child, "units", ""),
    }));
}

export class TimeSeriesView {
  constructor(node, ctx) {
    this.node = node;
    this.ctx = ctx;
    this.store = ctx.store;
    this.name = node.attrs.name;
    this.channels = channelsOf(node);
    this.timeFormat = attr(node, "timeFormat");
    this.displayFormat = attr(node, "timeDisplayFormat");
    this.series = null;
    this.window = [0, 1];
    this.frame = 0;
    this.gesture = null;
    for (const item of this.store.items) {
      if (item.to_name === this.name && item.id && item.hidden === true) this.store.hidden.add(item.id);
    }
    this.ready = new Promise((resolve) => { this.resolveReady = resolve; });
    this.build();
    this.listen();
    this.listenToRegions();
    this.store.subscribe(() => this.drawRegions());
    this.load();
  }

  // What other tags may ask of this series.
  api() {
    const view = this;
    return {
      tag: "TimeSeries",
      element: this.element,
      ready: this.ready,
      get window() { return [...view.window]; },
      setWindow: (t0, t1) => view.setWindow(t0, t1),
    };
  }

  // -- building -------------------------------------------------------------------------------

  build() {
    const root = element("div", "lsd-object lsd-timeseries");
    root.dataset.name = this.name;
    root.dataset.state = "loading";
    this.element = root;
    const bar = element("div", "lsd-ts-controls");
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", `View of ${this.name}`);
    const zoomOut = button("lsd-ts-zoom-out", "−", "Zoom out (− on the plot)");
    const zoomIn = button("lsd-ts-zoom-in", "+", "Zoom in (+ on the plot, or ctrl+wheel)");
    const reset = button("lsd-ts-zoom-reset", "All", "Show the whole series (Home on the plot)");
    zoomOut.addEventListener("click", () => this.zoomBy(1.5));
    zoomIn.addEventListener("click", () => this.zoomBy(1 / 1.5));
    reset.addEventListener("click", () => this.showAll());
    this.rangeLabel = element("span", "lsd-ts-range");
    bar.append(zoomOut, zoomIn, reset, this.rangeLabel);

    this.plot = element("div", "lsd-ts-plot");
    this.plot.tabIndex = 0;
    this.plot.setAttribute("aria-label", `${this.name}: drag with a label armed to mark a range, click for an instant; arrows pan, + and − zoom`);
    for (const channel of this.channels) {
      const row = element("div", "lsd-ts-channel");
      row.style.height = `${channel.height}px`;
      channel.canvas = element("canvas", "lsd-ts-canvas");
      const legend = element("span", "lsd-ts-legend", channel.legend + (channel.units ? ` (${channel.units})` : ""));
      legend.style.color = channel.color;
      channel.top = element("span", "lsd-ts-ymax");
      channel.bottom = element("span", "lsd-ts-ymin");
      row.append(channel.canvas, legend, channel.top, channel.bottom);
      this.plot.append(row);
    }
    this.layer = element("div", "lsd-ts-regions");
    this.preview = element("div", "lsd-ts-drawing");
    this.preview.hidden = true;
    this.plot.append(this.layer, this.preview);
    this.axis = element("div", "lsd-ts-axis");

    this.overview = element("div", "lsd-ts-overview");
    this.overviewCanvas = element("canvas", "lsd-ts-canvas");
    this.brush = element("div", "lsd-ts-brush");
    this.brush.title = "Drag to pan, drag its edges to zoom";
    this.overview.append(this.overviewCanvas, this.brush);
    this.overview.style.height = `${OVERVIEW_HEIGHT}px`;

    this.message = element("div", "lsd-ts-message", "Loading the series…");
    root.append(bar, this.plot, this.axis, this.overview, this.message);
    // Without a <Relations> tag, relations are listed under the first series (or the first image).
    const tags = [...walk(this.ctx.root)].map((node) => [node.tag.toLowerCase(), node.attrs.name]);
    const firstSeries = tags.find(([tag]) => tag === "timeseries");
    if (!relationsNode(this.ctx.root) && firstSeries[1] === this.name && !tags.some(([tag]) => tag === "image")) {
      root.append(renderRelationList(this.ctx, null));
    }
  }

  // -- loading --------------------------------------------------------------------------------

  async load() {
    try {
      const columns = await this.columns();
      this.series = buildSeries(columns, { timeColumn: attr(this.node, "timeColumn"), timeFormat: this.timeFormat,
        channels: this.channels.map((channel) => channel.column) });
      if (this.series.length === 0) throw new Error("the series has no rows");
      const { raw } = this.series;
      this.datesOnAxis = Boolean(this.timeFormat) || (raw !== null && typeof raw[0] === "string" && Number.isNaN(Number(raw[0])));
      for (const channel of this.channels) channel.extent = extent(this.series.values[channel.column]);
      const { times } = this.series;
      this.window = [times[0], times[times.length - 1] > times[0] ? times[times.length - 1] : times[0] + 1];
      this.message.hidden = true;
      this.element.dataset.state = "ready";
      this.layout();
    } catch (error) {
      this.element.dataset.state = "error";
      this.message.classList.add("lsd-load-error");
      this.message.textContent = `The time series could not be loaded: ${error.message}`;
    }
    this.resolveReady();
  }

  // {column: cells} from the task: inline JSON columns, or a CSV/TSV the value points at.
  async columns() {
    const value = this.ctx.resolve(this.node.attrs.value);
    const valueType = (attr(this.node, "valueType") || "url").toLowerCase();
    if (valueType === "json" || (value && typeof value === "object")) {
      if (!value || typeof value !== "object" || Array.isArray(value)) throw new Error(`no columns in task data for value="${this.node.attrs.value}"`);
      return value;
    }
    if (typeof value !== "string" || !value) throw new Error(`no CSV URL in task data for value="${this.node.attrs.value}"`);
    const response = await fetch(value);
    if (!response.ok) throw new Error(`${response.status} ${response.statusText} for ${value}`);
    const sep = separatorOf(attr(this.node, "sep"), value);
    const named = [attr(this.node, "timeColumn"), ...this.channels.map((channel) => channel.column)].filter(Boolean);
    const headless = attr(this.node, "headless") !== undefined ? attr(this.node, "headless") === "true"
      : named.length > 0 && named.every((name) => /^\d+$/.test(name));
    return parseTable(await response.text(), sep, headless);
  }

  // -- view window ----------------------------------------------------------------------------

  get width() {
    return this.plot.clientWidth;
  }

  get fullRange() {
    const { times } = this.series;
    return [times[0], Math.max(times[times.length - 1], times[0] + 1)];
  }

  // The smallest window: a few points wide.
  get minSpan() {
    const [first, last] = this.fullRange;
    return Math.min(last - first, ((last - first) / Math.max(1, this.series.length - 1)) * MIN_POINTS_IN_VIEW);
  }

  setWindow(t0, t1) {
    if (!this.series) return;
    const [first, last] = this.fullRange;
    let span = Math.min(last - first, Math.max(this.minSpan, t1 - t0));
    let start = Math.min(last - span, Math.max(first, t0));
    if (!Number.isFinite(start) || !Number.isFinite(span)) [start, span] = [first, last - first];
    this.window = [start, start + span];
    this.requestDraw();
  }

  zoomBy(factor, anchor = null) {
    const [t0, t1] = this.window;
    const at = anchor === null ? (t0 + t1) / 2 : anchor;
    this.setWindow(at - (at - t0) * factor, at + (t1 - at) * factor);
  }

  panBy(fraction) {
    const [t0, t1] = this.window;
    const shift = (t1 - t0) * fraction;
    this.setWindow(t0 + shift, t1 + shift);
  }

  showAll() {
    if (this.series) this.setWindow(...this.fullRange);
  }

  // The time under a client x, clamped to the window.
  timeAt(clientX) {
    const box = this.plot.getBoundingClientRect();
    const [t0, t1] = this.window;
    return t0 + (Math.min(box.width, Math.max(0, clientX - box.left)) / (box.width || 1)) * (t1 - t0);
  }

  xOf(t) {
    const [t0, t1] = this.window;
    return ((t - t0) / (t1 - t0)) * this.width;
  }

  // The time of a point as a result stores it: the cell as written when a timeFormat reads it, else the number.
  resultTime(index) {
    return this.timeFormat && this.series.raw ? this.series.raw[index] : this.series.times[index];
  }

  // A stored start/end back to a time on the axis.
  axisTime(value) {
    if (typeof value === "number") return value;
    const index = this.series.raw ? this.series.raw.indexOf(value) : -1;
    return index >= 0 ? this.series.times[index] : Date.parse(value);
  }

  indexAt(clientX) {
    return nearestIndex(this.series.times, this.timeAt(clientX));
  }

  // A time on the axis as text: dates by timeDisplayFormat (strftime), numbers by it as a d3 format.
  label(t) {
    if (this.datesOnAxis) return formatTime(t, this.displayFormat || this.timeFormat || "%Y-%m-%d %H:%M:%S");
    return formatNumber(t, this.displayFormat || (Math.abs(t) >= 1e4 ? "d" : ""));
  }

  // -- drawing --------------------------------------------------------------------------------

  requestDraw() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  layout() {
    if (!this.series) return;
    this.drawOverview();
    this.draw();
  }

  draw() {
    if (!this.series) return;
    const started = performance.now();
    for (const channel of this.channels) this.drawChannel(channel);
    this.drawAxis();
    this.drawBrush();
    this.drawRegions();
    this.element.dataset.drawMs = (performance.now() - started).toFixed(2);
  }

  drawChannel(channel) {
    const [t0, t1] = this.window;
    const points = decimate(this.series.times, this.series.values[channel.column], t0, t1, this.width);
    const [min, max] = channel.extent;
    drawLine(channel.canvas, points, min, max, channel);
    channel.top.textContent = formatNumber(max, channel.format);
    channel.bottom.textContent = formatNumber(min, channel.format);
  }

  drawOverview() {
    const column = (attr(this.node, "overviewChannels") || "").split(",").map((c) => c.trim())
      .find((c) => c in this.series.values) || this.channels[0]?.column;
    if (!column) return;
    const channel = this.channels.find((c) => c.column === column);
    const [first, last] = this.fullRange;
    const points = decimate(this.series.times, this.series.values[column], first, last, this.overview.clientWidth);
    drawLine(this.overviewCanvas, points, ...channel.extent, { color: channel.color, width: 1 });
  }

  drawBrush() {
    const [first, last] = this.fullRange;
    const [t0, t1] = this.window;
    const width = this.overview.clientWidth;
    this.brush.style.left = `${((t0 - first) / (last - first)) * width}px`;
    this.brush.style.width = `${Math.max(3, ((t1 - t0) / (last - first)) * width)}px`;
    this.rangeLabel.textContent = `${this.label(t0)} – ${this.label(t1)}`;
  }

  drawAxis() {
    const [t0, t1] = this.window;
    const ticks = [];
    for (let i = 0; i <= AXIS_TICKS; i++) {
      const t = t0 + ((t1 - t0) * i) / AXIS_TICKS;
      const tick = element("span", "lsd-ts-tick", this.label(t));
      tick.style.left = `${(i / AXIS_TICKS) * 100}%`;
      ticks.push(tick);
    }
    this.axis.replaceChildren(...ticks);
  }

  // -- listening ------------------------------------------------------------------------------

  listen() {
    this.plot.addEventListener("wheel", (event) => {
      if (!this.series) return;
      if (event.ctrlKey || event.metaKey) {
        event.preventDefault();
        this.zoomBy(event.deltaY < 0 ? 0.8 : 1.25, this.timeAt(event.clientX));
      } else if (event.shiftKey || Math.abs(event.deltaX) > Math.abs(event.deltaY)) {
        event.preventDefault();
        this.panBy((event.deltaX || event.deltaY) / Math.max(1, this.width));
      }
    }, { passive: false });
    this.plot.addEventListener("keydown", (event) => this.onKey(event));
    this.overview.addEventListener("pointerdown", (event) => this.onBrushDown(event));
    this.overview.addEventListener("pointermove", (event) => this.onBrushMove(event));
    this.overview.addEventListener("pointerup", () => { this.brushGesture = null; });
    relationMode(this.ctx);
    const resize = new ResizeObserver(() => {
      if (this.width !== this.laidOutWidth) {
        this.laidOutWidth = this.width;
        this.layout();
      }
    });
    resize.observe(this.plot);
    this.ctx.onCleanup(() => {
      resize.disconnect();
      cancelAnimationFrame(this.frame);
    });
  }

  onKey(event) {
    if (!this.series || event.ctrlKey || event.metaKey || event.altKey) return;
    const step = event.shiftKey ? 0.5 : 0.1;
    const actions = {
      ArrowLeft: () => this.panBy(-step), ArrowRight: () => this.panBy(step),
      "+": () => this.zoomBy(1 / 1.5), "=": () => this.zoomBy(1 / 1.5), "-": () => this.zoomBy(1.5),
      ArrowUp: () => this.zoomBy(1 / 1.5), ArrowDown: () => this.zoomBy(1.5), Home: () => this.showAll(),
    };
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    event.stopPropagation();
    action();
  }

  // On the overview: inside the brush drags it, at its edges resizes it, elsewhere centres it there.
  onBrushDown(event) {
    if (!this.series || event.button !== 0) return;
    event.preventDefault();
    const box = this.overview.getBoundingClientRect();
    const brush = this.brush.getBoundingClientRect();
    const [first, last] = this.fullRange;
    const perPx = (last - first) / box.width;
    let type = "move";
    if (Math.abs(event.clientX - brush.left) <= 4) type = "start";
    else if (Math.abs(event.clientX - brush.right) <= 4) type = "end";
    else if (event.clientX < brush.left || event.clientX > brush.right) {
      const [t0, t1] = this.window;
      const centre = first + (event.clientX - box.left) * perPx;
      this.setWindow(centre - (t1 - t0) / 2, centre + (t1 - t0) / 2);
    }
    this.brushGesture = { type, x: event.clientX, perPx, window: [...this.window] };
    try {
      this.overview.setPointerCapture(event.pointerId);
    } catch {
      // a synthetic event without a live pointer
    }
  }

  onBrushMove(event) {
    const gesture = this.brushGesture;
    if (!gesture) return;
    const shift = (event.clientX - gesture.x) * gesture.perPx;
    const [t0, t1] = gesture.window;
    if (gesture.type === "move") this.setWindow(t0 + shift, t1 + shift);
    else if (gesture.type === "start") this.setWindow(Math.min(t0 + shift, t1 - this.minSpan), t1);
    else this.setWindow(t0, Math.max(t1 + shift, t0 + this.minSpan));
  }
}

// One polyline ([x px, value] pairs) on a canvas sized to its box, values scaled to [min, max].
function drawLine(canvas, points, min, max, { color, width }) {
  const ratio = window.devicePixelRatio || 1;
  const cssWidth = canvas.clientWidth;
  const cssHeight = canvas.clientHeight;
  if (canvas.width !== Math.round(cssWidth * ratio)) canvas.width = Math.round(cssWidth * ratio);
  if (canvas.height !== Math.round(cssHeight * ratio)) canvas.height = Math.round(cssHeight * ratio);
  const context = canvas.getContext("2d");
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, cssWidth, cssHeight);
  const pad = 4;
  const scale = (cssHeight - 2 * pad) / (max - min || 1);
  context.beginPath();
  for (let k = 0; k < points.length; k += 2) {
    const y = cssHeight - pad - (points[k + 1] - min) * scale;
    if (k === 0) context.moveTo(points[k], y);
    else context.lineTo(points[k], y);
  }
  context.strokeStyle = color;
  context.lineWidth = width;
  context.stroke();
}

Object.assign(TimeSeriesView.prototype, regionEditing);
