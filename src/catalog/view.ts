// The in-memory catalog: every record, with secondary indexes, fed by list-then-watch from the
// store in revision order (the way Kubernetes informers work). It also tracks, per scope, the
// highest revision that touched it, and wakes only the blocking queries waiting on a scope
// that changed.
//
// Scopes: "svc:<name>" (instances of a service, their checks, their nodes), "node:<name>"
// (a node, its services and checks), and the tables "t:nodes", "t:services", "t:checks".

import type { Store, Watch, WatchEvent } from "../store/types.ts";
import { CATALOG_PREFIX, parseKey } from "./keys.ts";
import type { Check, Indexed, Node, Service } from "./types.ts";

type Waiter = () => void;

export interface CatalogView {
  readonly nodes: Map<string, Indexed<Node>>;
  /** node → service ID → instance */
  readonly services: Map<string, Map<string, Indexed<Service>>>;
  /** node → check ID → check */
  readonly checks: Map<string, Map<string, Indexed<Check>>>;
  /** service name → set of "node\0serviceID" */
  readonly byName: Map<string, Set<string>>;
  /** The store revision the view has applied. */
  revision(): number;
  /** The X-Consul-Index of a query over these scopes: the highest revision that touched any. */
  index(scopes: readonly string[]): number;
  /** Resolves once the view has applied revision rev (read-your-writes). */
  caughtUp(rev: number): Promise<void>;
  /**
   * Resolves when a scope's index passes minIndex, or after waitMs. Cheap per waiter: nothing
   * runs for a waiter until one of its scopes changes.
   */
  block(scopes: readonly string[], minIndex: number, waitMs: number): Promise<void>;
  stop(): void;
}

export const instanceRef = (node: string, id: string) => `${node}\u0000${id}`;

