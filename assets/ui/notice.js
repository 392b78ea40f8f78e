// Readable messages in place of content: errors (from the server or the browser) and empty states.

import { h } from "./dom.js";
import { toast } from "./toast.js";

// An error box: a title and each of the error's messages (an ApiError carries the server's list).
export function errorNotice(error, title = "Something went wrong") {
  const messages = error?.messages ?? [String(error?.message ?? error)];
  return h("div", { class: "notice error", role: "alert" },
    h("strong", {}, title),
    messages.length === 1 ? h("p", {}, messages[0]) : h("ul", {}, messages.map((message) => h("li", {}, message))));
}

// A calm message with optional links or buttons under it, for "nothing here yet" states.
export function infoNotice(title, text, ...actions) {
  return h("div", { class: "notice info" },
    h("strong", {}, title),
    text ? h("p", {}, text) : null,
    actions.length ? h("p", { class: "actions" }, actions) : null);
}

// Runs one action of `page` at a time (while page.busy, others are dropped); a failure is shown in
// page.parts.problems when that is on screen, otherwise as a toast.
export async function runAction(page, action, failure) {
  if (page.busy) return;
  page.busy = true;
  try {
    await action();
  } catch (error) {
    if (page.parts.problems?.isConnected) page.parts.problems.replaceChildren(errorNotice(error, failure));
    else toast(`${failure}: ${error.message}`, "error");
  } finally {
    page.busy = false;
  }
}
