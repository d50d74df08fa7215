// The in-memory backend: for tests and single-process development. Nothing survives the
// process; history for watch is the last historyLimit revisions.

import { createStore, newState } from "./core.ts";
import type { Backend } from "./core.ts";
import type { Store, WatchEvent } from "./types.ts";

export function createMemoryStore(opts: { historyLimit?: number } = {}): Store {
  const limit = Math.max(1, opts.historyLimit ?? 100_000);
  const state = newState();
  // One entry per revision, contiguous, oldest first from `head` (dropping from the front
  // moves `head` instead of shifting the array).
  let hist: Array<{ revision: number; events: WatchEvent[] }> = [];
  let head = 0;

  function dropBefore(revision: number): void {
    while (head < hist.length && hist[head].revision < revision) head++;
    if (head > 1024 && head * 2 > hist.length) {
      hist = hist.slice(head);
      head = 0;
    }
  }

  const backend: Backend = {
    batch: false,
    commit(batch) {
      for (const a of batch) if (a.events.length) hist.push({ revision: a.revision, events: a.events });
      if (hist.length - head > limit) {
        const oldest = hist[hist.length - limit].revision;
        dropBefore(oldest);
        state.compactRevision = oldest;
      }
    },
    history(prefix, from) {
      const out: Array<[number, WatchEvent[]]> = [];
      if (head === hist.length) return out;
      for (let i = head + Math.max(0, from - hist[head].revision); i < hist.length; i++) {
        const { revision, events } = hist[i];
        const mine = prefix ? events.filter((e) => e.kv.key.startsWith(prefix)) : events;
        if (mine.length) out.push([revision, mine]);
      }
      return out;
    },
    compact: dropBefore,
    close() {
      hist = [];
      head = 0;
    },
  };
  return createStore(backend, state);
}
