// <DateTime>: date and/or time inputs (`only` = date, time, month, year); the value is stored
// already formatted with the tag's strftime `format`: {type: "datetime", value: {datetime: ".."}}.

import { currentItem, writeAnswer } from "../editor/answers.js";
import { attr, flag } from "../editor/config.js";
import { validateRequired } from "../editor/required.js";
import { selectedRegion } from "../editor/targets.js";
import { bindVisibility } from "../editor/visibility.js";

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
  "October", "November", "December"];

// Parts → text by a strftime pattern (%Y %y %m %d %H %M %S %B %b %%).
function format(pattern, parts) {
  const pad = (value) => String(value).padStart(2, "0");
  return pattern.replace(/%([YymdHMSBb%])/g, (match, code) => ({
    Y: String(parts.Y).padStart(4, "0"), y: pad(parts.Y % 100), m: pad(parts.m), d: pad(parts.d), H: pad(parts.H),
    M: pad(parts.M), S: pad(parts.S), B: MONTHS[parts.m - 1], b: (MONTHS[parts.m - 1] || "").slice(0, 3), "%": "%",
  })[code]);
}

// Text → parts by the same pattern, or null when it does not match.
function parse(pattern, text) {
  const codes = [];
  const escaped = pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const source = escaped.replace(/%([YymdHMSBb%])/g, (match, code) => {
    if (code === "%") return "%";
    codes.push(code);
    return { Y: "(\\d{4})", B: "([A-Za-z]+)", b: "([A-Za-z]+)" }[code] || "(\\d{1,2})";
  });
  const found = new RegExp(`^${source}$`).exec(text);
  if (!found) return null;
  const parts = { Y: 2000, m: 1, d: 1, H: 0, M: 0, S: 0 };
  codes.forEach((code, index) => {
    const value = found[index + 1];
    if (code === "B" || code === "b") parts.m = MONTHS.findIndex((month) => month.toLowerCase().startsWith(value.toLowerCase().slice(0, 3))) + 1;
    else if (code === "y") parts.Y = 2000 + Number(value);
    else parts[code] = Number(value);
  });
  return parts;
}

export default {
  name: "DateTime",
  kind: "control",
  render(node, ctx) {
    const name = node.attrs.name;
    const only = (attr(node, "only") || "").split(",").map((part) => part.trim()).filter(Boolean);
    const has = (part) => only.includes(part);
    const pattern = attr(node, "format") || (only.length === 0 ? "%Y-%m-%dT%H:%M"
      : has("date") && has("time") ? "%Y-%m-%dT%H:%M" : has("date") ? "%Y-%m-%d" : has("time") ? "%H:%M"
        : has("month") ? (has("year") ? "%Y-%m" : "%m") : "%Y");
    const box = document.createElement("div");
    box.className = "lsd-datetime";
    box.dataset.control = name;

    const inputs = {};
    const make = (key, type, label) => {
      const input = document.createElement("input");
      input.type = type;
      input.setAttribute("aria-label", `${name} ${label}`);
      if (type === "number") Object.assign(input, { min: "1", max: "9999", placeholder: "YYYY" });
      inputs[key] = input;
      box.append(input);
      input.addEventListener("change", save);
    };
    const raw = document.createElement("span");
    raw.className = "lsd-datetime-raw";

    const save = () => {
      if (flag(node, "perRegion") && !selectedRegion(node, ctx)) return;
      const parts = { Y: 2000, m: 1, d: 1, H: 0, M: 0, S: 0 };
      for (const [key, input] of Object.entries(inputs)) {
        if (!input.value) {
          writeAnswer(node, ctx, "datetime", null);
          return;
        }
        if (key === "datetime" || key === "date") {
          const [date, time] = input.value.split("T");
          [parts.Y, parts.m, parts.d] = date.split("-").map(Number);
          if (time) [parts.H, parts.M] = time.split(":").map(Number);
        } else if (key === "time") [parts.H, parts.M] = input.value.split(":").map(Number);
        else if (key === "month") [parts.Y, parts.m] = input.value.split("-").map(Number);
        else if (key === "year") parts.Y = Number(input.value);
      }
      writeAnswer(node, ctx, "datetime", { datetime: format(pattern, parts) });
    };

    if (only.length === 0) make("datetime", "datetime-local", "date and time");
    else {
      if (has("date")) make("date", "date", "date");
      else if (has("month")) make("month", "month", "month");
      else if (has("year")) make("year", "number", "year");
      if (has("time")) make("time", "time", "time");
    }
    for (const key of ["min", "max"]) {
      if (attr(node, key) && inputs.datetime) inputs.datetime[key] = attr(node, key);
      if (attr(node, key) && inputs.date) inputs.date[key] = attr(node, key);
    }
    box.append(raw);

    const refresh = () => {
      if (box.contains(document.activeElement)) return;
      const item = currentItem(node, ctx);
      const text = item && item.value ? item.value.datetime : undefined;
      const parts = typeof text === "string" ? parse(pattern, text) : null;
      const pad = (value, size = 2) => String(value).padStart(size, "0");
      for (const [key, input] of Object.entries(inputs)) {
        if (!parts) input.value = "";
        else if (key === "datetime") input.value = `${pad(parts.Y, 4)}-${pad(parts.m)}-${pad(parts.d)}T${pad(parts.H)}:${pad(parts.M)}`;
        else if (key === "date") input.value = `${pad(parts.Y, 4)}-${pad(parts.m)}-${pad(parts.d)}`;
        else if (key === "time") input.value = `${pad(parts.H)}:${pad(parts.M)}`;
        else if (key === "month") input.value = `${pad(parts.Y, 4)}-${pad(parts.m)}`;
        else if (key === "year") input.value = String(parts.Y);
      }
      raw.textContent = typeof text === "string" && !parts ? text : "";
    };
    ctx.store.subscribe(refresh);
    refresh();
    bindVisibility(node, ctx, box);
    return box;
  },
  validate(node, ctx) {
    return validateRequired(node, ctx, (item) => Boolean(item && item.value && item.value.datetime));
  },
};
