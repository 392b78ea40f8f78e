// <Collapse>: foldable <Panel value="title"> sections; with accordion (the default) opening one
// closes the others.

import { flag } from "../editor/config.js";

export default {
  name: "Collapse",
  kind: "visual",
  render(node, ctx) {
    const box = document.createElement("div");
    box.className = "lsd-collapse" + (flag(node, "bordered") ? " bordered" : "");
    const accordion = flag(node, "accordion", true);
    for (const child of node.children) {
      const element = ctx.render(child);
      if (!element) continue;
      if (accordion && element.tagName === "DETAILS") {
        const closeOthers = () => {
          for (const other of box.querySelectorAll(":scope > details[open]")) if (other !== element) other.open = false;
        };
        // The click closes the others at once; toggle covers panels opened another way.
        element.querySelector(":scope > summary").addEventListener("click", () => {
          if (!element.open) closeOthers();
        });
        element.addEventListener("toggle", () => {
          if (element.open) closeOthers();
        });
      }
      box.append(element);
    }
    return box;
  },
};
