// The regions list beside the task: every region with its labels; select, hide, delete.

function labelsOf(items) {
  const labels = [];
  for (const item of items) {
    const value = item.value || {};
    const list = value[item.type];
    if (Array.isArray(list)) for (const label of list) if (typeof label === "string") labels.push(label);
  }
  return labels;
}

export function renderRegionList(ctx) {
  const { store } = ctx;
  const panel = document.createElement("section");
  panel.className = "lsd-regions";
  const heading = document.createElement("h3");
  heading.textContent = "Regions";
  const list = document.createElement("ol");
  list.setAttribute("aria-label", "Regions");
  panel.append(heading, list);
  const draw = () => {
    const ids = store.regionIds().filter((id) => store.region(id).some((item) => item.value && isRegion(item)));
    heading.textContent = `Regions (${ids.length})`;
    list.replaceChildren(...ids.map((id) => regionRow(ctx, id)));
  };
  store.subscribe(draw);
  draw();
  return panel;
}

// A result item that marks a place in the data (has geometry or a span), not a whole-task answer.
function isRegion(item) {
  const value = item.value;
  return ["x", "points", "start", "startOffset"].some((key) => key in value);
}

function regionRow(ctx, id) {
  const { store } = ctx;
  const items = store.region(id);
  const row = document.createElement("li");
  row.className = "lsd-region" + (store.selected === id ? " selected" : "") + (store.hidden.has(id) ? " hidden" : "");
  row.dataset.regionId = id;
  const name = document.createElement("button");
  name.type = "button";
  name.className = "lsd-region-name";
  const text = items.find((item) => item.value && typeof item.value.text === "string" && item.type !== "textarea");
  const time = items.find((item) => ctx.objects?.get(item.to_name)?.tag === "Audio" && typeof item.value?.start === "number");
  name.textContent = [labelsOf(items).join(", ") || "(no label)", text ? `“${text.value.text.slice(0, 40)}”` : "",
    time ? `${time.value.start.toFixed(2)}–${time.value.end.toFixed(2)} s` : ""]
    .filter(Boolean).join(" ");
  name.addEventListener("click", () => store.select(store.selected === id ? null : id));
  const eye = document.createElement("button");
  eye.type = "button";
  eye.className = "lsd-region-hide";
  eye.textContent = store.hidden.has(id) ? "show" : "hide";
  eye.setAttribute("aria-label", `${store.hidden.has(id) ? "Show" : "Hide"} region`);
  eye.addEventListener("click", () => store.toggleHidden(id));
  const remove = document.createElement("button");
  remove.type = "button";
  remove.className = "lsd-region-delete";
  remove.textContent = "×";
  remove.setAttribute("aria-label", "Delete region");
  remove.addEventListener("click", () => store.change(() => store.removeRegion(id)));
  row.append(name, eye, remove);
  return row;
}
