// The options of choice controls (Choices, Taxonomy): options listed in task data, and the value a choice writes.

// A Choice node from a dynamic option: a string or {value, alias?, hotkey?, children?}.
export function optionNode(option) {
  if (typeof option !== "object" || option === null) return { tag: "Choice", attrs: { value: String(option) }, children: [], text: "" };
  const attrs = {};
  for (const [key, value] of Object.entries(option)) if (typeof value === "string") attrs[key.toLowerCase()] = value;
  const children = Array.isArray(option.children) ? option.children.map(optionNode) : [];
  return { tag: "Choice", attrs, children, text: "" };
}

export const choiceValue = (choice) => choice.attrs.alias || choice.attrs.value;
