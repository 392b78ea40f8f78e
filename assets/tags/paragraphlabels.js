// <ParagraphLabels>: the Labels bar for Paragraphs; spans are written with type "paragraphlabels".

import { renderLabelsControl } from "./labels.js";

export default {
  name: "ParagraphLabels",
  kind: "control",
  render: renderLabelsControl,
};
