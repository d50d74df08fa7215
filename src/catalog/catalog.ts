// The catalog's state machine: writes become one store txn each (answered once the view has
// applied them: read-your-writes), reads are plain functions over the view.

import type { Op, Store } from "../store/types.ts";
import { NotFoundError } from "./errors.ts";
import { checkKey, checksOfNodePrefix, nodeKey, serviceKey, servicesOfNodePrefix } from "./keys.ts";
import type { Check, HealthStatus, Indexed, Node, Service } from "./types.ts";
import { instanceRef, startView, type CatalogView } from "./view.ts";

export interface Catalog {
  readonly store: Store;
  readonly view: CatalogView;
  /** Applies ops as one txn and resolves with its revision once the view has it. */
  commit(ops: Op[]): Promise<number>;
  close(): Promise<void>;
}

export async function openCatalog(store: Store): Promise<Catalog> {
  const view = await startView(store);
  return {
    store,
    view,
    async commit(ops) {
      if (ops.length === 0) return view.revision();
      const { revision } = await store.txn({ success: ops });
      await view.caughtUp(revision);
      return revision;
    },
    async close() {
      view.stop();
    },
  };
}

const encoder = new TextEncoder();
const json = (v: unknown) => encoder.encode(JSON.stringify(v));
const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function putIfChanged(ops: Op[], key: string, current: Indexed<unknown> | undefined, value: unknown) {
  if (current && sameJson(current.value, value)) return;
  ops.push({ type: "put", key, value: json(value) });
}

export interface Registration {
  node: Node;
  skipNodeUpdate?: boolean;
  service?: Service;
  checks?: Check[];
}

/** The ops that make the catalog hold reg; records that are already identical are not rewritten. */
export function registrationOps(view: CatalogView, reg: Registration): Op[] {
  const ops: Op[] = [];
  const name = reg.node.Node;
  const current = view.nodes.get(name);
  if (!current || !reg.skipNodeUpdate) putIfChanged(ops, nodeKey(name), current, reg.node);
  if (reg.service) {
    const s = reg.service;
    putIfChanged(ops, serviceKey(name, s.ID), view.services.get(name)?.get(s.ID), s);
  }
  for (const c of reg.checks ?? []) {
    putIfChanged(ops, checkKey(name, c.CheckID), view.checks.get(name)?.get(c.CheckID), c);
  }
  return ops;
}

/** Ops removing a node (with its services and checks), one service (with its checks), or one check. */
export function deregistrationOps(
  view: CatalogView,
  req: { node: string; serviceId?: string; checkId?: string },
): Op[] {
  const { node } = req;
  if (!view.nodes.has(node)) return [];
  if (req.serviceId === undefined && req.checkId === undefined) {
    return [
      { type: "delete", key: nodeKey(node) },
      { type: "deletePrefix", prefix: servicesOfNodePrefix(node) },
      { type: "deletePrefix", prefix: checksOfNodePrefix(node) },
    ];
  }
  const ops: Op[] = [];
  if (req.serviceId !== undefined) {
    if (!view.services.get(node)?.has(req.serviceId)) {
      throw new NotFoundError(`Unknown service ID "${req.serviceId}" on node "${node}"`);
    }
    ops.push({ type: "delete", key: serviceKey(node, req.serviceId) });
    for (const c of view.checks.get(node)?.values() ?? []) {
      if (c.value.ServiceID === req.serviceId)
        ops.push({ type: "delete", key: checkKey(node, c.value.CheckID) });
    }
  }
  if (req.checkId !== undefined && view.checks.get(node)?.has(req.checkId)) {
    ops.push({ type: "delete", key: checkKey(node, req.checkId) });
  }
  return ops;
}

