// <ParagraphLabels>: the Labels bar for Paragraphs; spans are written with type "paragraphlabels".

import { renderLabelsControl } from "../editor/labels-control.js";

export default {
  name: "ParagraphLabels",
  kind: "control",
  render: renderLabelsControl,
};
