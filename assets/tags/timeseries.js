// <TimeSeries>: channels of a CSV/TSV (valueType="url") or of inline JSON columns (valueType="json")
// on one time axis, with an overview strip to zoom and pan. Dragging with a TimeSeriesLabels label
// armed marks a range {start, end, instant, timeserieslabels}; a click marks an instant.

import { TimeSeriesView } from "../editor/timeseries-view.js";

export default {
  name: "TimeSeries",
  kind: "object",
  render(node, ctx) {
    if (!node.attrs.name) throw new Error("a TimeSeries needs a name");
    const view = new TimeSeriesView(node, ctx);
    ctx.objects.set(node.attrs.name, view.api());
    return view.element;
  },
};
