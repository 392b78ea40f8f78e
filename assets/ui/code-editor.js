// A plain-text code editor: a textarea with line numbers, and lines marked with their problems.
// Lines never wrap, so line N of the text is always row N of the gutter and of the marks.

import { h } from "./dom.js";

const LINE_HEIGHT = 20; // px; app.css gives .code-editor the same line height
const PADDING_TOP = 8;

export function codeEditor({ label, value = "", onInput }) {
  const gutter = h("div", { class: "code-gutter", "aria-hidden": "true" });
  const marks = h("div", { class: "code-marks", "aria-hidden": "true" });
  const textarea = h("textarea", {
    class: "code-text", spellcheck: "false", wrap: "off", autocapitalize: "off", "aria-label": label,
    value, oninput: () => { renumber(); onInput(); }, onscroll: () => follow(),
  });
  const element = h("div", { class: "code-editor" }, gutter, h("div", { class: "code-area" }, marks, textarea));
  let problems = new Map();

  function lineCount() {
    return textarea.value.split("\n").length;
  }

  function renumber() {
    const count = lineCount();
    if (gutter.childElementCount === count) return;
    gutter.replaceChildren(...Array.from({ length: count }, (_, index) => lineNumber(index + 1)));
  }

  function lineNumber(line) {
    const messages = problems.get(line);
    return h("div", { class: messages ? "bad" : "", title: messages ? messages.join("\n") : null }, String(line));
  }

  function follow() {
    gutter.scrollTop = textarea.scrollTop;
    marks.style.transform = `translate(${-textarea.scrollLeft}px, ${-textarea.scrollTop}px)`;
  }

  // `byLine` maps a line number to its messages; those lines get a band and a red number.
  function markLines(byLine) {
    problems = byLine;
    gutter.replaceChildren();
    renumber();
    marks.replaceChildren(...[...byLine.keys()].map((line) => h("div", {
      class: "code-mark", style: `top: ${PADDING_TOP + (line - 1) * LINE_HEIGHT}px`,
    })));
    follow();
  }

  function goToLine(line) {
    const lines = textarea.value.split("\n");
    const start = lines.slice(0, line - 1).reduce((sum, text) => sum + text.length + 1, 0);
    textarea.focus();
    textarea.setSelectionRange(start, start + (lines[line - 1] ?? "").length);
    textarea.scrollTop = Math.max(0, (line - 1) * LINE_HEIGHT - textarea.clientHeight / 3);
    follow();
  }

  renumber();
  return {
    element,
    textarea,
    get value() { return textarea.value; },
    set value(text) {
      textarea.value = text;
      renumber();
      follow();
    },
    markLines,
    goToLine,
  };
}
