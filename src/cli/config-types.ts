// The agent's configuration after flags and config files are merged (flags win, as in Consul).

export interface Ports {
  http: number;
  https: number;
  dns: number;
  server: number;
  serfLan: number;
  serfWan: number;
  grpc: number;
}

export type StoreKind = "memory" | "sqlite" | "etcd";

export interface AgentConfig {
  dev: boolean;
  server: boolean;
  bootstrap: boolean;
  bootstrapExpect: number;
  nodeName: string;
  nodeId?: string;
  nodeMeta: Record<string, string>;
  datacenter: string;
  primaryDatacenter?: string;
  bindAddr: string;
  /** Addresses the HTTP and DNS listeners bind to (client_addr may hold several, space separated). */
  clientAddr: string[];
  advertiseAddr?: string;
  /** -1 disables a listener. */
  ports: Ports;
  dataDir?: string;
  pidFile?: string;
  logLevel: "trace" | "debug" | "info" | "warn" | "error";
  logJson: boolean;
  ui: boolean;
  enableScriptChecks: boolean;
  enableLocalScriptChecks: boolean;
  /** Service definitions from config files, as written there (decoded by the agent). */
  services: Record<string, unknown>[];
  /** Check definitions from config files, as written there (decoded by the agent). */
  checks: Record<string, unknown>[];
  retryJoin: string[];
  store: StoreKind;
  etcdEndpoints: string[];
}
