// What the Import page offers when the server refused an import for a reason the user can settle in
// place: a key the config reads that the files lack (map a file's key to it for this import, or change
// the config on Setup), and tasks whose data is already in the project (import anyway, or skip them).

import { h, plural } from "../ui/dom.js";

// `missing` is the refusal's missing_keys ({file, row, key, present, ...} per file and key); `retry(map)`
// repeats the import with `map` = {file key: config key}.
export function keyMappingFix(missing, retry) {
  const candidates = new Map(); // config key -> the keys the files have instead
  for (const entry of missing) {
    const keys = candidates.get(entry.key) ?? new Set();
    for (const key of entry.present) keys.add(key);
    candidates.set(entry.key, keys);
  }
  const choices = [...candidates].map(([configKey, keys]) => {
    const id = `map-to-${configKey}`;
    const offered = [...keys].filter((key) => !candidates.has(key));
    const select = h("select", { id },
      h("option", { value: "" }, "Choose a key of the file…"),
      offered.map((key) => h("option", { value: key, selected: offered.length === 1 }, key)));
    return { configKey, select, field: h("div", { class: "field" }, h("label", { htmlFor: id }, `Key for $${configKey}`), select) };
  });
  const problem = h("p", { class: "field-error", role: "alert" });

  function importMapped() {
    const unchosen = choices.filter((choice) => !choice.select.value).map((choice) => `$${choice.configKey}`);
    if (unchosen.length) {
      problem.textContent = `Choose the file's key for ${unchosen.join(", ")} first.`;
      return;
    }
    retry(Object.fromEntries(choices.map((choice) => [choice.select.value, choice.configKey])));
  }

  return h("section", { class: "notice info key-mapping", "aria-labelledby": "key-mapping-heading" },
    h("h3", { id: "key-mapping-heading" }, "Fix it here: map the file's keys to the config's"),
    h("ul", {}, missing.map((entry) => h("li", {},
      `${entry.file ?? "The pasted JSON"}${entry.file ? `, ${rowName(entry)}` : ""}: the config's `,
      tagNames(entry.tags), ` reads $${entry.key}; the item has ${entry.present.length ? entry.present.join(", ") : "no keys"}.`))),
    h("div", { class: "inline-form" }, choices.map((choice) => choice.field),
      h("button", { type: "button", class: "primary", onclick: importMapped }, "Import with this mapping")),
    problem,
    h("p", { class: "hint" }, "The mapping renames the key in every item of this import; the files stay as they are. ",
      h("a", { href: "/setup" }, "Or change the config's value on Setup"), " to read the file's own key."));
}

function rowName(entry) {
  return /\.(csv|tsv)$/i.test(entry.file) ? `data row ${entry.row}` : `item ${entry.row}`;
}

function tagNames(tags) {
  return tags.map((tag) => `<${tag}>`).join("/");
}

// `answer` is the 409 of an import with duplicates=ask; `decide("import" | "skip")` repeats the import.
export function duplicatesQuestion(answer, decide) {
  return h("section", { class: "notice warning duplicates", "aria-labelledby": "duplicates-heading" },
    h("h3", { id: "duplicates-heading" },
      `${plural(answer.duplicates, "task")} of ${plural(answer.task_count, "task")} to import ${answer.duplicates === 1 ? "is" : "are"} already there`),
    h("p", {}, "Their data equals an existing task's, or an earlier one's in this import. Nothing was imported yet."),
    h("ul", {}, answer.examples.map((example) => h("li", {}, `Item ${example.item + 1} of the import is `,
      "task_id" in example ? `task ${example.task_id} of the project` : `the same as its item ${example.same_as_item + 1}`))),
    h("div", { class: "buttons" },
      h("button", { type: "button", class: "primary", onclick: () => decide("skip") }, "Skip duplicates"),
      h("button", { type: "button", onclick: () => decide("import") }, "Import anyway")));
}
