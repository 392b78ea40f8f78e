// The lsdesk desktop window's API (pywebview's bridge to Python) when the app runs inside it,
// and the actions that work in both the window and a plain browser.

import { api } from "./api.js";
import { toast } from "./ui/toast.js";

// pywebview announces its API with a `pywebviewready` event; a plain browser never does,
// so after this long without the event we take it we are in a browser.
const READY_WAIT_MS = 300;
// Inside the window `window.pywebview` exists before its functions are attached; wait longer then.
const WINDOW_READY_WAIT_MS = 5000;

let answer = null;

// Resolves to `window.pywebview.api`, or null outside the desktop window. Asked once per page load.
export function desktopApi() {
  answer ??= new Promise((resolve) => {
    if (hasApi()) {
      resolve(window.pywebview.api);
      return;
    }
    const ready = () => {
      clearTimeout(timer);
      resolve(hasApi() ? window.pywebview.api : null);
    };
    const timer = setTimeout(() => {
      window.removeEventListener("pywebviewready", ready);
      resolve(null);
    }, window.pywebview ? WINDOW_READY_WAIT_MS : READY_WAIT_MS);
    window.addEventListener("pywebviewready", ready, { once: true });
  });
  return answer;
}

function hasApi() {
  const bridge = window.pywebview?.api;
  return Boolean(bridge) && typeof bridge === "object" && Object.keys(bridge).length > 0;
}

// A failure the desktop side reported; `messages` lets errorNotice list each item's problem.
export class DesktopError extends Error {
  constructor(messages) {
    super(messages.join("\n"));
    this.name = "DesktopError";
    this.messages = messages;
  }
}

// Calls one desktop function; resolves to its answer, or null when the user cancelled.
// An {"error"} answer (with its optional per-item "errors") is thrown as a DesktopError.
export async function callDesktop(bridge, name, ...args) {
  const result = await bridge[name](...args);
  if (result && typeof result === "object" && "error" in result) {
    throw new DesktopError([String(result.error), ...(result.errors ?? []).map(String)]);
  }
  return result ?? null;
}

// Shows a project file in the file manager: through the window when there is one, otherwise the
// server does it (it runs on the user's own machine). Resolves to {"path"}, or null if cancelled.
export async function revealInFileManager(path) {
  const bridge = await desktopApi();
  if (bridge) return callDesktop(bridge, "reveal_in_file_manager", path);
  return api.post("/api/desktop/reveal", { path });
}

// What a Reveal button does: show the file and say where, or say what went wrong.
export async function revealAndSay(path) {
  try {
    const shown = await revealInFileManager(path);
    if (shown) toast(`Shown in the file manager: ${shown.path}`);
  } catch (error) {
    toast(error.message, "error");
  }
}
