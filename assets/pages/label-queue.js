// What the Label page walks: a queue (next by sampling, or the tasks a query matches, in its order)
// and the history of the tasks opened in this session, which Previous/Next follow.
//
//   /label                                   next by sampling (GET /api/project/next)
//   /label?query=<GET /api/tasks query>&title=<name>   the matching tasks in the query's order

import { api } from "../api.js";
import { whenIdle } from "./label-timing.js";

const QUERY_PAGE = 100;
const STORAGE_PREFIX = "lsdesk.label-session";

export function queueFromUrl(params) {
  const query = params.get("query");
  return query === null ? new SamplingQueue() : new QueryQueue(query, params.get("title"));
}

// Next by sampling: the server picks; the history keeps what was shown.
class SamplingQueue {
  key = "sampling";
  title = "Next by sampling";
  urlSearch = "";

  // The next task (the whole task, with its draft as `draft`), or null when none is left.
  async next() {
    return api.get("/api/project/next?if_none=null&draft=1");
  }

  // The task next() will give once `taskId` is labeled: asked ahead of time, or while that task is
  // being saved, so the two requests run side by side. With `preferId` (a task asked for earlier and
  // shown meanwhile), that task while nobody has labeled or deleted it.
  async nextAfter(taskId, preferId = null) {
    const prefer = preferId === null ? "" : `&prefer=${encodeURIComponent(preferId)}`;
    return api.get(`/api/project/next?if_none=null&draft=1&exclude=${encodeURIComponent(taskId)}${prefer}`);
  }

  restore() {}

  save() {
    return null;
  }
}

// The tasks GET /api/tasks?<query> matches, walked in its order from the first.
class QueryQueue {
  constructor(query, title) {
    const params = new URLSearchParams(query);
    for (const name of ["page", "page_size", "fields"]) params.delete(name);
    this.query = params.toString();
    this.key = `query:${this.query}`;
    this.title = title || "Selected tasks";
    this.urlSearch = `?${new URLSearchParams({ query, ...(title ? { title } : {}) })}`;
    this.handedOut = []; // ids given out so far, in queue order
  }

  restore(saved) {
    if (Array.isArray(saved)) this.handedOut = saved;
  }

  save() {
    return this.handedOut;
  }

  // The position (1-based) of a task in the queue, when it came from the queue.
  positionOf(taskId) {
    const index = this.handedOut.indexOf(taskId);
    return index < 0 ? null : index + 1;
  }

  // The next task not handed out yet, or null at the end. Labeling may drop tasks from the query's
  // matches (a filter on unlabeled tasks), moving later ones onto earlier pages, so the search starts at
  // the page where the first unseen task can at most be and steps back while that page starts unseen.
  async next() {
    const seen = new Set(this.handedOut);
    let page = Math.floor(this.handedOut.length / QUERY_PAGE) + 1;
    let ids = await this.pageIds(page);
    while (page > 1 && (ids.length === 0 || !seen.has(ids[0]))) {
      page -= 1;
      ids = await this.pageIds(page);
    }
    for (;;) {
      const fresh = ids.find((id) => !seen.has(id));
      if (fresh !== undefined) {
        this.handedOut.push(fresh);
        return api.get(`/api/tasks/${fresh}`);
      }
      if (ids.length < QUERY_PAGE) return null;
      page += 1;
      ids = await this.pageIds(page);
    }
  }

  async pageIds(page) {
    const tasks = await api.get(`/api/tasks?${this.query}${this.query ? "&" : ""}fields=id&page=${page}&page_size=${QUERY_PAGE}`);
    return tasks.map((task) => task.id);
  }
}

// The queue's task after the shown one, asked for once the browser is idle, so that a submit or a skip
// shows it at once. Each answer is taken once; showing another task forgets it.
export class NextAhead {
  // `prepare(task)` is called with each task that comes, to load what showing it will need.
  constructor(queue, prepare = () => {}) {
    this.queue = queue;
    this.prepare = prepare;
    this.asked = null;
  }

  // Ask for the task after `taskId` once the browser is idle.
  ask(taskId) {
    const asked = { taskId, answer: undefined };
    this.asked = asked;
    whenIdle(async () => {
      if (this.asked !== asked) return;
      try {
        asked.answer = await this.queue.nextAfter(taskId);
        if (asked.answer && this.asked === asked) this.prepare(asked.answer);
      } catch {
        if (this.asked === asked) this.asked = null; // the submit asks again, as it would without this
      }
    });
  }

  // The task (with its draft as `draft`) asked for after `taskId`, if it has come; null when none was left.
  take(taskId) {
    const { asked } = this;
    this.asked = null;
    return asked?.taskId === taskId ? asked.answer : undefined;
  }

  forget() {
    this.asked = null;
  }
}

// The tasks opened in this session, oldest first, and which one is shown; kept in sessionStorage (per
// project and queue) so a reload or a visit to another page continues where the session was.
export class SessionHistory {
  constructor(projectId, queue) {
    this.storageKey = `${STORAGE_PREFIX}:${projectId}:${queue.key}`;
    this.queue = queue;
    this.ids = [];
    this.cursor = -1;
    try {
      const saved = JSON.parse(sessionStorage.getItem(this.storageKey) ?? "null");
      if (saved && Array.isArray(saved.ids)) {
        this.ids = saved.ids;
        this.cursor = Math.min(saved.cursor, this.ids.length - 1);
        queue.restore(saved.queue);
      }
    } catch {
      // an unreadable record starts a new session
    }
  }

  restart() {
    this.ids = [];
    this.cursor = -1;
    this.queue.restore([]);
    this.save();
  }

  get current() {
    return this.ids[this.cursor] ?? null;
  }

  // Record that `taskId` is shown: where it already is in the history, or as the newest entry
  // (always so for a task the queue gave, which moves on from the newest).
  visit(taskId, { asNewest = false } = {}) {
    if (this.current === taskId) return;
    const index = this.ids.lastIndexOf(taskId);
    if (index >= 0 && !asNewest) {
      this.cursor = index;
    } else {
      if (index >= 0) this.ids.splice(index, 1);
      this.ids.push(taskId);
      this.cursor = this.ids.length - 1;
    }
    this.save();
  }

  // Where the session is, to go back to with rewind() when what happened since is undone.
  snapshot() {
    return { ids: [...this.ids], cursor: this.cursor };
  }

  rewind({ ids, cursor }) {
    this.ids = [...ids];
    this.cursor = cursor;
    this.save();
  }

  // The id one step back (-1) or forward (+1) in the history, or null past either end.
  step(direction) {
    const index = this.cursor + direction;
    if (index < 0 || index >= this.ids.length) return null;
    this.cursor = index;
    this.save();
    return this.ids[index];
  }

  save() {
    try {
      sessionStorage.setItem(this.storageKey, JSON.stringify({ ids: this.ids, cursor: this.cursor, queue: this.queue.save() }));
    } catch {
      // storage full or refused: the history lives on in memory
    }
  }
}
