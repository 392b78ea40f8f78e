// <Paragraphs>: a list of {author, text} phrases (nameKey/textKey), plain or as a dialogue;
// spans {start, end, startOffset, endOffset, text} use phrase indices and code-point offsets
// inside the first and last phrase.

import { attr } from "../editor/config.js";
import { colorFor } from "../editor/colors.js";
import {
  addSpan, clearSelection, codePointIndex, fingerprint, granularityFor, markSelected, onSelectionEnd, regionLook,
  regionsOf, renderRuns, savesText, snap, spanObject,
} from "../editor/spans.js";

export default {
  name: "Paragraphs",
  kind: "object",
  render(node, ctx) {
    return spanObject(node, { objectClass: "lsd-paragraphs-object",
      contentClass: `lsd-paragraphs${attr(node, "layout") === "dialogue" ? " lsd-dialogue" : ""}`, what: "paragraphs",
      load: () => loadPhrases(node, ctx), show: (content, phrases) => showPhrases(node, ctx, content, phrases) }).box;
  },
};

async function loadPhrases(node, ctx) {
  let value = ctx.resolve(node.attrs.value);
  if (attr(node, "valueType") === "url" && typeof value === "string") {
    const response = await fetch(value);
    if (!response.ok) throw new Error(`${response.status} ${response.statusText} for ${value}`);
    value = await response.json();
  }
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      value = [{ text: value }];
    }
  }
  const nameKey = attr(node, "nameKey", "author");
  const textKey = attr(node, "textKey", "text");
  return (Array.isArray(value) ? value : []).map((phrase) => {
    const text = phrase && typeof phrase === "object" ? phrase[textKey] : phrase;
    return {
      author: phrase && typeof phrase === "object" && phrase[nameKey] !== undefined ? String(phrase[nameKey]) : "",
      text: text === undefined || text === null ? "" : String(text),
    };
  });
}

const index = (value) => (typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN);
const hasPhrasePlace = (value) => !Number.isNaN(index(value.start)) && !Number.isNaN(index(value.end))
  && typeof value.startOffset === "number" && typeof value.endOffset === "number";

function showPhrases(node, ctx, content, phrases) {
  const name = node.attrs.name;
  const dialogue = attr(node, "layout") === "dialogue";
  const indexes = phrases.map((phrase) => codePointIndex(phrase.text));
  const authors = [...new Set(phrases.map((phrase) => phrase.author))];
  ctx.objects.set(name, { kind: "paragraphs", phrases });
  const rows = [];
  const texts = [];
  phrases.forEach((phrase, i) => {
    const row = document.createElement("div");
    row.className = "lsd-phrase";
    row.dataset.index = String(i);
    if (phrase.author) {
      const author = document.createElement("span");
      author.className = "lsd-phrase-author";
      author.textContent = phrase.author;
      if (dialogue) row.style.setProperty("--author-color", colorFor(phrase.author));
      row.append(author);
    }
    const text = document.createElement("span");
    text.className = "lsd-phrase-text";
    row.append(text);
    if (dialogue && authors.indexOf(phrase.author) % 2 === 1) row.classList.add("lsd-phrase-other");
    rows.push(row);
    texts.push(text);
  });
  content.replaceChildren(...rows);
  let starts = texts.map(() => new Map());

  let drawn = null;
  const draw = () => {
    const regions = regionsOf(ctx, name, hasPhrasePlace);
    const print = fingerprint(regions, (item) => [item.value.start, item.value.end, item.value.startOffset, item.value.endOffset]);
    if (print === drawn) {
      markSelected(content, ctx.store.selected);
      return;
    }
    drawn = print;
    const looks = regions.map((region) => ({ region, look: regionLook(ctx, region.items) }));
    texts.forEach((element, i) => {
      const phrase = phrases[i].text;
      const spans = [];
      for (const { region, look } of looks) {
        const value = region.items[0].value;
        const [first, last] = [index(value.start), index(value.end)];
        if (i < first || i > last) continue;
        const start = i === first ? indexes[i].toUnits(value.startOffset) : 0;
        const end = i === last ? indexes[i].toUnits(value.endOffset) : phrase.length;
        spans.push({ key: region.key, start, end, selected: region.id !== null && region.id === ctx.store.selected, ...look });
      }
      const fragment = document.createDocumentFragment();
      starts[i] = new Map(renderRuns(fragment, phrase, spans).map((piece) => [piece.node, piece.start]));
      element.replaceChildren(fragment);
    });
  };

  // A DOM boundary → [phrase index, UTF-16 offset in it]; points between phrases go to the
  // next phrase's start (isEnd: the previous phrase's end).
  const locate = (container, offset, isEnd) => {
    for (let i = 0; i < texts.length; i++) {
      const range = document.createRange();
      range.selectNodeContents(texts[i]);
      const where = range.comparePoint(container, offset);
      if (where === 0) {
        if (container.nodeType === Node.TEXT_NODE && starts[i].has(container)) return [i, starts[i].get(container) + offset];
        range.setEnd(container, offset);
        return [i, range.toString().length];
      }
      if (where < 0) return isEnd ? (i === 0 ? [0, 0] : [i - 1, phrases[i - 1].text.length]) : [i, 0];
    }
    const last = texts.length - 1;
    return isEnd ? [last, phrases[last].text.length] : [last, phrases[last].text.length];
  };

  onSelectionEnd(ctx, content, name, (range, armed) => {
    if (!texts.length) return;
    let [first, start] = locate(range.startContainer, range.startOffset, false);
    let [last, end] = locate(range.endContainer, range.endOffset, true);
    const granularity = granularityFor(node, ctx, armed);
    if (first === last) [start, end] = snap(phrases[first].text, start, end, granularity);
    else {
      start = snap(phrases[first].text, start, phrases[first].text.length, granularity)[0];
      end = snap(phrases[last].text, 0, end, granularity)[1];
    }
    if (first > last || (first === last && end <= start)) return;
    clearSelection();
    const place = { start: first, end: last, startOffset: indexes[first].toPoints(start), endOffset: indexes[last].toPoints(end) };
    if (savesText(node)) {
      place.text = first === last ? phrases[first].text.slice(start, end)
        : [phrases[first].text.slice(start), ...phrases.slice(first + 1, last).map((p) => p.text), phrases[last].text.slice(0, end)].join("\n");
    }
    addSpan(ctx, name, armed, place);
  });

  ctx.store.subscribe(draw);
  draw();
}
