// Service and check definitions as the agent accepts them (HTTP API and config files): decoding
// with Consul's lenient rules, validation with Consul's messages, and conversion to catalog
// records.

import { decodeObject, type Schema } from "../lib/decode.ts";
import { InvalidError } from "../catalog/errors.ts";
import type { Check, CheckDefinition, HealthStatus, Service, TaggedAddress } from "../catalog/types.ts";

export const CheckTypeSchema: Schema = {
  name: "CheckType",
  fields: {
    CheckID: "string",
    Name: "string",
    Status: "string",
    Notes: "string",
    ScriptArgs: "strings",
    HTTP: "string",
    Header: { map: "strings" },
    Method: "string",
    Body: "string",
    DisableRedirects: "bool",
    TCP: "string",
    UDP: "string",
    Interval: "duration",
    AliasNode: "string",
    AliasService: "string",
    DockerContainerID: "string",
    Shell: "string",
    GRPC: "string",
    GRPCUseTLS: "bool",
    TLSServerName: "string",
    TLSSkipVerify: "bool",
    Timeout: "duration",
    TTL: "duration",
    H2PING: "string",
    H2PingUseTLS: "bool",
    SuccessBeforePassing: "int",
    FailuresBeforeWarning: "int",
    FailuresBeforeCritical: "int",
    DeregisterCriticalServiceAfter: "duration",
    OutputMaxSize: "int",
    // Only meaningful on /v1/agent/check/register (a check of its own):
    ID: "string",
    ServiceID: "string",
  },
  aliases: { args: "ScriptArgs", script_args: "ScriptArgs", check_id: "CheckID", service_id: "ServiceID" },
};

const TaggedAddressSchema: Schema = { name: "ServiceAddress", fields: { Address: "string", Port: "int" } };

export const ServiceDefinitionSchema: Schema = {
  name: "ServiceDefinition",
  fields: {
    Kind: "string",
    ID: "string",
    Name: "string",
    Tags: "strings",
    Address: "string",
    TaggedAddresses: { map: { object: TaggedAddressSchema } },
    Meta: "stringMap",
    Port: "int",
    SocketPath: "string",
    Weights: { object: { name: "Weights", fields: { Passing: "int", Warning: "int" } } },
    Check: { object: CheckTypeSchema },
    Checks: { list: { object: CheckTypeSchema } },
    Token: "string",
    EnableTagOverride: "bool",
    Proxy: "any",
    Connect: "any",
    Namespace: "string",
    Partition: "string",
  },
  // Consul's register endpoint also takes the service name as "Service" (api.AgentService).
  aliases: { service: "Name", service_id: "ID" },
};

/** A decoded check definition (durations in ms). */
export interface CheckSpec extends CheckDefinition {
  CheckID?: string;
  ID?: string;
  Name?: string;
  Status?: string;
  Notes?: string;
  ServiceID?: string;
}

export interface ServiceSpec {
  Kind?: string;
  ID?: string;
  Name?: string;
  Tags?: string[];
  Address?: string;
  TaggedAddresses?: Record<string, TaggedAddress>;
  Meta?: Record<string, string>;
  Port?: number;
  Weights?: { Passing?: number; Warning?: number };
  Check?: CheckSpec;
  Checks?: CheckSpec[];
  EnableTagOverride?: boolean;
  Namespace?: string;
  Partition?: string;
}

export const decodeServiceSpec = (body: unknown) =>
  decodeObject(ServiceDefinitionSchema, body) as ServiceSpec;
export const decodeCheckSpec = (body: unknown) => decodeObject(CheckTypeSchema, body) as CheckSpec;

const META_MAX_PAIRS = 64;
const META_KEY_MAX = 128;
const META_VALUE_MAX = 512;
const metaKeyFormat = /^[a-zA-Z0-9_-]+$/;

