// <Relations>: the list of relations between regions, with their direction and <Relation> labels.
// Select a region, press alt+r, then select another region to link them.

import { renderRelationList } from "../editor/image-relations.js";

export default {
  name: "Relations",
  kind: "control",
  render(node, ctx) {
    return renderRelationList(ctx, node);
  },
};
