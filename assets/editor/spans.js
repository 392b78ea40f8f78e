// The span machinery Text, HyperText, Paragraphs and Audio share: the object box, loading text, code-point offsets,
// word snapping, highlight runs, selection boundaries, and the regions on an object.

import { attr } from "./config.js";
import { colorFor, withAlpha } from "./colors.js";
import { labelColor } from "./labelbar.js";
import { newRegionId } from "./store.js";
import { regionLabels } from "./targets.js";

// -- loading ---------------------------------------------------------------------------------

// The box of a span object: a content element (span labels hidden when showLabels="false") that
// `show(content, loaded)` fills once `load()` resolves, or that says the `what` could not be loaded.
export function spanObject(node, { objectClass, contentClass, what, load, show }) {
  const box = document.createElement("div");
  box.className = `lsd-object ${objectClass}`;
  const content = document.createElement("div");
  content.className = contentClass;
  if (attr(node, "showLabels") === "false") content.classList.add("lsd-no-span-labels");
  box.append(content);
  load().then((loaded) => show(content, loaded), (error) => {
    content.classList.add("lsd-load-error");
    content.textContent = `The ${what} could not be loaded: ${error.message}`;
  });
  return { box, content };
}

// The raw string a Text/HyperText shows: the resolved value (or inline content), fetched when
// valueType="url", decoded per `encoding`.
export async function loadText(node, ctx) {
  const raw = node.attrs.value !== undefined ? ctx.resolve(node.attrs.value) : node.text;
  let text = raw === undefined || raw === null ? "" : typeof raw === "string" ? raw : typeof raw === "object" ? JSON.stringify(raw) : String(raw);
  if (attr(node, "valueType") === "url" && text) {
    const response = await fetch(text);
    if (!response.ok) throw new Error(`${response.status} ${response.statusText} for ${text}`);
    text = await response.text();
  }
  const encoding = attr(node, "encoding", "none");
  if (encoding === "base64") text = atob(text);
  else if (encoding === "base64unicode") text = new TextDecoder().decode(Uint8Array.from(atob(text), (c) => c.charCodeAt(0)));
  return text;
}

// Whether spans keep their text in `value.text` (saveTextResult; default yes for plain values).
export function savesText(node) {
  const save = attr(node, "saveTextResult");
  if (save !== undefined) return save === "yes" || save === "true";
  return attr(node, "valueType") !== "url";
}

// -- code points -------------------------------------------------------------------------------

// Converts between UTF-16 units (DOM offsets) and code points (what results store) for one string.
export function codePointIndex(text) {
  const astral = []; // unit index of each surrogate pair
  if (/[\uD800-\uDBFF]/.test(text)) {
    for (let i = 0; i < text.length - 1; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff) {
        const d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          astral.push(i);
          i += 1;
        }
      }
    }
  }
  // How many pairs start before unit u / at code point below cp.
  const pairsBeforeUnit = (u) => lowerBound(astral.length, (k) => astral[k] < u);
  const pairsBeforePoint = (cp) => lowerBound(astral.length, (k) => astral[k] - k < cp);
  return {
    length: text.length - astral.length,
    toPoints: (units) => units - pairsBeforeUnit(units),
    toUnits: (points) => points + pairsBeforePoint(points),
  };
}

