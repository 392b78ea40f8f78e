// <Choice>: an option of Choices or Taxonomy; its parent draws it.

export default {
  name: "Choice",
  kind: "item",
  render() {
    return null;
  },
};
