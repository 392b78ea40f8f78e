// <Labels>: the label bar of a generic labels control. Armed labels become spans when text is
// selected in a Text, HyperText or Paragraphs object (those tags make the spans); on an Image
// the bar only arms labels for the shape tools. `value="$field"` builds the labels from task data.

import { renderLabelsControl } from "../editor/labels-control.js";

export default {
  name: "Labels",
  kind: "control",
  render: renderLabelsControl,
};
