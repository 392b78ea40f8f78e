// <TimeSeriesLabels>: the label bar of a TimeSeries; armed labels mark ranges dragged on the series
// (the TimeSeries makes the regions), and a label pressed with a range selected relabels it.

import { renderLabelsControl } from "../editor/labels-control.js";

export default {
  name: "TimeSeriesLabels",
  kind: "control",
  render: renderLabelsControl,
};