/** Ops setting a check's status and output; none when nothing changes. */
export function checkStatusOps(
  view: CatalogView,
  node: string,
  checkId: string,
  status: HealthStatus,
  output: string,
): Op[] {
  const cur = view.checks.get(node)?.get(checkId);
  if (!cur) throw new NotFoundError(`Unknown check ID "${checkId}"`);
  if (cur.value.Status === status && cur.value.Output === output) return [];
  return [
    {
      type: "put",
      key: checkKey(node, checkId),
      value: json({ ...cur.value, Status: status, Output: output }),
    },
  ];
}

// ---- reads ----

const byKey =
  <T>(key: (t: T) => string) =>
  (a: T, b: T) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -1 : x > y ? 1 : 0;
  };

export function listNodes(view: CatalogView): Indexed<Node>[] {
  return [...view.nodes.values()].sort(byKey((n) => n.value.Node));
}

/** Service name → the union of its instances' tags (sorted, as Consul prints them). */
export function listServices(view: CatalogView): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const name of [...view.byName.keys()].sort()) {
    const tags = new Set<string>();
    for (const { service } of instancesOf(view, name)) for (const t of service.value.Tags) tags.add(t);
    out.set(name, [...tags].sort());
  }
  return out;
}

export interface Instance {
  node: Indexed<Node>;
  service: Indexed<Service>;
}

/** The instances of a service, ordered by node name then service ID. */
export function instancesOf(view: CatalogView, name: string): Instance[] {
  const out: Instance[] = [];
  for (const ref of view.byName.get(name) ?? []) {
    const sep = ref.indexOf("\u0000");
    const nodeName = ref.slice(0, sep);
    const service = view.services.get(nodeName)?.get(ref.slice(sep + 1));
    const node = view.nodes.get(nodeName);
    if (service && node) out.push({ node, service });
  }
  return out.sort(byKey((i) => instanceRef(i.node.value.Node, i.service.value.ID)));
}

/** The checks that decide an instance's health: its node's (first), then its own, each by ID. */
export function checksOfInstance(view: CatalogView, node: string, serviceId: string): Indexed<Check>[] {
  const out: Indexed<Check>[] = [];
  for (const c of view.checks.get(node)?.values() ?? []) {
    if (!c.value.ServiceID || c.value.ServiceID === serviceId) out.push(c);
  }
  return out.sort(byKey((c) => `${c.value.ServiceID ? 1 : 0}${c.value.CheckID}`));
}

export function servicesOfNode(view: CatalogView, node: string): Indexed<Service>[] {
  return [...(view.services.get(node)?.values() ?? [])].sort(byKey((s) => s.value.ID));
}

export function checksOfNode(view: CatalogView, node: string): Indexed<Check>[] {
  return [...(view.checks.get(node)?.values() ?? [])].sort(byKey((c) => c.value.CheckID));
}

export function checksOfService(view: CatalogView, name: string): Indexed<Check>[] {
  const out: Indexed<Check>[] = [];
  const nodes = new Set<string>();
  for (const ref of view.byName.get(name) ?? []) nodes.add(ref.slice(0, ref.indexOf("\u0000")));
  for (const node of [...nodes].sort()) {
    for (const c of checksOfNode(view, node))
      if (c.value.ServiceID && c.value.ServiceName === name) out.push(c);
  }
  return out;
}

export function checksInState(view: CatalogView, state: HealthStatus | "any"): Indexed<Check>[] {
  const out: Indexed<Check>[] = [];
  for (const node of [...view.checks.keys()].sort()) {
    for (const c of checksOfNode(view, node)) if (state === "any" || c.value.Status === state) out.push(c);
  }
  return out;
}

/** Consul's aggregate: maintenance beats critical beats warning beats passing. */
export function aggregateStatus(checks: Iterable<Indexed<Check>>): HealthStatus {
  let worst: HealthStatus = "passing";
  const rank = { passing: 0, warning: 1, critical: 2, maintenance: 3 } as const;
  for (const c of checks) if (rank[c.value.Status] > rank[worst]) worst = c.value.Status;
  return worst;
}
