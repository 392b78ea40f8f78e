// <Relation>: one label a <Relations> tag offers; the Relations tag draws it.

export default {
  name: "Relation",
  kind: "item",
  render() {
    return null;
  },
};
