// Task data references: "$key", "$a.b[0]" resolve against task.data; other text has $vars replaced.

function get(data, path) {
  let value = data;
  for (const part of path.replace(/\[(\d+)\]/g, ".$1").split(".")) {
    if (value === null || value === undefined) return undefined;
    value = value[part];
  }
  return value;
}

// The value an attribute names: the raw datum when the whole attribute is one $var,
// otherwise the string with each $var replaced.
export function resolve(value, data) {
  if (typeof value !== "string") return value;
  const whole = value.match(/^\$([\w.[\]]+)$/);
  if (whole) return get(data, whole[1]);
  return value.replace(/\$([\w.[\]]+)/g, (match, path) => {
    const found = get(data, path);
    return found === undefined ? match : String(found);
  });
}
