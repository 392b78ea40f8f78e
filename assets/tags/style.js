// <Style>: the config's own CSS, applied while the editor is open.

export default {
  name: "Style",
  kind: "visual",
  render(node) {
    const style = document.createElement("style");
    style.textContent = node.text;
    return style;
  },
};
