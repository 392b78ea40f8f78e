// The Tasks page's filter builder: rows of field / operator / value joined by "all" (and) or "any" (or),
// over the fields of GET /api/tasks's `filter` — data keys, completion state, each control's labels in
// completions and predictions, annotator, scores, agreement, dates — and the quick filters that fill it.

import { parseConfig, walk } from "../editor/config.js";
import { h } from "../ui/dom.js";

const OPERATORS = {
  equal: "is", not_equal: "is not", contains: "contains", not_contains: "does not contain", empty: "is empty",
  less: "is less than", greater: "is greater than", between: "is between", in: "is one of", has: "has", any: "has any",
};
const STATES = [["labeled", "Labeled"], ["unlabeled", "Unlabeled"], ["skipped", "Skipped"], ["has_draft", "Has a draft"]];
const YES_NO = [["true", "yes"], ["false", "no"]];

// The quick filters of the toolbar. "Labeled" keeps the page's old meaning: any completion, skipped ones included.
export const PRESETS = [
  { key: "all", label: "All", hint: "Every task", filter: { conjunction: "and", items: [] } },
  { key: "labeled", label: "Labeled", hint: "Tasks with a completion, skipped ones included", filter: { conjunction: "or", items: [
    { field: "state", op: "equal", value: "labeled" }, { field: "state", op: "equal", value: "skipped" }] } },
  { key: "unlabeled", label: "Unlabeled", hint: "Tasks without any completion",
    filter: { conjunction: "and", items: [{ field: "state", op: "equal", value: "unlabeled" }] } },
  { key: "skipped", label: "Skipped", hint: "Tasks with a skipped completion",
    filter: { conjunction: "and", items: [{ field: "state", op: "equal", value: "skipped" }] } },
];

export const EMPTY_FILTER = { conjunction: "and", items: [] };

