// <Table>: a dict shown as key/value rows, keys sorted case-insensitively, values as text.

export default {
  name: "Table",
  kind: "object",
  render(node, ctx) {
    let value = ctx.resolve(node.attrs.value);
    if (typeof value === "string") {
      try {
        value = JSON.parse(value);
      } catch {
        value = { value };
      }
    }
    const table = document.createElement("table");
    table.className = "lsd-object lsd-table";
    table.setAttribute("aria-label", node.attrs.name || "table");
    const body = document.createElement("tbody");
    const entries = value && typeof value === "object" ? Object.entries(value) : [];
    entries.sort(([a], [b]) => {
      const [x, y] = [a.toLowerCase(), b.toLowerCase()];
      return x < y ? -1 : x > y ? 1 : 0;
    });
    for (const [key, cell] of entries) {
      const row = document.createElement("tr");
      const head = document.createElement("th");
      head.scope = "row";
      head.textContent = key;
      const data = document.createElement("td");
      data.textContent = cell !== null && typeof cell === "object" ? JSON.stringify(cell) : String(cell ?? "");
      row.append(head, data);
      body.append(row);
    }
    table.append(body);
    ctx.objects.set(node.attrs.name, { kind: "table", value });
    return table;
  },
};