export async function startView(store: Store): Promise<CatalogView> {
  const nodes = new Map<string, Indexed<Node>>();
  const services = new Map<string, Map<string, Indexed<Service>>>();
  const checks = new Map<string, Map<string, Indexed<Check>>>();
  const byName = new Map<string, Set<string>>();
  const scopeIndex = new Map<string, number>();
  const waiters = new Map<string, Set<Waiter>>();
  const catchUp: { rev: number; resolve: () => void }[] = [];
  let applied = 0;
  let watch: Watch | undefined;
  let stopped = false;

  function reset() {
    nodes.clear();
    services.clear();
    checks.clear();
    byName.clear();
  }

  const inner = <V>(m: Map<string, Map<string, V>>, k: string) => {
    let i = m.get(k);
    if (!i) m.set(k, (i = new Map()));
    return i;
  };

  function serviceNamesOn(node: string, touched: Set<string>) {
    for (const s of services.get(node)?.values() ?? []) touched.add(`svc:${s.value.Service}`);
  }

  function applyEvent(ev: WatchEvent, touched: Set<string>) {
    const parsed = parseKey(ev.kv.key);
    if (!parsed) return;
    const rec =
      ev.type === "put"
        ? {
            value: JSON.parse(Buffer.from(ev.kv.value).toString("utf8")),
            createIndex: ev.kv.createRevision,
            modifyIndex: ev.kv.modRevision,
          }
        : undefined;
    const { node } = parsed;
    touched.add(`node:${node}`);
    switch (parsed.kind) {
      case "node": {
        touched.add("t:nodes");
        serviceNamesOn(node, touched);
        if (rec) nodes.set(node, rec);
        else nodes.delete(node);
        break;
      }
      case "service": {
        touched.add("t:services");
        const m = inner(services, node);
        const old = m.get(parsed.id);
        const ref = instanceRef(node, parsed.id);
        if (old) {
          touched.add(`svc:${old.value.Service}`);
          const set = byName.get(old.value.Service);
          set?.delete(ref);
          if (set?.size === 0) byName.delete(old.value.Service);
        }
        if (rec) {
          m.set(parsed.id, rec);
          const name = (rec.value as Service).Service;
          touched.add(`svc:${name}`);
          let set = byName.get(name);
          if (!set) byName.set(name, (set = new Set()));
          set.add(ref);
        } else {
          m.delete(parsed.id);
          if (m.size === 0) services.delete(node);
        }
        break;
      }
      case "check": {
        touched.add("t:checks");
        const m = inner(checks, node);
        const old = m.get(parsed.id);
        for (const c of [old?.value, rec?.value as Check | undefined]) {
          if (!c) continue;
          if (c.ServiceID) touched.add(`svc:${c.ServiceName}`);
          else serviceNamesOn(node, touched); // a node-level check counts for every service on the node
        }
        if (rec) m.set(parsed.id, rec);
        else {
          m.delete(parsed.id);
          if (m.size === 0) checks.delete(node);
        }
        break;
      }
    }
  }

  function wake(touched: Set<string>, rev: number) {
    for (const scope of touched) scopeIndex.set(scope, rev);
    // The writer is answered first (its caughtUp resolved already); the waiters this write
    // wakes are answered in the next turn, so 10,000 of them don't hold up the write's reply.
    setImmediate(() => {
      for (const scope of touched) {
        const ws = waiters.get(scope);
        if (!ws) continue;
        waiters.delete(scope);
        for (const w of ws) w();
      }
    });
  }

  function advance(rev: number) {
    applied = rev;
    while (catchUp.length && catchUp[0].rev <= rev) catchUp.shift()!.resolve();
  }

  function onEvents(events: WatchEvent[], rev: number) {
    const touched = new Set<string>();
    for (const ev of events) applyEvent(ev, touched);
    advance(rev);
    wake(touched, rev);
  }

  async function listThenWatch() {
    const { kvs, revision } = await store.range(CATALOG_PREFIX);
    reset();
    const touched = new Set<string>(["t:nodes", "t:services", "t:checks"]);
    for (const kv of kvs) applyEvent({ type: "put", kv }, touched);
    // Per-record indexes are the records' own revisions; tables start at the list revision.
    for (const [name, set] of byName) {
      let max = 0;
      for (const ref of set) {
        const [node, id] = ref.split("\u0000");
        max = Math.max(max, services.get(node)?.get(id)?.modifyIndex ?? 0);
        for (const c of checks.get(node)?.values() ?? []) {
          if (!c.value.ServiceID || c.value.ServiceID === id) max = Math.max(max, c.modifyIndex);
        }
        max = Math.max(max, nodes.get(node)?.modifyIndex ?? 0);
      }
      scopeIndex.set(`svc:${name}`, max);
      touched.delete(`svc:${name}`);
    }
    for (const t of ["t:nodes", "t:services", "t:checks"]) scopeIndex.set(t, Math.max(1, revision));
    touched.delete("t:nodes");
    touched.delete("t:services");
    touched.delete("t:checks");
    advance(revision);
    wake(touched, revision);
    watch = store.watch(CATALOG_PREFIX, revision + 1, {
      onEvents,
      onCompacted: () => {
        watch?.cancel();
        if (!stopped) void listThenWatch();
      },
    });
  }

  await listThenWatch();

  function fallbackIndex(scope: string): number {
    if (scope.startsWith("svc:")) return scopeIndex.get("t:services") ?? 1;
    if (scope.startsWith("node:")) return scopeIndex.get("t:nodes") ?? 1;
    return 1;
  }

  const view: CatalogView = {
    nodes,
    services,
    checks,
    byName,
    revision: () => applied,
    index(scopes) {
      let max = 0;
      for (const s of scopes) max = Math.max(max, scopeIndex.get(s) ?? fallbackIndex(s));
      return Math.max(1, max);
    },
    caughtUp(rev) {
      if (applied >= rev) return Promise.resolve();
      return new Promise((resolve) => {
        catchUp.push({ rev, resolve });
        catchUp.sort((a, b) => a.rev - b.rev);
      });
    },
    block(scopes, minIndex, waitMs) {
      if (view.index(scopes) > minIndex) return Promise.resolve();
      return new Promise((resolve) => {
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          for (const s of scopes) waiters.get(s)?.delete(w);
          resolve();
        };
        const w: Waiter = () => {
          if (view.index(scopes) > minIndex) finish();
          else for (const s of scopes) add(s, w); // woken by an older revision: wait again
        };
        const add = (s: string, fn: Waiter) => {
          let set = waiters.get(s);
          if (!set) waiters.set(s, (set = new Set()));
          set.add(fn);
        };
        const timer = setTimeout(finish, waitMs);
        for (const s of scopes) add(s, w);
      });
    },
    stop() {
      stopped = true;
      watch?.cancel();
    },
  };
  return view;
}
