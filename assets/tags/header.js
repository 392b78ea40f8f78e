// <Header>: a heading from `value` (static text or a $var) or the tag's own text.

export default {
  name: "Header",
  kind: "visual",
  render(node, ctx) {
    const level = Math.min(6, Math.max(1, Number(node.attrs.size) || 4));
    const heading = document.createElement(`h${level}`);
    heading.className = "lsd-header";
    heading.textContent = String(ctx.resolve(node.attrs.value ?? node.text) ?? "");
    if (node.attrs.style) heading.style.cssText = node.attrs.style;
    if (node.attrs.underline === "true") heading.style.textDecoration = "underline";
    return heading;
  },
};