// The number of leading k in [0, n) for which pred(k) is true (pred is monotone).
function lowerBound(n, pred) {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pred(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// -- word snapping -----------------------------------------------------------------------------

const WORD = /[\p{L}\p{N}\p{M}_'’-]/u;

// Widen [start, end) (units) to whole words and drop surrounding spaces.
export function snapToWords(text, start, end) {
  while (start < end && /\s/.test(text[start])) start += 1;
  while (end > start && /\s/.test(text[end - 1])) end -= 1;
  if (start === end) return [start, end];
  while (start > 0 && WORD.test(text[start - 1]) && WORD.test(text[start])) start -= 1;
  while (end < text.length && WORD.test(text[end]) && WORD.test(text[end - 1])) end += 1;
  return [start, end];
}

// Widen [start, end) to whole sentences (ending in . ! ? or a line break) or whole lines.
function snapTo(text, start, end, unit) {
  const stop = unit === "paragraph" ? /\n/ : /[.!?\n]/;
  while (start > 0 && !stop.test(text[start - 1])) start -= 1;
  while (end < text.length && !stop.test(text[end - 1])) end += 1;
  if (unit === "sentence") while (end < text.length && /[.!?]/.test(text[end])) end += 1;
  return snapToWords(text, start, end);
}

// [start, end) of a new span by the granularity in force.
export function snap(text, start, end, granularity) {
  if (granularity === "word") return snapToWords(text, start, end);
  if (granularity === "sentence" || granularity === "paragraph") return snapTo(text, start, end, granularity);
  return [start, end];
}

// The granularity of a span made now: an armed label's own, else the object's (symbol by default).
export function granularityFor(node, ctx, armed) {
  for (const { control, labels } of armed) {
    for (const label of control.children) {
      if (labels.includes(label.attrs.alias || label.attrs.value) && label.attrs.granularity) return label.attrs.granularity;
    }
  }
  return attr(node, "granularity", "symbol");
}

// -- drawing spans -------------------------------------------------------------------------------

const fills = new Map();
function fill(color) {
  if (!fills.has(color)) fills.set(color, withAlpha(color, 0.35));
  return fills.get(color);
}

// What a region looks like: its colour and the label shown at its end.
export function regionLook(ctx, items) {
  const labelled = items.find((item) => Array.isArray(item.value && item.value[item.type]) && item.type.endsWith("labels"));
  const labels = regionLabels(items);
  const color = labelled && labels.length ? labelColor(ctx, labelled.from_name, labels[0]) : colorFor("", "#9aa5b1");
  return { color, label: labels.join(", ") };
}

// Append `text` to parent split into runs at span boundaries; a run inside spans is wrapped in
// one element per span (outermost first), so overlapping spans nest. Spans: {key, start, end,
// color, label, selected} in UTF-16 units of `text`. Returns [{node, start}] for each text node.
export function renderRuns(parent, text, spans) {
  const nodes = [];
  const live = spans.map((span) => ({ ...span, start: Math.max(0, span.start), end: Math.min(text.length, span.end) }))
    .filter((span) => span.end > span.start);
  if (!live.length) {
    const node = document.createTextNode(text);
    parent.append(node);
    nodes.push({ node, start: 0 });
    return nodes;
  }
  const points = new Set([0, text.length]);
  for (const span of live) points.add(span.start).add(span.end);
  const cuts = [...points].sort((a, b) => a - b);
  const byStart = live.sort((a, b) => a.start - b.start || b.end - a.end);
  let active = [];
  let next = 0;
  for (let i = 0; i < cuts.length - 1; i++) {
    const [a, b] = [cuts[i], cuts[i + 1]];
    active = active.filter((span) => span.end > a);
    while (next < byStart.length && byStart[next].start <= a) {
      if (byStart[next].end > a) active.push(byStart[next]);
      next += 1;
    }
    const node = document.createTextNode(text.slice(a, b));
    nodes.push({ node, start: a });
    if (!active.length) {
      parent.append(node);
      continue;
    }
    let outer = null;
    let inner = null;
    for (const span of active) {
      const element = spanElement(span, span.end === b);
      if (inner) inner.append(element);
      else outer = element;
      inner = element;
    }
    inner.append(node);
    parent.append(outer);
  }
  return nodes;
}

function spanElement(span, last) {
  const element = document.createElement("span");
  element.className = "lsd-span" + (span.selected ? " selected" : "");
  element.dataset.region = span.key;
  element.style.setProperty("--span-color", span.color);
  element.style.setProperty("--span-fill", fill(span.color));
  if (last && span.label) element.dataset.label = span.label;
  return element;
}

// Mark the selected region's elements without redrawing the text.
export function markSelected(container, selectedId) {
  for (const element of container.querySelectorAll(".lsd-span")) {
    element.classList.toggle("selected", element.dataset.region === selectedId);
  }
}

// -- selections -----------------------------------------------------------------------------------

// The UTF-16 offset, within the text drawn in `container`, of a DOM boundary point; points
// before or after the container clamp to its ends. `starts` maps drawn text nodes to their offset.
export function unitOffset(container, starts, node, offset, length) {
  const whole = document.createRange();
  whole.selectNodeContents(container);
  const where = whole.comparePoint(node, offset);
  if (where < 0) return 0;
  if (where > 0) return length;
  if (node.nodeType === Node.TEXT_NODE && starts.has(node)) return starts.get(node) + offset;
  const before = document.createRange();
  before.setStart(container, 0);
  before.setEnd(node, offset);
  return before.toString().length;
}

// The current selection's range when it touches `container` and is not empty, else null.
function selectionIn(container) {
  const selection = window.getSelection();
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  if (!range.intersectsNode(container)) return null;
  // A selection from one object into another belongs to neither.
  const owner = container.closest(".lsd-object");
  for (const node of [range.startContainer, range.endContainer]) {
    const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    const other = element && element.closest(".lsd-object");
    if (other && other !== owner) return null;
  }
  return range;
}

export function clearSelection() {
  const selection = window.getSelection();
  if (selection) selection.removeAllRanges();
}

// When a mouse selection (or a click) ends anywhere: a selection inside `container` goes to
// `select(range, armed)` if labels of `objectName` are armed; a click without one selects the span it hit.
// Cleans up with the editor.
export function onSelectionEnd(ctx, container, objectName, select) {
  const listener = (event) => {
    if (event.button !== undefined && event.button !== 0) return;
    const range = selectionIn(container);
    if (!range) {
      clickSpan(ctx, container, event);
      return;
    }
    const armed = ctx.armedFor(objectName);
    if (armed.length) select(range, armed);
  };
  document.addEventListener("mouseup", listener);
  ctx.onCleanup(() => document.removeEventListener("mouseup", listener));
}

// A click (no text selected) on a drawn span selects its region, or unselects it.
function clickSpan(ctx, container, event) {
  if (!container.contains(event.target)) return;
  const span = event.target.closest ? event.target.closest(".lsd-span") : null;
  if (span && span.dataset.region && !span.dataset.region.startsWith("#")) {
    const id = span.dataset.region;
    ctx.store.select(ctx.store.selected === id ? null : id);
  } else if (ctx.store.selected) {
    ctx.store.select(null);
  }
}

// New span items, one per armed control, all with one region id.
export function addSpan(ctx, objectName, armed, place) {
  const id = newRegionId();
  ctx.store.change(() => {
    for (const { control, labels } of armed) {
      const type = control.tag.toLowerCase();
      ctx.store.add({ id, from_name: control.attrs.name, to_name: objectName, type, value: { ...place, [type]: labels } });
    }
  });
  return id;
}

// The regions on an object: [{key, id, items}] grouped by id (items without an id stand alone).
export function regionsOf(ctx, objectName, hasPlace) {
  const groups = new Map();
  ctx.store.items.forEach((item, index) => {
    if (item.type === "relation" || item.to_name !== objectName || !item.value || !hasPlace(item.value)) return;
    const key = item.id || `#${index}`;
    if (!groups.has(key)) groups.set(key, { key, id: item.id || null, items: [] });
    groups.get(key).items.push(item);
  });
  return [...groups.values()].filter((group) => !group.id || !ctx.store.hidden.has(group.id));
}

// A cheap fingerprint of what is drawn, so unrelated changes do not redraw large texts.
export function fingerprint(regions, placeOf) {
  return JSON.stringify(regions.map((region) => [region.key, placeOf(region.items[0]),
    region.items.map((item) => [item.from_name, item.value[item.type]])]));
}
