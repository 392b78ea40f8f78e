// <Image>: the picture with its regions (rectangles, polygons, key points, ellipses) and relation arrows;
// draws with the image controls that point at it, zooms with ctrl+wheel, pans with h / middle or shift drag;
// with valueList, several images in one task, one at a time with a pager (regions carry item_index).

import { ImageView } from "../editor/image-view.js";

export default {
  name: "Image",
  kind: "object",
  render(node, ctx) {
    if (!node.attrs.name) throw new Error("an Image needs a name");
    const view = new ImageView(node, ctx);
    ctx.objects.set(node.attrs.name, view.api());
    return view.element;
  },
};
