// What the memory and sqlite backends share: the current state and how a write changes it,
// leases and their timers, the watch dispatcher, and the Store built on top. A backend only
// says how a batch of applied writes is made durable and how past events are read back.

import { randomInt } from "node:crypto";
import { SortedKeys } from "./sorted-keys.ts";
import { LeaseNotFoundError } from "./types.ts";
import type {
  Compare,
  KeyValue,
  Store,
  TxnRequest,
  TxnResult,
  Watch,
  WatchEvent,
  WatchHandlers,
} from "./types.ts";

export interface Lease {
  id: number;
  /** Seconds. */
  ttl: number;
  keys: Set<string>;
  timer?: NodeJS.Timeout;
  /** The timer fired and the revoke is on its way: keep-alives already fail. */
  expired: boolean;
}

export interface State {
  revision: number;
  /** Watches from before this revision get onCompacted. */
  compactRevision: number;
  kvs: Map<string, KeyValue>;
  keys: SortedKeys;
  leases: Map<number, Lease>;
}

export function newState(): State {
  // Revision 1 for an empty store, so the first write is 2, as in etcd.
  return { revision: 1, compactRevision: 0, kvs: new Map(), keys: new SortedKeys(), leases: new Map() };
}

/** One write as applied to the state, for the backend to make durable. */
export interface Applied {
  /** The store revision after this write (unchanged if it has no events). */
  revision: number;
  events: WatchEvent[];
  grant?: { id: number; ttl: number };
  revoke?: number;
}

export interface Backend {
  /** false: apply each write at once (memory); true: gather one event-loop turn's writes (group commit). */
  readonly batch: boolean;
  /** Makes the batch durable and keeps its events for watch. Throwing fails the store for good. */
  commit(batch: Applied[], state: State): void;
  /** Events under prefix of revisions >= from (>= compactRevision), grouped by revision, in order. */
  history(prefix: string, from: number): Array<[number, WatchEvent[]]>;
  /** Drops history older than revision (the caller updates state.compactRevision). */
  compact(revision: number): void;
  close(): void;
}

type Request =
  | { kind: "txn"; req: TxnRequest }
  | { kind: "grant"; id: number; ttl: number }
  | { kind: "revoke"; id: number; expiry: boolean };

