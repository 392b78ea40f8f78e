// What the TimeSeries view computes without a page: CSV/TSV parsing, the series a config reads from it
// (or from inline JSON columns), strftime times, d3-style number formats, and the min/max decimation
// that lets a million points draw in a few milliseconds. Pure functions.

// -- tables ---------------------------------------------------------------------------------------

// The separator a `sep` attribute names ("\t" may be written as the two characters backslash and t).
export function separatorOf(sep, url = "") {
  if (sep === "\\t" || sep === "tab") return "\t";
  if (sep) return sep;
  return /\.tsv(\?|$)/i.test(url) ? "\t" : ",";
}

// {column name: [cell strings]} of a delimited text; a headless table names its columns "0", "1"...
// Read line by line into columns (no array of rows), so a million rows take well under a second.
export function parseTable(text, sep = ",", headless = false) {
  let names = null;
  let columns = null;
  let position = 0;
  while (position < text.length) {
    let end = text.indexOf("\n", position);
    if (end === -1) end = text.length;
    const line = text.slice(position, end > position && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
    position = end + 1;
    if (line === "") continue;
    const cells = line.includes('"') ? splitQuoted(line, sep) : line.split(sep);
    if (!columns) {
      names = headless ? cells.map((_, index) => String(index)) : cells.map((name) => name.trim());
      columns = names.map(() => []);
      if (!headless) continue;
    }
    for (let i = 0; i < columns.length; i++) columns[i].push(cells[i]);
  }
  return Object.fromEntries((names || []).map((name, index) => [name, columns[index]]));
}

function splitQuoted(line, sep) {
  const cells = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') { cell += '"'; i += 1; }
      else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (line.startsWith(sep, i)) { cells.push(cell); cell = ""; i += sep.length - 1; }
    else cell += char;
  }
  cells.push(cell);
  return cells;
}

// -- series ---------------------------------------------------------------------------------------

// The series a TimeSeries draws: {times: Float64Array (sorted), raw: the time column as given or null,
// values: {column: Float64Array}, length}. Without a time column the time is the row index.
export function buildSeries(columns, { timeColumn, timeFormat, channels }) {
  const missing = channels.filter((column) => !(column in columns));
  if (missing.length) throw new Error(`no column ${missing.map((c) => `"${c}"`).join(", ")} in the data (columns: ${Object.keys(columns).join(", ")})`);
  if (timeColumn && !(timeColumn in columns)) throw new Error(`no time column "${timeColumn}" in the data`);
  const length = channels.length ? columns[channels[0]].length : timeColumn ? columns[timeColumn].length : 0;
  const raw = timeColumn ? columns[timeColumn] : null;
  const times = new Float64Array(length);
  const parse = timeParser(timeFormat);
  for (let i = 0; i < length; i++) times[i] = raw ? parse(raw[i]) : i;
  for (let i = 1; i < length; i++) {
    if (!(times[i] >= times[i - 1])) throw new Error(`the time column "${timeColumn}" is not sorted or not readable at row ${i + 1} (${raw[i]})`);
  }
  const values = {};
  for (const column of channels) {
    const cells = columns[column];
    const numbers = new Float64Array(length);
    for (let i = 0; i < length; i++) numbers[i] = typeof cells[i] === "number" ? cells[i] : Number(cells[i]);
    values[column] = numbers;
  }
  return { times, raw, values, length };
}

// The index of the point nearest to time t.
export function nearestIndex(times, t) {
  const i = lowerBound(times, t);
  if (i <= 0) return 0;
  if (i >= times.length) return times.length - 1;
  return t - times[i - 1] <= times[i] - t ? i - 1 : i;
}

// The first index whose time is ≥ t.
export function lowerBound(times, t) {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// -- decimation ----------------------------------------------------------------------------------

// The polyline of one channel over [t0, t1] on `width` pixel columns: [x, y] pairs in data units
// (x in pixels). With more points than columns each column keeps its first, min, max and last
// point, so the shape (every spike) survives at 4 points per pixel whatever the length.
export function decimate(times, values, t0, t1, width) {
  const from = Math.max(0, lowerBound(times, t0) - 1);
  const to = Math.min(times.length, lowerBound(times, t1) + 1);
  const scale = width / (t1 - t0 || 1);
  if (to - from <= width * 2) {
    const out = new Float64Array((to - from) * 2);
    for (let i = from, k = 0; i < to; i++, k += 2) {
      out[k] = (times[i] - t0) * scale;
      out[k + 1] = values[i];
    }
    return out;
  }
  const out = new Float64Array(Math.ceil(width + 3) * 8);
  let k = 0;
  let column = Math.floor((times[from] - t0) * scale);
  let first = values[from];
  let min = first;
  let max = first;
  let last = first;
  const flush = () => {
    out[k++] = column; out[k++] = first;
    out[k++] = column; out[k++] = min;
    out[k++] = column; out[k++] = max;
    out[k++] = column; out[k++] = last;
  };
  for (let i = from + 1; i < to; i++) {
    const c = Math.floor((times[i] - t0) * scale);
    const v = values[i];
    if (c !== column) {
      flush();
      column = c;
      first = min = max = v;
    } else if (v < min) min = v;
    else if (v > max) max = v;
    last = v;
  }
  flush();
  return out.subarray(0, k);
}

// [min, max] of the finite values of a channel.
export function extent(values) {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min)) return [0, 1];
  return min === max ? [min - 1, max + 1] : [min, max];
}

