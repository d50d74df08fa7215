// Service and check definitions as the agent accepts them (HTTP API and config files): decoding
// with Consul's lenient rules, validation with Consul's messages, and conversion to catalog
// records.

import { decodeObject, type Schema } from "../lib/decode.ts";
import { InvalidError } from "../catalog/errors.ts";
import type { Check, CheckDefinition, HealthStatus, Service, TaggedAddress } from "../catalog/types.ts";

// The probe fields shared by a service's embedded checks (CheckType) and a check registered
// on its own (CheckDefinition).
const probeFields = {
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
  TCPUseTLS: "bool",
  UDP: "string",
  Interval: "duration",
  AliasNode: "string",
  AliasService: "string",
  DockerContainerID: "string",
  Shell: "string",
  GRPC: "string",
  GRPCUseTLS: "bool",
  OSService: "string",
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
} as const satisfies Schema["fields"];

const probeAliases = { args: "ScriptArgs", script_args: "ScriptArgs" };

/** A check embedded in a service definition (Check, Checks). */
export const CheckTypeSchema: Schema = {
  name: "CheckType",
  fields: { CheckID: "string", ...probeFields, ServiceID: "ignore" },
  aliases: probeAliases,
};

/** A check registered through /v1/agent/check/register or a config file's "checks". */
export const CheckDefinitionSchema: Schema = {
  name: "CheckDefinition",
  fields: { ID: "string", ServiceID: "string", Token: "ignore", ...probeFields },
  aliases: probeAliases,
};

const TaggedAddressSchema: Schema = { name: "ServiceAddress", fields: { Address: "string", Port: "int" } };
const WeightsSchema: Schema = { name: "Weights", fields: { Passing: "int", Warning: "int" } };

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
    Weights: { object: WeightsSchema },
    Check: { object: CheckTypeSchema },
    Checks: { list: { object: CheckTypeSchema } },
    Token: "ignore",
    EnableTagOverride: "bool",
    Proxy: "any",
    Connect: "any",
    Locality: "any",
  },
};

/** A service as the catalog takes it (/v1/catalog/register's Service: Consul's NodeService). */
export const NodeServiceSchema: Schema = {
  name: "NodeService",
  fields: {
    Kind: "string",
    ID: "string",
    Service: "string",
    Tags: "strings",
    Address: "string",
    TaggedAddresses: { map: { object: TaggedAddressSchema } },
    Meta: "stringMap",
    Port: "int",
    SocketPath: "string",
    Weights: { object: WeightsSchema },
    EnableTagOverride: "bool",
    Proxy: "any",
    Connect: "any",
    Locality: "any",
    PeerName: "ignore",
    LocallyRegisteredAsSidecar: "ignore",
    CreateIndex: "ignore",
    ModifyIndex: "ignore",
  },
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
}

export const decodeServiceSpec = (body: unknown) =>
  decodeObject(ServiceDefinitionSchema, body) as ServiceSpec;
export const decodeCheckSpec = (body: unknown) => decodeObject(CheckDefinitionSchema, body) as CheckSpec;

/** /v1/catalog/register's Service, as a service definition ("Service" is its name there). */
export function decodeNodeService(body: unknown): ServiceSpec {
  const { Service, ...rest } = decodeObject(NodeServiceSchema, body) as ServiceSpec & { Service?: string };
  return { ...rest, Name: Service };
}

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
    const pair = (why: string) => new Error(`Couldn't load metadata pair ('${k}', '${v}'): ${why}`);
    if (k === "") throw pair("Key cannot be blank");
    if (!metaKeyFormat.test(k)) throw pair("Key contains invalid characters");
    if (k.length > META_KEY_MAX) throw pair(`Key is too long (limit: ${META_KEY_MAX} characters)`);
    if (k.startsWith("consul-") && !allowConsulPrefix)
      throw pair("Key prefix 'consul-' is reserved for internal use");
    if (v.length > META_VALUE_MAX) throw pair(`Value is too long (limit: ${META_VALUE_MAX} characters)`);
  }
}