export function sameFilter(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

// The controls of a label config that draw results: [{name, tag, labels: [values]}]; [] without a config.
export function configControls(xml) {
  if (!xml) return [];
  let root;
  try {
    root = parseConfig(xml);
  } catch {
    return [];
  }
  const controls = [];
  for (const node of walk(root)) {
    if (!node.attrs.name || !node.attrs.toname) continue;
    const labels = node.children.filter((child) => child.attrs.value !== undefined).map((child) => child.attrs.alias || child.attrs.value);
    controls.push({ name: node.attrs.name, tag: node.tag, labels });
  }
  return controls;
}

// Each field: {key, label, group, ops: {op: valueKind}, options?}; valueKind is one of text, number,
// numbers, range, date, dates, bool, choice, true (nothing to enter).
export function filterFields(dataKeys, controls) {
  const fields = [{ key: "id", label: "Task ID", group: "Task", ops: { equal: "number", in: "numbers", between: "range" } }];
  for (const key of dataKeys) {
    fields.push({ key: `data.${key}`, label: key, group: "Data", ops: { contains: "text", not_contains: "text", equal: "text",
      not_equal: "text", empty: "bool", less: "number", greater: "number", between: "range" } });
  }
  fields.push({ key: "state", label: "State", group: "Task", ops: { equal: "choice" }, options: STATES });
  for (const [kind, title] of [["completions", "Completions"], ["predictions", "Predictions"]]) {
    for (const control of controls) {
      fields.push({ key: `${kind}.${control.name}`, label: `${control.name} (${control.tag})`, group: title,
        ops: { has: control.labels.length ? "choice" : "text", any: "bool" }, options: control.labels.map((label) => [label, label]) });
    }
  }
  fields.push(
    { key: "annotator", label: "Annotator", group: "Completions", ops: { equal: "text" } },
    { key: "prediction_score", label: "Prediction score", group: "Predictions", ops: { less: "number", greater: "number", between: "range" } },
    { key: "model_version", label: "Model version", group: "Predictions", ops: { equal: "text" } },
    { key: "agreement", label: "Agreement (0–1)", group: "Agreement", ops: { less: "number", greater: "number", between: "range" } },
    { key: "disagreement", label: "Annotators disagree", group: "Agreement", ops: { equal: "true" } },
    { key: "created_at", label: "Created", group: "Dates", ops: { between: "dates", less: "date", greater: "date" } },
    { key: "completed_at", label: "Completed", group: "Dates", ops: { between: "dates", less: "date", greater: "date" } },
    { key: "media_missing", label: "Media file missing", group: "Task", ops: { equal: "true" } },
  );
  return fields;
}

// The builder: `onApply(filter)` gets the complete rows (a row without its value is left out until filled).
export function filterBuilder(fields, { onApply }) {
  let conjunction = "and";
  let rows = []; // [{field, op, inputs: [elements], element}]
  const list = h("ol", { class: "filter-rows" });
  const match = h("select", { "aria-label": "Match", onchange: () => { conjunction = match.value; apply(); } },
    h("option", { value: "and" }, "all of"), h("option", { value: "or" }, "any of"));
  const element = h("form", { class: "filter-builder", "aria-label": "Filters", onsubmit: (event) => { event.preventDefault(); apply(); } },
    h("div", { class: "filter-head" }, h("span", {}, "Tasks matching "), match, h("span", {}, " these filters")),
    list,
    h("div", { class: "filter-foot" },
      h("button", { type: "button", onclick: () => { addRow(); focusLast(); } }, "+ Add filter"),
      h("button", { type: "submit", class: "primary" }, "Apply"),
      h("button", { type: "button", onclick: () => { set(EMPTY_FILTER); apply(); } }, "Clear filters")));

  function fieldOf(key) {
    return fields.find((field) => field.key === key) ?? null;
  }

  function addRow(item = null) {
    const field = fieldOf(item?.field) ?? fields.find((candidate) => candidate.group === "Data") ?? fields[0];
    const row = { field, op: item && field.ops[item.op] ? item.op : Object.keys(field.ops)[0], inputs: [], element: h("li", { class: "filter-row" }) };
    rows.push(row);
    list.append(row.element);
    drawRow(row, item?.value);
    renumber();
  }

  function drawRow(row, value) {
    const number = rows.indexOf(row) + 1;
    const fieldSelect = h("select", { "aria-label": `Field ${number}`, class: "filter-field",
      onchange: () => { row.field = fieldOf(fieldSelect.value); row.op = Object.keys(row.field.ops)[0]; drawRow(row); } },
      groupedOptions(fields, row.field.key));
    const opSelect = h("select", { "aria-label": `Operator ${number}`, class: "filter-op",
      onchange: () => { row.op = opSelect.value; drawRow(row); } },
      Object.keys(row.field.ops).map((op) => h("option", { value: op, selected: op === row.op }, OPERATORS[op])));
    row.inputs = valueInputs(row.field, row.field.ops[row.op], value, number);
    row.element.replaceChildren(fieldSelect, opSelect, ...row.inputs,
      h("button", { type: "button", class: "remove", "aria-label": `Remove filter ${number}`,
        onclick: () => { rows = rows.filter((other) => other !== row); row.element.remove(); renumber(); apply(); } }, "×"));
  }

  function renumber() {
    rows.forEach((row, index) => {
      const number = index + 1;
      const [field, op, ...rest] = row.element.querySelectorAll("select, input, button");
      field?.setAttribute("aria-label", `Field ${number}`);
      op?.setAttribute("aria-label", `Operator ${number}`);
      for (const control of rest) {
        const label = control.getAttribute("aria-label") ?? "";
        control.setAttribute("aria-label", label.replace(/\d+$/, String(number)));
      }
    });
  }

  function focusLast() {
    rows.at(-1)?.element.querySelector("select")?.focus();
  }

  function apply() {
    onApply(current());
  }

  // The filter the rows say, leaving out rows whose value is not filled in yet.
  function current() {
    const items = rows.map((row) => {
      const value = readValue(row.field.ops[row.op], row.inputs, row.field.key.startsWith("data.") && row.op.endsWith("equal"));
      return value === undefined ? null : { field: row.field.key, op: row.op, value };
    }).filter(Boolean);
    return { conjunction, items };
  }

  function set(filter) {
    conjunction = filter.conjunction === "or" ? "or" : "and";
    match.value = conjunction;
    rows = [];
    list.replaceChildren();
    for (const item of filter.items ?? []) addRow(item);
  }

  return { element, set, current };
}

function groupedOptions(fields, selected) {
  const groups = [...new Set(fields.map((field) => field.group))];
  return groups.map((group) => h("optgroup", { label: group },
    fields.filter((field) => field.group === group).map((field) => h("option", { value: field.key, selected: field.key === selected }, field.label))));
}

function valueInputs(field, kind, value, number) {
  const label = `Value ${number}`;
  if (kind === "true") return [];
  if (kind === "choice" || kind === "bool") {
    const options = kind === "bool" ? YES_NO : field.options;
    const wanted = value === undefined ? null : String(value);
    return [h("select", { "aria-label": label, class: "filter-value" },
      options.map(([optionValue, text]) => h("option", { value: optionValue, selected: optionValue === wanted }, text)))];
  }
  if (kind === "range" || kind === "dates") {
    const type = kind === "dates" ? "date" : "number";
    const [low, high] = Array.isArray(value) ? value : [null, null];
    return [
      h("input", { type, step: "any", "aria-label": `From ${number}`, class: "filter-value", value: low === null ? "" : String(low).slice(0, kind === "dates" ? 10 : undefined) }),
      h("span", { class: "filter-and" }, "and"),
      h("input", { type, step: "any", "aria-label": `To ${number}`, class: "filter-value", value: high === null ? "" : String(high).slice(0, kind === "dates" ? 10 : undefined) }),
    ];
  }
  const type = kind === "number" ? "number" : kind === "date" ? "date" : "text";
  const shown = value === undefined || value === null ? "" : Array.isArray(value) ? value.join(", ") : String(value);
  return [h("input", { type, step: kind === "number" ? "any" : null, "aria-label": label, class: "filter-value",
    placeholder: kind === "numbers" ? "1, 2, 3" : null, value: kind === "date" ? shown.slice(0, 10) : shown })];
}

// The JSON value of a row's inputs, or undefined while it is incomplete; `numeric` sends a text that reads
// as a number as one, so data values are compared as numbers (contract: "numbers compared as numbers").
function readValue(kind, inputs, numeric) {
  if (kind === "true") return true;
  const texts = inputs.filter((input) => input.tagName !== "SPAN").map((input) => input.value.trim());
  if (kind === "bool") return texts[0] === "true";
  if (kind === "range" || kind === "dates") {
    const [low, high] = texts.map((text) => (text === "" ? null : kind === "range" ? Number(text) : text));
    if (low === null && high === null) return undefined;
    if (kind === "range" && (low === null || high === null)) return undefined;
    return [low, high];
  }
  const [text] = texts;
  if (text === "") return undefined;
  if (kind === "number") return Number.isFinite(Number(text)) ? Number(text) : undefined;
  if (kind === "numbers") {
    const numbers = text.split(/[\s,]+/).filter(Boolean).map(Number);
    return numbers.every(Number.isInteger) ? numbers : undefined;
  }
  return numeric && /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
}