/** Consul's structs.ValidateMetadata, message for message. */
export function validateMeta(meta: Record<string, string>, allowConsulPrefix = false): void {
  if (Object.keys(meta).length > META_MAX_PAIRS) {
    throw new Error(`Node metadata cannot contain more than ${META_MAX_PAIRS} key/value pairs`);
  }
  for (const [k, v] of Object.entries(meta)) {
    if (k === "") throw new Error("Key cannot be blank");
    if (!metaKeyFormat.test(k)) throw new Error(`Key contains invalid characters`);
    if (k.length > META_KEY_MAX) throw new Error(`Key is too long (limit: ${META_KEY_MAX} characters)`);
    if (k.startsWith("consul-") && !allowConsulPrefix) {
      throw new Error(`Key prefix 'consul-' is reserved for internal use`);
    }
    if (v.length > META_VALUE_MAX) throw new Error(`Value is too long (limit: ${META_VALUE_MAX} characters)`);
  }
}

function validateServiceMeta(meta: Record<string, string>): void {
  try {
    validateMeta(meta);
  } catch (err) {
    throw new InvalidError(`Invalid Service Meta: ${(err as Error).message.replace(/^Node/, "Service")}`);
  }
}

const STATUSES = new Set(["passing", "warning", "critical"]);

export type CheckKind = "script" | "docker" | "http" | "tcp" | "udp" | "grpc" | "h2ping" | "ttl" | "alias";

export function checkKind(c: CheckDefinition): CheckKind | undefined {
  if (c.DockerContainerID) return "docker";
  if (c.ScriptArgs?.length) return "script";
  if (c.HTTP) return "http";
  if (c.TCP) return "tcp";
  if (c.UDP) return "udp";
  if (c.GRPC) return "grpc";
  if (c.H2PING) return "h2ping";
  if (c.AliasNode || c.AliasService) return "alias";
  if (c.TTL !== undefined && c.TTL > 0) return "ttl";
  return undefined;
}

/** Consul's CheckType.Validate; the api prefixes "Invalid check: ". */
export function validateCheck(c: CheckSpec): void {
  const intervalCheck = !!(
    c.ScriptArgs?.length ||
    c.DockerContainerID ||
    c.HTTP ||
    c.TCP ||
    c.UDP ||
    c.GRPC ||
    c.H2PING
  );
  const alias = !!(c.AliasNode || c.AliasService);
  const interval = c.Interval ?? 0;
  const ttl = c.TTL ?? 0;
  if (interval > 0 && ttl > 0) throw new InvalidError("Interval and TTL cannot both be specified");
  if (intervalCheck && interval <= 0) {
    throw new InvalidError("Interval must be > 0 for Script, HTTP, H2PING, TCP, UDP or OSService checks");
  }
  if (intervalCheck && alias) throw new InvalidError("Interval cannot be set for Alias checks");
  if (alias && ttl > 0) throw new InvalidError("TTL must be not be set for Alias checks");
  if (!intervalCheck && !alias && ttl <= 0) throw new InvalidError("TTL must be > 0 for TTL checks");
  if ((c.OutputMaxSize ?? 0) < 0) throw new InvalidError("MaxOutputMaxSize must be positive");
  if (c.Status !== undefined && c.Status !== "" && !STATUSES.has(c.Status)) {
    throw new InvalidError(`Invalid check status: "${c.Status}"`);
  }
  const kinds = [
    c.ScriptArgs?.length && !c.DockerContainerID,
    c.DockerContainerID,
    c.HTTP,
    c.TCP,
    c.UDP,
    c.GRPC,
    c.H2PING,
    alias,
  ];
  if (kinds.filter(Boolean).length > 1) {
    throw new InvalidError("Only one of Script, HTTP, TCP, UDP, GRPC, H2PING, Alias or Docker may be set");
  }
  if (c.HTTP) {
    let url: URL | undefined;
    try {
      url = new URL(c.HTTP);
    } catch {
      url = undefined;
    }
    if (!url || !/^https?:$/.test(url.protocol)) throw new InvalidError(`Invalid HTTP check URL "${c.HTTP}"`);
  }
  for (const addr of [c.TCP, c.UDP]) {
    if (addr && !/^(\[[^\]]+\]|[^:\s]+):\d{1,5}$/.test(addr)) {
      throw new InvalidError(`Invalid address "${addr}": missing port in address or not host:port`);
    }
  }
}

