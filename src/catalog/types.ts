// The catalog's domain records, as stored (JSON) and as held in the view. Field names follow
// Consul's structs so that the api layer maps them to the wire with little ceremony.

export type HealthStatus = "passing" | "warning" | "critical" | "maintenance";
export const HEALTH_STATUSES: readonly HealthStatus[] = ["passing", "warning", "critical", "maintenance"];

export interface TaggedAddress {
  Address: string;
  Port: number;
}

export interface Node {
  ID: string;
  Node: string;
  Address: string;
  Datacenter: string;
  TaggedAddresses: Record<string, string>;
  Meta: Record<string, string>;
}

export interface Service {
  Kind: string;
  ID: string;
  Service: string;
  Tags: string[];
  Address: string;
  TaggedAddresses: Record<string, TaggedAddress>;
  Meta: Record<string, string>;
  Port: number;
  Weights: { Passing: number; Warning: number };
  EnableTagOverride: boolean;
}

/** How a check is run; printed as Consul's "Definition" and used by the agent's runners. */
export interface CheckDefinition {
  Interval?: number; // ms
  Timeout?: number; // ms
  TTL?: number; // ms
  DeregisterCriticalServiceAfter?: number; // ms
  HTTP?: string;
  Header?: Record<string, string[]>;
  Method?: string;
  Body?: string;
  DisableRedirects?: boolean;
  TLSServerName?: string;
  TLSSkipVerify?: boolean;
  TCP?: string;
  UDP?: string;
  GRPC?: string;
  GRPCUseTLS?: boolean;
  H2PING?: string;
  H2PingUseTLS?: boolean;
  ScriptArgs?: string[];
  DockerContainerID?: string;
  Shell?: string;
  AliasNode?: string;
  AliasService?: string;
  SuccessBeforePassing?: number;
  FailuresBeforeWarning?: number;
  FailuresBeforeCritical?: number;
  OutputMaxSize?: number;
}

export interface Check {
  Node: string;
  CheckID: string;
  Name: string;
  Status: HealthStatus;
  Notes: string;
  Output: string;
  ServiceID: string;
  ServiceName: string;
  ServiceTags: string[];
  /** "http", "tcp", "ttl", "script", "serf", "" (a catalog-registered check), … */
  Type: string;
  Definition: CheckDefinition;
}

/** A record plus the store revisions Consul calls CreateIndex and ModifyIndex. */
export interface Indexed<T> {
  value: T;
  createIndex: number;
  modifyIndex: number;
}
