// The server's API as functions: a JSON fetch wrapper whose errors carry the server's own words,
// and the paged task queries several pages share (counts that never fetch every task).

// `fields` maps a field name to its messages when the server named the fields at fault.
export class ApiError extends Error {
  constructor(status, messages, fields = {}, answer = null) {
    super(messages.join("\n"));
    this.name = "ApiError";
    this.status = status;
    this.messages = messages;
    this.fields = fields;
    this.answer = answer; // the whole error answer, for pages that show more than its messages
  }
}

// Sends `json` as a JSON body, or `body` (FormData, Blob, text) as it is; resolves to the parsed answer.
export async function request(method, path, { json, body, headers = {}, keepalive = false } = {}) {
  const init = { method, headers: { Accept: "application/json", ...headers }, keepalive };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    init.headers["Content-Type"] = "application/json";
  } else if (body !== undefined) {
    init.body = body;
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    throw new ApiError(0, [`Cannot reach the lsdesk server (${error.message}). Is it still running?`]);
  }
  const answer = parseAnswer(await response.text(), response.headers.get("Content-Type"));
  if (!response.ok) throw new ApiError(response.status, errorMessages(answer, response.status), fieldErrors(answer), answer);
  return answer;
}

export function parseAnswer(text, contentType) {
  if (!text) return null;
  if (!(contentType || "").includes("json")) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

// The messages of an error answer: 0.8's lists ("Error at item N: ..."), {"label_config": [...]}, {"detail"},
// or a form's {"errors": {"field": [...]}}.
export function errorMessages(answer, status) {
  if (Array.isArray(answer)) return answer.map(String);
  if (answer && typeof answer === "object") {
    const detail = answer.detail ?? answer.label_config;
    if (Array.isArray(detail)) return detail.map(String);
    if (detail) return [String(detail)];
    const fields = Object.entries(fieldErrors(answer)).flatMap(([name, messages]) => messages.map((text) => `${name}: ${text}`));
    if (fields.length) return fields;
  }
  if (typeof answer === "string" && answer.trim()) return [answer.trim().slice(0, 500)];
  return [`The server answered with status ${status}`];
}

// A form's {"errors": {"field": ["message", ...]}} as {field: [messages]}; {} for any other answer.
function fieldErrors(answer) {
  const errors = answer?.errors;
  if (!errors || typeof errors !== "object" || Array.isArray(errors)) return {};
  return Object.fromEntries(Object.entries(errors).map(([name, messages]) => [name, [messages].flat().map(String)]));
}

export const api = {
  get: (path) => request("GET", path),
  post: (path, json) => request("POST", path, { json }),
  put: (path, json) => request("PUT", path, { json }),
  patch: (path, json) => request("PATCH", path, { json }),
  delete: (path) => request("DELETE", path),
};

export function tasksPage(page, pageSize, order, fields = "all") {
  return api.get(`/api/tasks?page=${page}&page_size=${pageSize}&order=${order}&fields=${fields}`);
}

// Skipped tasks come first in this order, so counting them stops at the first task without a skip.
export const SKIP_SCAN_LIMIT = 10_000;
const SCAN_PAGE = 1_000;

export async function countSkippedTasks(limit = SKIP_SCAN_LIMIT) {
  let count = 0;
  for (let page = 1; count < limit; page++) {
    const tasks = await tasksPage(page, SCAN_PAGE, "-has_cancelled_completions", "has_cancelled_completions");
    const skipped = tasks.filter((task) => task.has_cancelled_completions > 0).length;
    count += skipped;
    if (skipped < SCAN_PAGE) return { count, capped: false };
  }
  return { count: limit, capped: true };
}

// The most recently labeled tasks (with their completions), newest first, at most `limit`.
export async function recentLabeledTasks(limit) {
  const labeled = [];
  for (let page = 1; labeled.length < limit; page++) {
    const tasks = await tasksPage(page, SCAN_PAGE, "-completed_at", "id,completions,completed_at");
    const done = tasks.filter((task) => task.completed_at !== null);
    labeled.push(...done);
    if (done.length < SCAN_PAGE) break;
  }
  return labeled.slice(0, limit);
}
