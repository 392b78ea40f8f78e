// The Label page's unsaved work kept as a server-side draft: written a second after the last change,
// at once before leaving the task or the page, and never after it was cancelled.

import { api, request } from "../api.js";

const DRAFT_DELAY_MS = 1000;

export class DraftKeeper {
  // `page` gives the editor, the task, where the editor started from, and the draft-state line.
  constructor(page) {
    this.page = page;
    this.timer = null;
    this.write = Promise.resolve();
  }

  schedule() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.save(), DRAFT_DELAY_MS);
  }

  save({ keepalive = false } = {}) {
    clearTimeout(this.timer);
    this.timer = null;
    const { editor, task, start, parts } = this.page;
    if (!editor || !task) return this.write;
    const state = parts.draftState;
    const body = { result: editor.getResult(), completion: start.kind === "completion" ? start.item.id : null };
    this.write = request("PUT", `/api/tasks/${task.id}/draft`, { json: body, keepalive })
      .then(() => { state.textContent = "Draft saved"; })
      .catch((error) => { state.textContent = `Draft not saved: ${error.message}`; });
    return this.write;
  }

  // Save what is pending now: before leaving the task, the page, or the app.
  saveNow = () => (this.timer ? this.save({ keepalive: true }) : this.write);

  // Forget pending edits: no draft write may land after this.
  async cancel() {
    clearTimeout(this.timer);
    this.timer = null;
    await this.write;
  }

  async drop(taskId) {
    await this.cancel();
    await api.delete(`/api/tasks/${taskId}/draft`).catch(() => {});
  }
}
