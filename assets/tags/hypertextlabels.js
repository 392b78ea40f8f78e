// <HyperTextLabels>: the Labels bar for HyperText; spans are written with type "hypertextlabels".

import { renderLabelsControl } from "./labels.js";

export default {
  name: "HyperTextLabels",
  kind: "control",
  render: renderLabelsControl,
};
