// <HyperText>: task HTML shown sanitised (parsed inertly, only an allowlist of elements and
// attributes kept: no script, event handler, frame, object, form, style sheet or javascript: URL),
// and spans on it as Label Studio writes them: XPaths of text nodes relative to the content
// root, offsets inside them and globalOffsets over all its text (code points).

import { attr } from "../editor/config.js";
import {
  addSpan, clearSelection, codePointIndex, fingerprint, granularityFor, loadText, markSelected, onSelectionEnd,
  regionLook, regionsOf, renderRuns, savesText, snap, spanObject, unitOffset,
} from "../editor/spans.js";

// Elements kept as they are; any other element is replaced by its (sanitised) content,
// except the DROPPED ones, which go with everything inside them.
const KEPT = new Set(("a abbr address article aside b bdi bdo big blockquote br caption center cite code col colgroup dd "
  + "del details dfn div dl dt em figcaption figure font footer h1 h2 h3 h4 h5 h6 header hgroup hr i img ins kbd li main "
  + "mark nav ol p pre q rp rt ruby s samp section small span strike strong sub summary sup table tbody td tfoot th "
  + "thead time tr tt u ul var wbr label legend fieldset").split(" "));
const DROPPED = new Set(("script style iframe frame frameset object embed applet template noscript svg math link meta "
  + "base title head input button select textarea option optgroup datalist canvas audio video source track "
  + "portal dialog slot noembed noframes xmp plaintext param").split(" "));
const ATTRIBUTES = new Set(("title lang dir align valign width height border cellpadding cellspacing colspan rowspan "
  + "headers scope span color bgcolor face size alt start reversed type datetime abbr nowrap open").split(" "));
