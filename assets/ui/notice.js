// Readable messages in place of content: errors (from the server or the browser) and empty states.

import { h } from "./dom.js";

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