interface Pending {
  request: Request;
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

const EMPTY = new Uint8Array(0);
// setTimeout's longest delay; a longer TTL just expires then.
const MAX_DELAY = 2 ** 31 - 1;

export function createStore(backend: Backend, state: State): Store {
  const hub = createHub(state, backend);
  let queue: Pending[] = [];
  let scheduled: NodeJS.Immediate | undefined;
  let dead: Error | undefined;

  for (const lease of state.leases.values()) arm(lease);

  function check(): void {
    if (dead) throw dead;
  }

  function submit<T>(request: Request): Promise<T> {
    if (dead) return Promise.reject(dead);
    return new Promise<T>((resolve, reject) => {
      queue.push({ request, resolve: resolve as (v: unknown) => void, reject });
      if (!backend.batch) flush();
      else scheduled ??= setImmediate(flush);
    });
  }

  // Applies everything queued, commits it as one batch, tells the watchers, then resolves:
  // a caller awaiting a write finds the watchers already notified.
  function flush(): void {
    scheduled = undefined;
    const batch = queue;
    queue = [];
    const done: Array<{ p: Pending; applied: Applied; result: unknown }> = [];
    for (const p of batch) {
      try {
        const [applied, result] = apply(p.request);
        done.push({ p, applied, result });
      } catch (err) {
        p.reject(err); // rejected before touching the state: the rest of the batch goes on
      }
    }
    if (done.length === 0) return;
    try {
      backend.commit(
        done.map((d) => d.applied),
        state,
      );
    } catch (err) {
      // The state in memory is ahead of the disk and nobody can tell by how much: fail-stop.
      fail(err as Error);
      for (const d of done) d.p.reject(err);
      return;
    }
    for (const d of done) if (d.applied.events.length) hub.publish(d.applied.revision, d.applied.events);
    for (const d of done) d.p.resolve(d.result);
  }

  function apply(r: Request): [Applied, unknown] {
    if (r.kind === "txn") {
      const a = applyTxn(state, r.req);
      return [a, { succeeded: a.succeeded, revision: a.revision } satisfies TxnResult];
    }
    if (r.kind === "grant") {
      const lease: Lease = { id: r.id, ttl: r.ttl, keys: new Set(), expired: false };
      state.leases.set(r.id, lease);
      arm(lease);
      return [{ revision: state.revision, events: [], grant: { id: r.id, ttl: r.ttl } }, r.id];
    }
    const lease = state.leases.get(r.id);
    if (!lease) {
      if (r.expiry) return [{ revision: state.revision, events: [] }, undefined]; // revoked meanwhile
      throw new LeaseNotFoundError(r.id);
    }
    clearTimeout(lease.timer);
    state.leases.delete(r.id);
    const rev = state.revision + 1;
    const events: WatchEvent[] = [];
    for (const key of [...lease.keys].sort()) del(state, key, rev, events);
    if (events.length) state.revision = rev;
    return [{ revision: state.revision, events, revoke: r.id }, undefined];
  }

  function arm(lease: Lease): void {
    lease.timer = setTimeout(
      () => {
        lease.expired = true;
        submit({ kind: "revoke", id: lease.id, expiry: true }).catch(() => {}); // only fails if the store did
      },
      Math.min(lease.ttl * 1000, MAX_DELAY),
    );
    lease.timer.unref(); // a lease must never keep the process alive
  }

  function fail(err: Error): void {
    if (dead) return;
    dead = err;
    if (scheduled) clearImmediate(scheduled);
    for (const p of queue) p.reject(err);
    queue = [];
    for (const lease of state.leases.values()) clearTimeout(lease.timer);
    hub.fail(err);
  }

  const store: Store = {
    async range(prefix, opts) {
      check();
      const limit = opts?.limit ?? 0;
      const kvs: KeyValue[] = [];
      for (const key of state.keys.from(prefix)) {
        if (!key.startsWith(prefix) || (limit > 0 && kvs.length >= limit)) break;
        kvs.push(state.kvs.get(key)!);
      }
      return { kvs, revision: state.revision };
    },
    async get(key) {
      check();
      return state.kvs.get(key);
    },
    txn: (req) => submit<TxnResult>({ kind: "txn", req }),
    put: (key, value, opts) => store.txn({ success: [{ type: "put", key, value, lease: opts?.lease }] }),
    delete: (key) => store.txn({ success: [{ type: "delete", key }] }),

    watch(prefix, fromRevision, handlers) {
      if (dead) {
        const err = dead;
        queueMicrotask(() => handlers.onError?.(err));
        return { cancel() {} };
      }
      // 0 (or less) means "from now": fixed here, not when the watch starts a microtask later.
      return hub.watch(prefix, fromRevision > 0 ? fromRevision : state.revision + 1, handlers);
    },

    async leaseGrant(ttlSeconds) {
      if (!(ttlSeconds > 0 && Number.isFinite(ttlSeconds)))
        throw new RangeError(`bad lease TTL ${ttlSeconds}`);
      let id: number;
      do
        id = randomInt(1, 2 ** 48); // random, so an id is never reused after a restart
      while (state.leases.has(id));
      return submit<number>({ kind: "grant", id, ttl: ttlSeconds });
    },
    async leaseKeepAlive(lease) {
      check();
      const l = state.leases.get(lease);
      if (!l || l.expired) throw new LeaseNotFoundError(lease);
      l.timer?.refresh();
    },
    leaseRevoke: (lease) => submit<void>({ kind: "revoke", id: lease, expiry: false }),

    async compact(revision) {
      check();
      if (revision > state.revision) {
        throw new RangeError(`cannot compact at ${revision}: a future revision (current ${state.revision})`);
      }
      if (revision <= state.compactRevision) return;
      backend.compact(revision);
      state.compactRevision = revision;
    },
    async revision() {
      check();
      return state.revision;
    },
    async close() {
      if (dead) return;
      if (scheduled) {
        clearImmediate(scheduled);
        flush(); // writes already asked for still land
      }
      fail(new Error("store closed"));
      backend.close();
    },
  };
  return store;
}

/** Applies a txn to the state; throws, before changing anything, if a put names a dead lease. */
export function applyTxn(s: State, req: TxnRequest): Applied & { succeeded: boolean } {
  const succeeded = (req.compare ?? []).every((c) => compare(s.kvs.get(c.key), c));
  const ops = succeeded ? req.success : (req.failure ?? []);
  for (const op of ops) {
    if (op.type !== "deletePrefix" && !op.key) throw new RangeError("empty key");
    if (op.type === "put" && op.lease) {
      const l = s.leases.get(op.lease);
      if (!l || l.expired) throw new LeaseNotFoundError(op.lease);
    }
  }
  const rev = s.revision + 1;
  const events: WatchEvent[] = [];
  for (const op of ops) {
    if (op.type === "put") events.push(put(s, op.key, op.value, op.lease ?? 0, rev));
    else if (op.type === "delete") del(s, op.key, rev, events);
    else for (const key of keysUnder(s, op.prefix)) del(s, key, rev, events);
  }
  // Only a write that changed something takes a revision (deleting a missing key does not).
  if (events.length) s.revision = rev;
  return { succeeded, revision: s.revision, events };
}

function put(s: State, key: string, value: Uint8Array, lease: number, rev: number): WatchEvent {
  const prev = s.kvs.get(key);
  const kv: KeyValue = {
    key,
    value: new Uint8Array(value), // a copy: the caller may reuse its buffer
    createRevision: prev ? prev.createRevision : rev,
    modRevision: rev,
    version: prev ? prev.version + 1 : 1,
    lease,
  };
  if (!prev) s.keys.insert(key);
  else if (prev.lease && prev.lease !== lease) s.leases.get(prev.lease)?.keys.delete(key);
  if (lease) s.leases.get(lease)!.keys.add(key);
  s.kvs.set(key, kv);
  return prev ? { type: "put", kv, prevKv: prev } : { type: "put", kv };
}

function del(s: State, key: string, rev: number, events: WatchEvent[]): void {
  const prev = s.kvs.get(key);
  if (!prev) return;
  s.kvs.delete(key);
  s.keys.delete(key);
  if (prev.lease) s.leases.get(prev.lease)?.keys.delete(key);
  const kv = { key, value: EMPTY, createRevision: 0, modRevision: rev, version: 0, lease: 0 };
  events.push({ type: "delete", kv, prevKv: prev });
}

function keysUnder(s: State, prefix: string): string[] {
  const keys: string[] = [];
  for (const key of s.keys.from(prefix)) {
    if (!key.startsWith(prefix)) break;
    keys.push(key);
  }
  return keys;
}

function compare(kv: KeyValue | undefined, c: Compare): boolean {
  let cmp: number;
  if (c.target === "value") {
    if (!kv) return false; // as etcd: a value compare on a missing key fails, whatever the op
    cmp = Buffer.compare(kv.value, c.value);
  } else {
    const a = kv ? kv[c.target] : 0;
    cmp = a < c.value ? -1 : a > c.value ? 1 : 0;
  }
  switch (c.op) {
    case "==":
      return cmp === 0;
    case "!=":
      return cmp !== 0;
    case "<":
      return cmp < 0;
    case ">":
      return cmp > 0;
  }
}

interface Watcher {
  prefix: string;
  from: number;
  /** Revisions below this were delivered (or replayed) already. */
  next: number;
  started: boolean;
  cancelled: boolean;
  handlers: WatchHandlers;
}

// Delivers events in revision order through one queue: a handler that writes (memory store)
// or starts a watch only queues more, so no watcher ever sees revisions out of order.
function createHub(state: State, backend: Backend) {
  const watchers = new Set<Watcher>();
  const queue: Array<{ revision: number; events: WatchEvent[] } | Watcher> = [];
  let draining = false;

  function drain(): void {
    if (draining) return;
    draining = true;
    try {
      for (let item = queue.shift(); item; item = queue.shift()) {
        if ("handlers" in item) start(item);
        else
          for (const w of watchers)
            if (w.started && item.revision >= w.next) live(w, item.revision, item.events);
      }
    } finally {
      draining = false;
    }
  }

  function live(w: Watcher, revision: number, events: WatchEvent[]): void {
    w.next = revision + 1;
    const mine = w.prefix ? events.filter((e) => e.kv.key.startsWith(w.prefix)) : events;
    if (mine.length) call(() => w.handlers.onEvents(mine, revision));
  }

  // Replays history then goes live; both read the state of the same moment, so nothing is
  // missed or repeated.
  function start(w: Watcher): void {
    if (w.cancelled) return;
    if (w.from < state.compactRevision) {
      watchers.delete(w);
      w.cancelled = true;
      const c = state.compactRevision;
      call(() => w.handlers.onCompacted(c));
      return;
    }
    const end = state.revision;
    const past = w.from <= end ? backend.history(w.prefix, w.from) : [];
    w.next = Math.max(w.from, end + 1);
    w.started = true;
    for (const [revision, events] of past) {
      if (w.cancelled) return;
      call(() => w.handlers.onEvents(events, revision));
    }
  }

  return {
    publish(revision: number, events: WatchEvent[]): void {
      queue.push({ revision, events });
      drain();
    },
    watch(prefix: string, from: number, handlers: WatchHandlers): Watch {
      const w: Watcher = { prefix, from, next: from, started: false, cancelled: false, handlers };
      watchers.add(w);
      // Started a microtask later so no handler runs before watch() has returned its handle.
      queueMicrotask(() => {
        queue.push(w);
        drain();
      });
      return {
        cancel() {
          w.cancelled = true;
          watchers.delete(w);
        },
      };
    },
    fail(err: Error): void {
      for (const w of watchers) {
        w.cancelled = true;
        call(() => w.handlers.onError?.(err));
      }
      watchers.clear();
    },
  };
}

// A throwing handler must not undo or fail a write that already happened: report it as an
// uncaught exception instead, as an event emitter's listener would.
function call(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    queueMicrotask(() => {
      throw err;
    });
  }
}