function validateServiceMeta(meta: Record<string, string>): void {
  try {
    validateMeta(meta);
  } catch (err) {
    throw new InvalidError(`Invalid Service Meta: ${(err as Error).message}`);
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

/** Consul's CheckType.Validate, with its "Invalid check: " prefix. */
export function validateCheck(c: CheckSpec): void {
  const invalid = (why: string) => new InvalidError(`Invalid check: ${why}`);
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
  if (interval > 0 && ttl > 0) throw invalid("Interval and TTL cannot both be specified");
  if (intervalCheck && interval <= 0) {
    throw invalid("Interval must be > 0 for Script, HTTP, H2PING, TCP, UDP or OSService checks");
  }
  if (intervalCheck && alias) throw invalid("Interval cannot be set for Alias checks");
  if (alias && ttl > 0) throw invalid("TTL must be not be set for Alias checks");
  if (!intervalCheck && !alias && ttl <= 0) throw invalid("TTL must be > 0 for TTL checks");
  if ((c.OutputMaxSize ?? 0) < 0) throw invalid("MaxOutputMaxSize must be positive");
  if (c.FailuresBeforeCritical !== undefined && (c.FailuresBeforeWarning ?? 0) > c.FailuresBeforeCritical) {
    throw invalid("FailuresBeforeWarning can't be higher than FailuresBeforeCritical");
  }
  // Consul silently picks one kind when several are given; census refuses the ambiguity.
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
    throw invalid("only one of Script, Docker, HTTP, TCP, UDP, GRPC, H2PING or Alias may be set");
  }
  if (c.HTTP) {
    let url: URL | undefined;
    try {
      url = new URL(c.HTTP);
    } catch {
      url = undefined;
    }
    if (!url || !/^https?:$/.test(url.protocol))
      throw invalid(`HTTP must be an http:// or https:// URL, got "${c.HTTP}"`);
  }
  for (const [kind, addr] of [
    ["TCP", c.TCP],
    ["UDP", c.UDP],
  ] as const) {
    if (addr && !/^(\[[^\]]+\]|[^:\s/]+):\d{1,5}$/.test(addr)) {
      throw invalid(`${kind} must be host:port, got "${addr}"`);
    }
  }
}

/** The Status a definition may start with (empty: critical). */
export function validateStatus(c: CheckSpec, message: string): void {
  if (c.Status !== undefined && c.Status !== "" && !STATUSES.has(c.Status)) throw new InvalidError(message);
}

/** The catalog record for a service definition (ID defaults to Name, as in Consul). */
export function toService(spec: ServiceSpec): Service {
  const name = spec.Name ?? "";
  if (name === "") throw new InvalidError("Missing service name");
  if (spec.Address && ["0.0.0.0", "::", "[::]"].includes(spec.Address))
    throw new InvalidError("Invalid service address");
  validateServiceMeta(spec.Meta ?? {});
  const w = spec.Weights;
  if (w && (w.Passing ?? 1) < 1) throw new InvalidError("Invalid Weights: Passing must be greater than 0");
  if (w && (w.Warning ?? 1) < 0)
    throw new InvalidError("Invalid Weights: Warning must be greater or equal than 0");
  if (spec.Port !== undefined && (spec.Port < 0 || spec.Port > 65535)) {
    throw new InvalidError(`Invalid service port ${spec.Port}: must be between 0 and 65535`);
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
  for (const c of specs) validateCheck(c);
  for (const c of specs) validateStatus(c, "Status for checks must 'passing', 'warning', 'critical'");
  return specs.map((c, i) => {
    const id = c.CheckID || (specs.length === 1 ? `service:${service.ID}` : `service:${service.ID}:${i + 1}`);
    return toCheck(c, node, id, service);
  });
}
