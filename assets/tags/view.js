// <View>: a box that lays out its children; `style` and `className` as written in the config.

import { bindVisibility } from "../editor/visibility.js";

export default {
  name: "View",
  kind: "visual",
  render(node, ctx) {
    const box = document.createElement("div");
    box.className = ["lsd-view", node.attrs.classname].filter(Boolean).join(" ");
    if (node.attrs.style) box.style.cssText = node.attrs.style;
    if (node.attrs.display === "inline") box.style.display = "inline-block";
    ctx.renderChildren(node, box);
    bindVisibility(node, ctx, box);
    return box;
  },
};
