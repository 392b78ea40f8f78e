// <Channel>: one column of a TimeSeries; the TimeSeries draws it.

export default {
  name: "Channel",
  kind: "item",
  render() {
    return null;
  },
};
