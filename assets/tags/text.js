// <Text>: plain text shown as text (never as HTML); selecting text with a label armed makes a span
// {start, end, text, labels} in Unicode code points, end exclusive.

import { attr } from "../editor/config.js";
import {
  addSpan, clearSelection, codePointIndex, fingerprint, granularityFor, loadText, markSelected, onSelectionEnd,
  regionLook, regionsOf, renderRuns, savesText, snap, spanObject, unitOffset,
} from "../editor/spans.js";

export default {
  name: "Text",
  kind: "object",
  render(node, ctx) {
    return spanObject(node, { objectClass: "lsd-text-object", contentClass: "lsd-text htx-text", what: "text",
      load: () => loadText(node, ctx), show: (content, text) => showText(node, ctx, content, text) }).box;
  },
};

// -- the Text object ------------------------------------------------------------------------------

const hasTextPlace = (value) => typeof value.start === "number" && typeof value.end === "number";

function showText(node, ctx, content, text) {
  const name = node.attrs.name;
  const points = codePointIndex(text);
  ctx.objects.set(name, { kind: "text", text });
  let starts = new Map();
  let drawn = null;

  const draw = () => {
    const regions = regionsOf(ctx, name, hasTextPlace);
    const print = fingerprint(regions, (item) => [item.value.start, item.value.end]);
    if (print !== drawn) {
      drawn = print;
      const spans = regions.map((region) => {
        const { start, end } = region.items[0].value;
        return { key: region.key, start: points.toUnits(start), end: points.toUnits(end),
          selected: region.id !== null && region.id === ctx.store.selected, ...regionLook(ctx, region.items) };
      });
      const fragment = document.createDocumentFragment();
      starts = new Map(renderRuns(fragment, text, spans).map(({ node: textNode, start }) => [textNode, start]));
      content.replaceChildren(fragment);
    } else {
      markSelected(content, ctx.store.selected);
    }
  };

  // selectionEnabled="false" also leaves clicks on spans alone.
  if (attr(node, "selectionEnabled") !== "false") onSelectionEnd(ctx, content, name, (range, armed) => {
    let start = unitOffset(content, starts, range.startContainer, range.startOffset, text.length);
    let end = unitOffset(content, starts, range.endContainer, range.endOffset, text.length);
    [start, end] = snap(text, start, end, granularityFor(node, ctx, armed));
    if (end <= start) return;
    clearSelection();
    const place = { start: points.toPoints(start), end: points.toPoints(end) };
    if (savesText(node)) place.text = text.slice(start, end);
    addSpan(ctx, name, armed, place);
  });

  ctx.store.subscribe(draw);
  draw();
}
