// <Panel value="title">: a foldable section (inside Collapse, or on its own).

export function renderPanel(node, ctx) {
  const details = document.createElement("details");
  details.className = "lsd-panel";
  const summary = document.createElement("summary");
  summary.textContent = String(ctx.resolve(node.attrs.value ?? "") ?? "");
  const body = document.createElement("div");
  body.className = "lsd-panel-body";
  ctx.renderChildren(node, body);
  details.append(summary, body);
  return details;
}

export default {
  name: "Panel",
  kind: "visual",
  render: renderPanel,
};
