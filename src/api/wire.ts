// Catalog records as Consul prints them: field names, field order, and empty values (null vs
// [] vs {}) per endpoint.

import type { Check, Indexed, Node, Service } from "../catalog/types.ts";
import { formatGoDuration } from "../lib/duration.ts";

const durOrEmpty = (ms: number | undefined) => (ms ? formatGoDuration(ms) : "");

/** /v1/catalog/nodes, and the Node of /v1/health/service entries. */
export function wireNode(n: Indexed<Node>) {
  const v = n.value;
  return {
    ID: v.ID,
    Node: v.Node,
    Address: v.Address,
    Datacenter: v.Datacenter,
    TaggedAddresses: v.TaggedAddresses,
    Meta: v.Meta,
    CreateIndex: n.createIndex,
    ModifyIndex: n.modifyIndex,
  };
}

function healthDefinition(c: Check) {
  const d = c.Definition;
  const out: Record<string, unknown> = {};
  if (d.HTTP) out.HTTP = d.HTTP;
  if (d.TLSServerName) out.TLSServerName = d.TLSServerName;
  if (d.TLSSkipVerify) out.TLSSkipVerify = d.TLSSkipVerify;
  if (d.Header && Object.keys(d.Header).length) out.Header = d.Header;
  if (d.Method) out.Method = d.Method;
  if (d.Body) out.Body = d.Body;
  if (d.DisableRedirects) out.DisableRedirects = d.DisableRedirects;
  if (d.TCP) out.TCP = d.TCP;
  if (d.UDP) out.UDP = d.UDP;
  if (d.H2PING) out.H2PING = d.H2PING;
  if (d.GRPC) out.GRPC = d.GRPC;
  if (d.GRPCUseTLS) out.GRPCUseTLS = d.GRPCUseTLS;
  if (d.Interval) out.IntervalDuration = formatGoDuration(d.Interval);
  if (d.Timeout) out.TimeoutDuration = formatGoDuration(d.Timeout);
  if (d.DeregisterCriticalServiceAfter) {
    out.DeregisterCriticalServiceAfterDuration = formatGoDuration(d.DeregisterCriticalServiceAfter);
  }
  if (d.ScriptArgs?.length) out.ScriptArgs = d.ScriptArgs;
  return out;
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
    Definition: healthDefinition(c),
    CreateIndex: createIndex,
    ModifyIndex: modifyIndex,
  };
}

export const wireIndexedCheck = (c: Indexed<Check>) => wireCheck(c.value, c.createIndex, c.modifyIndex);

/** A service instance as the Service of /v1/health/service and /v1/catalog/node print it. */
export function wireNodeService(s: Indexed<Service>) {
  const v = s.value;
  return {
    ID: v.ID,
    Service: v.Service,
    Tags: v.Tags,
    Address: v.Address,
    TaggedAddresses: Object.keys(v.TaggedAddresses).length ? v.TaggedAddresses : undefined,
    Meta: v.Meta,
    Port: v.Port,
    Weights: v.Weights,
    EnableTagOverride: v.EnableTagOverride,
    Proxy: { Mode: "", MeshGateway: {}, Expose: {} },
    Connect: {},
    PeerName: "",
    CreateIndex: s.createIndex,
    ModifyIndex: s.modifyIndex,
  };
}

/** /v1/agent/services values and /v1/agent/service/:id. */
export function wireAgentService(v: Service, datacenter: string) {
  return {
    ...(v.Kind ? { Kind: v.Kind } : {}),
    ID: v.ID,
    Service: v.Service,
    Tags: v.Tags,
    Meta: v.Meta,
    Port: v.Port,
    Address: v.Address,
    ...(Object.keys(v.TaggedAddresses).length ? { TaggedAddresses: v.TaggedAddresses } : {}),
    Weights: v.Weights,
    EnableTagOverride: v.EnableTagOverride,
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
    TaggedAddresses: n.TaggedAddresses,
    NodeMeta: n.Meta,
    ServiceKind: v.Kind,
    ServiceID: v.ID,
    ServiceName: v.Service,
    ServiceTags: v.Tags,
    ServiceAddress: v.Address,
    ServiceTaggedAddresses: Object.keys(v.TaggedAddresses).length ? v.TaggedAddresses : undefined,
    ServiceWeights: v.Weights,
    ServiceMeta: v.Meta,
    ServicePort: v.Port,
    ServiceSocketPath: "",
    ServiceEnableTagOverride: v.EnableTagOverride,
    ServiceProxy: { Mode: "", MeshGateway: {}, Expose: {} },
    ServiceConnect: {},
    ServicePeerName: "",
    CreateIndex: s.createIndex,
    ModifyIndex: s.modifyIndex,
  };
}