const URL_ATTRIBUTES = { href: ["a"], src: ["img"], cite: ["blockquote", "q", "del", "ins"] };
const UNSAFE_STYLE = /url\s*\(|image-set|expression\s*\(|javascript:|@import|behavior|binding|\\/i;

function safeUrl(value, image) {
  try {
    const url = new URL(value.trim(), document.baseURI);
    if (url.protocol === "http:" || url.protocol === "https:") return true;
    if (!image && url.protocol === "mailto:") return true;
    return image && url.protocol === "data:" && /^data:image\//i.test(value.trim());
  } catch {
    return false;
  }
}

function cleanAttributes(element) {
  const tag = element.localName;
  for (const { name, value } of [...element.attributes]) {
    let keep = false;
    if (name in URL_ATTRIBUTES) keep = URL_ATTRIBUTES[name].includes(tag) && safeUrl(value, name === "src");
    else if (name === "style") keep = !UNSAFE_STYLE.test(value);
    else if (name === "class") keep = true;
    else keep = ATTRIBUTES.has(name);
    if (!keep) element.removeAttribute(name);
  }
  if (element.hasAttribute("class")) {
    const classes = element.getAttribute("class").split(/\s+/).filter((name) => name && !name.startsWith("lsd"));
    if (classes.length) element.setAttribute("class", classes.join(" "));
    else element.removeAttribute("class");
  }
  if (element.style && /fixed|sticky/i.test(element.style.position)) element.style.removeProperty("position");
}

function clean(parent) {
  for (const child of [...parent.childNodes]) {
    if (child.nodeType === Node.TEXT_NODE || child.nodeType === Node.COMMENT_NODE) continue;
    if (child.nodeType !== Node.ELEMENT_NODE) {
      child.remove();
      continue;
    }
    const tag = child.localName;
    if (child.namespaceURI !== "http://www.w3.org/1999/xhtml" || DROPPED.has(tag)) {
      child.remove();
      continue;
    }
    clean(child);
    if (KEPT.has(tag)) cleanAttributes(child);
    else child.replaceWith(...child.childNodes);
  }
}

// The sanitised HTML as the <body> of an inert document (nothing in it runs or loads).
export function sanitize(html) {
  const doc = new DOMParser().parseFromString(html, "text/html");
  clean(doc.body);
  doc.body.normalize();
  return doc.body;
}

// -- XPaths --------------------------------------------------------------------------------------

// "/div[1]/p[2]/text()[1]" for a node under root.
export function xpathOf(node, root) {
  const steps = [];
  for (let current = node; current && current !== root; current = current.parentNode) {
    let index = 1;
    if (current.nodeType === Node.TEXT_NODE) {
      for (let sibling = current.previousSibling; sibling; sibling = sibling.previousSibling) if (sibling.nodeType === Node.TEXT_NODE) index += 1;
      steps.push(`text()[${index}]`);
    } else {
      for (let sibling = current.previousSibling; sibling; sibling = sibling.previousSibling) if (sibling.localName === current.localName) index += 1;
      steps.push(`${current.localName}[${index}]`);
    }
  }
  return "/" + steps.reverse().join("/");
}

// The node an XPath of that form names under root, or null.
export function nodeAt(xpath, root) {
  if (typeof xpath !== "string") return null;
  let current = root;
  for (const step of xpath.split("/").filter(Boolean)) {
    const found = /^(text\(\)|[\w-]+)(?:\[(\d+)\])?$/.exec(step.trim());
    if (!found || !current) return null;
    const [, name, position] = found;
    let count = Number(position || 1);
    let next = null;
    for (const child of current.childNodes) {
      const match = name === "text()" ? child.nodeType === Node.TEXT_NODE
        : child.nodeType === Node.ELEMENT_NODE && child.localName === name.toLowerCase();
      if (match && (count -= 1) === 0) {
        next = child;
        break;
      }
    }
    current = next;
  }
  return current;
}

// -- the HyperText object ------------------------------------------------------------------------

export default {
  name: "HyperText",
  kind: "object",
  render(node, ctx) {
    const { box, content } = spanObject(node, { objectClass: "lsd-hypertext-object",
      contentClass: "lsd-hypertext htx-richtext", what: "HTML", load: () => loadText(node, ctx),
      show: (element, html) => showHtml(node, ctx, element, sanitize(html)) });
    if (attr(node, "clickableLinks") !== "true") {
      content.addEventListener("click", (event) => {
        if (event.target.closest && event.target.closest("a")) event.preventDefault();
      });
    }
    return box;
  },
};

const hasHtmlPlace = (value) => typeof value.startOffset === "number" || (value.globalOffsets && typeof value.globalOffsets.start === "number");

function showHtml(node, ctx, content, pristine) {
  const name = node.attrs.name;
  const clickable = attr(node, "clickableLinks") === "true";
  // Every text node of the pristine content with its offset (UTF-16) in the whole text.
  const texts = [];
  const textStart = new Map();
  let whole = "";
  const walker = pristine.ownerDocument.createTreeWalker(pristine, NodeFilter.SHOW_TEXT);
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    texts.push({ node: text, start: whole.length });
    textStart.set(text, whole.length);
    whole += text.data;
  }
  const points = codePointIndex(whole);
  ctx.objects.set(name, { kind: "hypertext", text: whole });

  // A stored boundary (xpath + code-point offset) → UTF-16 offset in the whole text, or null.
  const unitsAt = (xpath, offset) => {
    const target = nodeAt(xpath, pristine);
    if (!target || typeof offset !== "number") return null;
    if (target.nodeType === Node.TEXT_NODE) {
      return textStart.get(target) + Math.min(target.length, codePointIndex(target.data).toUnits(offset));
    }
    const range = pristine.ownerDocument.createRange();
    range.setStart(pristine, 0);
    range.setEnd(target, Math.min(offset, target.childNodes.length));
    return range.toString().length;
  };
  // A region's [start, end) in UTF-16 units of the whole text, from its XPaths or its globalOffsets.
  const unitsOf = (value) => {
    const start = unitsAt(value.start, value.startOffset);
    const end = unitsAt(value.end, value.endOffset);
    if (start !== null && end !== null && end >= start) return [start, end];
    const global = value.globalOffsets;
    if (global && typeof global.start === "number") return [points.toUnits(global.start), points.toUnits(global.end)];
    return null;
  };
  // A UTF-16 offset in the whole text → {xpath, offset (code points in that node)}.
  const boundary = (units, isEnd) => {
    let lo = 0;
    let hi = texts.length - 1;
    while (lo < hi) { // the last text node starting at or before units (before, for an end)
      const mid = (lo + hi + 1) >> 1;
      if (isEnd ? texts[mid].start < units : texts[mid].start <= units) lo = mid;
      else hi = mid - 1;
    }
    const { node: text, start } = texts[lo];
    const local = Math.max(0, Math.min(text.length, units - start));
    return { xpath: xpathOf(text, pristine), offset: codePointIndex(text.data).toPoints(local) };
  };

  let starts = new Map();
  let drawn = null;
  const draw = () => {
    const regions = regionsOf(ctx, name, hasHtmlPlace);
    const print = fingerprint(regions, (item) => [item.value.start, item.value.startOffset, item.value.end,
      item.value.endOffset, item.value.globalOffsets]);
    if (print === drawn) {
      markSelected(content, ctx.store.selected);
      return;
    }
    drawn = print;
    const spans = [];
    for (const region of regions) {
      const units = unitsOf(region.items[0].value);
      if (units) spans.push({ key: region.key, start: units[0], end: units[1],
        selected: region.id !== null && region.id === ctx.store.selected, ...regionLook(ctx, region.items) });
    }
    const copy = document.importNode(pristine, true);
    const copies = [];
    const copyWalker = document.createTreeWalker(copy, NodeFilter.SHOW_TEXT);
    for (let text = copyWalker.nextNode(); text; text = copyWalker.nextNode()) copies.push(text);
    starts = new Map();
    copies.forEach((text, index) => {
      const start = texts[index].start;
      const end = start + text.length;
      const local = spans.filter((span) => span.start < end && span.end > start)
        .map((span) => ({ ...span, start: span.start - start, end: span.end - start }));
      if (!local.length) {
        starts.set(text, start);
        return;
      }
      const fragment = document.createDocumentFragment();
      for (const piece of renderRuns(fragment, text.data, local)) starts.set(piece.node, start + piece.start);
      text.replaceWith(fragment);
    });
    if (clickable) {
      for (const link of copy.querySelectorAll("a[href]")) Object.assign(link, { target: "_blank", rel: "noopener noreferrer" });
    }
    content.replaceChildren(...copy.childNodes);
  };

  onSelectionEnd(ctx, content, name, (range, armed) => {
    if (!texts.length) return;
    let start = unitOffset(content, starts, range.startContainer, range.startOffset, whole.length);
    let end = unitOffset(content, starts, range.endContainer, range.endOffset, whole.length);
    [start, end] = snap(whole, start, end, granularityFor(node, ctx, armed));
    if (end <= start) return;
    clearSelection();
    const from = boundary(start, false);
    const to = boundary(end, true);
    const place = { start: from.xpath, startOffset: from.offset, end: to.xpath, endOffset: to.offset,
      globalOffsets: { start: points.toPoints(start), end: points.toPoints(end) } };
    if (savesText(node)) place.text = whole.slice(start, end);
    addSpan(ctx, name, armed, place);
  });

  ctx.store.subscribe(draw);
  draw();
}
