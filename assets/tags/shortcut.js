// <Shortcut>: a phrase a TextArea inserts by button or hotkey; the TextArea draws it.

export default {
  name: "Shortcut",
  kind: "item",
  render() {
    return null;
  },
};
