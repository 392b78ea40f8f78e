// <HyperTextLabels>: the Labels bar for HyperText; spans are written with type "hypertextlabels".

import { renderLabelsControl } from "../editor/labels-control.js";

export default {
  name: "HyperTextLabels",
  kind: "control",
  render: renderLabelsControl,
};
