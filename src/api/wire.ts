// Catalog records as Consul prints them: field names, field order, and empty values (null vs
// [] vs {}) per endpoint.

import type { Check, Indexed, Node, Service } from "../catalog/types.ts";
import { formatGoDuration } from "../lib/duration.ts";

const durOrEmpty = (ms: number | undefined) => (ms ? formatGoDuration(ms) : "");

/** Go prints map keys in sorted order. */
function sorted<V>(m: Record<string, V>): Record<string, V> {
  const keys = Object.keys(m);
  if (keys.length < 2) return m;
  const out: Record<string, V> = {};
  for (const k of keys.sort()) out[k] = m[k];
  return out;
}

/** Go prints a map that was never set as null. */
const mapOrNull = <V>(m: Record<string, V>) => (Object.keys(m).length ? sorted(m) : null);
const mapOrOmit = <V>(m: Record<string, V>) => (Object.keys(m).length ? sorted(m) : undefined);

/** /v1/catalog/nodes, and the Node of /v1/health/service entries. */
export function wireNode(n: Indexed<Node>) {
  const v = n.value;
  return {
    ID: v.ID,
    Node: v.Node,
    Address: v.Address,
    Datacenter: v.Datacenter,
    TaggedAddresses: mapOrNull(v.TaggedAddresses),
    Meta: mapOrNull(v.Meta),
    CreateIndex: n.createIndex,
    ModifyIndex: n.modifyIndex,
  };
}

/** A check as /v1/health/*, /v1/agent/checks and /v1/catalog print it. */
export function wireCheck(c: Check, createIndex = 0, modifyIndex = 0) {
  return {
    Node: c.Node,
    CheckID: c.CheckID,
    Name: c.Name,
    Status: c.Status,
    Notes: c.Notes,
    Output: c.Output,
    ServiceID: c.ServiceID,
    ServiceName: c.ServiceName,
    ServiceTags: c.ServiceTags,
    Type: c.Type,
    Interval: durOrEmpty(c.Definition.Interval),
    Timeout: durOrEmpty(c.Definition.Timeout),
    ExposedPort: 0,
    // Checks an agent syncs print an empty Definition in Consul; the probe is in Type/Interval.
    Definition: {},
    CreateIndex: createIndex,
    ModifyIndex: modifyIndex,
  };
}

export const wireIndexedCheck = (c: Indexed<Check>) => wireCheck(c.value, c.createIndex, c.modifyIndex);

/** A service instance as the Service of /v1/health/service and /v1/catalog/node print it. */
export function wireNodeService(s: Indexed<Service>) {
  const v = s.value;
  return {
    ...(v.Kind ? { Kind: v.Kind } : {}),
    ID: v.ID,
    Service: v.Service,
    Tags: v.Tags,
    Address: v.Address,
    TaggedAddresses: mapOrOmit(v.TaggedAddresses),
    Meta: mapOrNull(v.Meta),
    Port: v.Port || undefined, // omitempty
    Weights: v.Weights,
    EnableTagOverride: v.EnableTagOverride,
    Proxy: { Mode: "", MeshGateway: {}, Expose: {} },
    Connect: {},
    PeerName: "",
    CreateIndex: s.createIndex,
    ModifyIndex: s.modifyIndex,
  };
}

/** /v1/agent/services values and /v1/agent/service/:id (with its ContentHash). */
export function wireAgentService(v: Service, datacenter: string, contentHash?: string) {
  return {
    ...(v.Kind ? { Kind: v.Kind } : {}),
    ID: v.ID,
    Service: v.Service,
    Tags: v.Tags,
    Meta: sorted(v.Meta),
    Port: v.Port,
    Address: v.Address,
    TaggedAddresses: mapOrOmit(v.TaggedAddresses),
    Weights: v.Weights,
    EnableTagOverride: v.EnableTagOverride,
    ContentHash: contentHash,
    Datacenter: datacenter,
  };
}

/** An entry of /v1/catalog/service/:name. */
export function wireCatalogService(node: Indexed<Node>, s: Indexed<Service>) {
  const n = node.value;
  const v = s.value;
  return {
    ID: n.ID,
    Node: n.Node,
    Address: n.Address,
    Datacenter: n.Datacenter,
    TaggedAddresses: mapOrNull(n.TaggedAddresses),
    NodeMeta: mapOrNull(n.Meta),
    ServiceKind: v.Kind,
    ServiceID: v.ID,
    ServiceName: v.Service,
    ServiceTags: v.Tags,
    ServiceAddress: v.Address,
    ServiceTaggedAddresses: mapOrOmit(v.TaggedAddresses),
    ServiceWeights: v.Weights,
    ServiceMeta: sorted(v.Meta),
    ServicePort: v.Port,
    ServiceSocketPath: "",
    ServiceEnableTagOverride: v.EnableTagOverride,
    ServiceProxy: { Mode: "", MeshGateway: {}, Expose: {} },
    ServiceConnect: {},
    ServiceLocality: null,
    CreateIndex: s.createIndex,
    ModifyIndex: s.modifyIndex,
  };
}
