// The shapes of the public HTTP API answers the UI reads (Consul's field names).

export interface HealthCheck {
  Node: string;
  CheckID: string;
  Name: string;
  Status: string;
  Notes: string;
  Output: string;
  ServiceID: string;
  ServiceName: string;
  ServiceTags: string[] | null;
  Type: string;
  Interval?: string;
  Timeout?: string;
  CreateIndex: number;
  ModifyIndex: number;
}

export interface Node {
  ID: string;
  Node: string;
  Address: string;
  Datacenter: string;
  TaggedAddresses: Record<string, string> | null;
  Meta: Record<string, string> | null;
}

export interface NodeService {
  ID: string;
  Service: string;
  Tags: string[] | null;
  Address: string;
  Meta: Record<string, string> | null;
  Port: number;
}

/** /v1/health/service/:name */
export interface ServiceEntry {
  Node: Node;
  Service: NodeService;
  Checks: HealthCheck[] | null;
}

/** /v1/catalog/node/:node (null for an unknown node) */
export type CatalogNode = { Node: Node; Services: Record<string, NodeService> | null } | null;

/** /v1/catalog/services */
export type ServiceTags = Record<string, string[] | null>;

/** /v1/internal/ui/services: one summary per service, as Consul's own UI reads them. */
export interface ServiceSummary {
  Name: string;
  Datacenter: string;
  Tags: string[] | null;
  Nodes: string[] | null;
  InstanceCount: number;
  ChecksPassing: number;
  ChecksWarning: number;
  ChecksCritical: number;
  Kind: string;
}