// -- times ----------------------------------------------------------------------------------------

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const PARSE_PARTS = {
  Y: "(\\d{4})", y: "(\\d{2})", m: "(\\d{1,2})", d: "(\\d{1,2})", H: "(\\d{1,2})", M: "(\\d{1,2})",
  S: "(\\d{1,2})", f: "(\\d{1,6})", L: "(\\d{1,3})", b: "([A-Za-z]{3})", s: "(-?\\d+)", Q: "(-?\\d+)",
  p: "(AM|PM|am|pm)", I: "(\\d{1,2})", Z: "(\\S+)", z: "([+-]\\d{2}:?\\d{2}|Z)",
};

// A function from a cell to milliseconds (UTC) by a strftime pattern; without one, numbers stay
// numbers and other text is read as a date.
export function timeParser(format) {
  if (!format) {
    return (cell) => {
      if (typeof cell === "number") return cell;
      const value = Number(cell);
      return Number.isNaN(value) || cell === "" ? Date.parse(cell) : value;
    };
  }
  const fields = [];
  const pattern = format.replace(/%([a-zA-Z%])|[.*+?^${}()|[\]\\]/g, (match, directive) => {
    if (!directive) return `\\${match}`;
    if (directive === "%") return "%";
    fields.push(directive);
    return PARSE_PARTS[directive] || "(.*?)";
  });
  const regex = new RegExp(`^\\s*${pattern}\\s*$`);
  return (cell) => {
    if (typeof cell === "number") return cell;
    const match = regex.exec(String(cell));
    if (!match) return NaN;
    const part = { Y: 1970, m: 1, d: 1, H: 0, M: 0, S: 0, ms: 0, pm: null, epoch: null, zone: 0 };
    fields.forEach((directive, index) => {
      const text = match[index + 1];
      const n = Number(text);
      if (directive === "Y") part.Y = n;
      else if (directive === "y") part.Y = n < 69 ? 2000 + n : 1900 + n;
      else if (directive === "b") part.m = MONTHS.findIndex((name) => name.toLowerCase() === text.toLowerCase()) + 1;
      else if (directive === "f") part.ms = Number(text.padEnd(6, "0")) / 1000;
      else if (directive === "L") part.ms = n;
      else if (directive === "I") part.H = n % 12;
      else if (directive === "p") part.pm = text.toLowerCase() === "pm";
      else if (directive === "s") part.epoch = n * 1000;
      else if (directive === "Q") part.epoch = n;
      else if (directive === "z") part.zone = text === "Z" ? 0 : Math.sign(Number(text.slice(0, 3)) || 1) * (Math.abs(Number(text.slice(0, 3))) * 60 + Number(text.slice(-2)));
      else if ("mdHMS".includes(directive)) part[directive] = n;
    });
    if (part.epoch !== null) return part.epoch;
    if (part.pm) part.H += 12;
    return Date.UTC(part.Y, part.m - 1, part.d, part.H, part.M, part.S) + part.ms - part.zone * 60000;
  };
}

const pad = (n, width = 2) => String(Math.trunc(n)).padStart(width, "0");

// Milliseconds (UTC) as text by a strftime pattern.
export function formatTime(ms, format) {
  const date = new Date(ms);
  const fields = {
    Y: () => String(date.getUTCFullYear()), y: () => pad(date.getUTCFullYear() % 100), m: () => pad(date.getUTCMonth() + 1),
    d: () => pad(date.getUTCDate()), e: () => String(date.getUTCDate()), H: () => pad(date.getUTCHours()),
    I: () => pad(date.getUTCHours() % 12 || 12), p: () => (date.getUTCHours() < 12 ? "AM" : "PM"),
    M: () => pad(date.getUTCMinutes()), S: () => pad(date.getUTCSeconds()), L: () => pad(date.getUTCMilliseconds(), 3),
    f: () => pad(date.getUTCMilliseconds() * 1000, 6), b: () => MONTHS[date.getUTCMonth()], s: () => String(Math.floor(ms / 1000)),
    Q: () => String(ms), "%": () => "%",
  };
  return format.replace(/%([a-zA-Z%])/g, (match, directive) => (fields[directive] ? fields[directive]() : match));
}

// -- numbers --------------------------------------------------------------------------------------

// A number as a d3-format specifier says (the common subset: [,][.precision][f|d|e|%|s|g|r]).
export function formatNumber(value, specifier) {
  if (!Number.isFinite(value)) return String(value);
  const spec = /^(,)?(?:\.(\d+))?(~)?([fdes%gr])?$/.exec(specifier || "");
  if (!spec) return String(+value.toPrecision(6));
  const [, group, digits, , type] = spec;
  const precision = digits === undefined ? undefined : Number(digits);
  let text;
  if (type === "f") text = value.toFixed(precision ?? 6);
  else if (type === "d") text = Math.round(value).toFixed(0);
  else if (type === "e") text = value.toExponential(precision ?? 6);
  else if (type === "%") text = `${(value * 100).toFixed(precision ?? 6)}%`;
  else text = String(+value.toPrecision(precision || 6));
  if (group) {
    const [whole, fraction] = text.split(".");
    text = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (fraction !== undefined ? `.${fraction}` : "");
  }
  return text;
}
