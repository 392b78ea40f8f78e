// <Label>: one label of a Labels or *Labels control; the control draws it in its label bar.

export default {
  name: "Label",
  kind: "item",
  render() {
    return null;
  },
};
