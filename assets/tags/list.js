// <List>: the items a Ranker orders; the Ranker draws them, so the list itself shows nothing.

export default {
  name: "List",
  kind: "object",
  render() {
    return null;
  },
};
