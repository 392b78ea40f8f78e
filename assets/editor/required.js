// The `required` check controls share.

import { attr, flag } from "./config.js";
import { regionsOn } from "./targets.js";
import { visibleWhenHolds } from "./visibility.js";

// The ancestors of a node, nearest first.
function ancestors(root, target) {
  const path = [];
  const visit = (node) => {
    if (node === target) return true;
    for (const child of node.children) {
      if (visit(child)) {
        path.push(node);
        return true;
      }
    }
    return false;
  };
  visit(root);
  return path;
}

// The `required` check of classification controls: the whole object needs an answer, or
// with perRegion every region of its objects does (the first one missing is selected).
// A control hidden by a choice-based visibleWhen is not required.
export function validateRequired(node, ctx, answered = (item) => Boolean(item)) {
  const message = attr(node, "requiredMessage") || `"${node.attrs.name}" is required`;
  for (const scope of [node, ...ancestors(ctx.root, node)]) {
    const when = attr(scope, "visibleWhen") || "";
    if (when.startsWith("choice-") && !visibleWhenHolds(scope, ctx)) return null;
  }
  const name = node.attrs.name;
  if (!flag(node, "perRegion")) return ctx.store.itemsOf(name).some(answered) ? null : message;
  for (const id of regionsOn(node, ctx).keys()) {
    if (!answered(ctx.store.itemOf(name, id))) {
      ctx.store.select(id);
      return `${message} (every region needs it)`;
    }
  }
  return null;
}