export interface NodeIdentity {
  node: string;
}

/** The catalog record for a service definition (ID defaults to Name, as in Consul). */
export function toService(spec: ServiceSpec): Service {
  const name = spec.Name ?? "";
  if (name === "") throw new InvalidError("Missing service name");
  validateServiceMeta(spec.Meta ?? {});
  const w = spec.Weights;
  if (w && (w.Passing ?? 1) < 1) throw new InvalidError("Invalid Weights: Passing must be greater than 0");
  if (w && (w.Warning ?? 1) < 0)
    throw new InvalidError("Invalid Weights: Warning must be greater or equal than 0");
  if (spec.Port !== undefined && (spec.Port < 0 || spec.Port > 65535)) {
    throw new InvalidError(`Invalid service port ${spec.Port}: must be between 0 and 65535`);
  }
  if (spec.Namespace && spec.Namespace !== "default") {
    throw new InvalidError(`Namespaces are a Consul Enterprise feature`);
  }
  return {
    Kind: spec.Kind ?? "",
    ID: spec.ID || name,
    Service: name,
    Tags: spec.Tags ?? [],
    Address: spec.Address ?? "",
    TaggedAddresses: spec.TaggedAddresses ?? {},
    Meta: spec.Meta ?? {},
    Port: spec.Port ?? 0,
    Weights: { Passing: w?.Passing ?? 1, Warning: w?.Warning ?? 1 },
    EnableTagOverride: spec.EnableTagOverride ?? false,
  };
}

const DEFINITION_FIELDS: (keyof CheckDefinition)[] = [
  "Interval",
  "Timeout",
  "TTL",
  "DeregisterCriticalServiceAfter",
  "HTTP",
  "Header",
  "Method",
  "Body",
  "DisableRedirects",
  "TLSServerName",
  "TLSSkipVerify",
  "TCP",
  "UDP",
  "GRPC",
  "GRPCUseTLS",
  "H2PING",
  "H2PingUseTLS",
  "ScriptArgs",
  "DockerContainerID",
  "Shell",
  "AliasNode",
  "AliasService",
  "SuccessBeforePassing",
  "FailuresBeforeWarning",
  "FailuresBeforeCritical",
  "OutputMaxSize",
];

/**
 * The catalog record for a check. checkId is the ID Consul would choose ("service:<id>" for
 * a service's only check, "service:<id>:<n>" for the n-th of several); a check's initial
 * status is critical unless the definition says otherwise.
 */
export function toCheck(spec: CheckSpec, node: string, checkId: string, service?: Service): Check {
  validateCheck(spec);
  const def: CheckDefinition = {};
  for (const f of DEFINITION_FIELDS) if (spec[f] !== undefined) (def as any)[f] = spec[f];
  return {
    Node: node,
    CheckID: checkId,
    Name: spec.Name || (service ? `Service '${service.Service}' check` : checkId),
    Status: (spec.Status || "critical") as HealthStatus,
    Notes: spec.Notes ?? "",
    Output: "",
    ServiceID: service?.ID ?? "",
    ServiceName: service?.Service ?? "",
    ServiceTags: service?.Tags ?? [],
    Type: checkKind(spec) ?? "",
    Definition: def,
  };
}

/** The check definitions embedded in a service definition (Check, then Checks). */
export function embeddedChecks(spec: ServiceSpec): CheckSpec[] {
  return [...(spec.Check && Object.keys(spec.Check).length ? [spec.Check] : []), ...(spec.Checks ?? [])];
}

/** The catalog records of a service's embedded checks, with Consul's IDs. */
export function serviceChecks(specs: CheckSpec[], node: string, service: Service): Check[] {
  return specs.map((c, i) => {
    const id =
      c.CheckID || c.ID || (specs.length === 1 ? `service:${service.ID}` : `service:${service.ID}:${i + 1}`);
    return toCheck(c, node, id, service);
  });
}
