// `census agent` configuration: Consul's agent flags and config files (JSON, JSON5, HCL), merged the
// way Consul merges them: config files and directories in the order given (later files win for
// scalars, lists append, maps merge), then -hcl fragments, then flags on top.

import { readFile, readdir, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import JSON5 from "json5";
import { parse as parseHcl } from "@cdktf/hcl2json";
import type { AgentConfig, Ports, StoreKind } from "./config-types.ts";
import { parseFlags, usage, type FlagSpec } from "./flags.ts";

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export const agentFlagSpec = {
  dev: { kind: "bool", help: "Starts the agent in development mode: server, in-memory store, UI on." },
  server: { kind: "bool", help: "Switches the agent to server mode." },
  bootstrap: { kind: "bool", help: "Sets server to bootstrap mode." },
  "bootstrap-expect": { kind: "int", help: "Sets server to expect bootstrap mode.", placeholder: "n" },
  node: { kind: "string", help: "Name of this node. Must be unique in the cluster.", placeholder: "name" },
  "node-id": { kind: "string", help: "A unique ID for this node across space and time (a UUID)." },
  "node-meta": {
    kind: "list",
    help: "An arbitrary metadata key/value pair for this node, of the format `key:value`.\nCan be specified multiple times.",
    placeholder: "key:value",
  },
  datacenter: { kind: "string", help: "Datacenter of the agent.", defaultText: "dc1" },
  bind: { kind: "string", help: "Sets the bind address for cluster communication." },
  client: {
    kind: "string",
    help: "Sets the address to bind for client access (HTTP, DNS).",
    defaultText: "127.0.0.1",
  },
  advertise: { kind: "string", help: "Sets the advertise address to use." },
  "http-port": { kind: "int", help: "Sets the HTTP API port to listen on.", defaultText: "8500" },
  "https-port": { kind: "int", help: "Sets the HTTPS API port to listen on.", defaultText: "-1" },
  "dns-port": { kind: "int", help: "DNS port to use.", defaultText: "8600" },
  "grpc-port": {
    kind: "int",
    help: "Sets the gRPC API port to listen on.",
    defaultText: "-1, 8502 with -dev",
  },
  "server-port": { kind: "int", help: "Sets the server port to listen on.", defaultText: "8300" },
  "serf-lan-port": { kind: "int", help: "Sets the Serf LAN port to listen on.", defaultText: "8301" },
  "serf-wan-port": { kind: "int", help: "Sets the Serf WAN port to listen on.", defaultText: "8302" },
  "data-dir": { kind: "string", help: "Path to a data directory to store agent state.", placeholder: "path" },
  "config-file": {
    kind: "list",
    help: "Path to a file in JSON, JSON5 or HCL format with a matching file extension.\nCan be specified multiple times.",
    placeholder: "path",
  },
  "config-dir": {
    kind: "list",
    help: "Path to a directory to read configuration files from. Reads every file ending in\n'.json', '.json5' or '.hcl' in lexical order. Can be specified multiple times.",
    placeholder: "path",
  },
  "config-format": {
    kind: "string",
    help: "Config files are in this format irrespective of their extension: json, json5 or hcl.",
  },
  hcl: { kind: "list", help: "HCL config fragment. Can be specified multiple times." },
  "pid-file": { kind: "string", help: "Path to file to store agent PID.", placeholder: "path" },
  "log-level": { kind: "string", help: "Log level of the agent.", defaultText: "info" },
  "log-json": { kind: "bool", help: "Output logs in JSON format." },
  ui: { kind: "bool", help: "Enables the built-in static web UI server." },
  "retry-join": {
    kind: "list",
    help: "Address of an agent to join at start time with retries enabled.\nCan be specified multiple times.",
  },
  "enable-script-checks": { kind: "bool", help: "Enables health check scripts." },
  "enable-local-script-checks": {
    kind: "bool",
    help: "Enables health check scripts from configuration file.",
  },
  store: {
    kind: "string",
    help: "census: catalog store, one of memory, sqlite or etcd.\nDefault: memory with -dev, else sqlite in -data-dir.",
    placeholder: "memory|sqlite|etcd",
  },
  "etcd-endpoints": {
    kind: "string",
    help: "census: comma-separated etcd endpoints for -store etcd.",
    placeholder: "a,b,c",
  },
  // Consul flags census accepts but ignores (a log line says so).
  encrypt: { kind: "string", help: "Accepted for compatibility; no effect in census." },
  recursor: { kind: "list", help: "Accepted for compatibility; no effect in census." },
  domain: { kind: "string", help: "Accepted for compatibility; no effect in census." },
  "alt-domain": { kind: "string", help: "Accepted for compatibility; no effect in census." },
  "log-file": { kind: "string", help: "Accepted for compatibility; no effect in census." },
  syslog: { kind: "bool", help: "Accepted for compatibility; no effect in census." },
  rejoin: { kind: "bool", help: "Accepted for compatibility; no effect in census." },
  "retry-interval": { kind: "duration", help: "Accepted for compatibility; no effect in census." },
  "retry-max": { kind: "int", help: "Accepted for compatibility; no effect in census." },
  "retry-join-wan": { kind: "list", help: "Accepted for compatibility; no effect in census." },
  "raft-protocol": { kind: "int", help: "Accepted for compatibility; no effect in census." },
  "disable-host-node-id": { kind: "bool", help: "Accepted for compatibility; no effect in census." },
  "disable-keyring-file": { kind: "bool", help: "Accepted for compatibility; no effect in census." },
} satisfies FlagSpec;

const IGNORED_FLAGS = [
  "encrypt",
  "recursor",
  "domain",
  "alt-domain",
  "log-file",
  "syslog",
  "rejoin",
  "retry-interval",
  "retry-max",
  "retry-join-wan",
  "raft-protocol",
  "disable-host-node-id",
  "disable-keyring-file",
] as const;

/** One layer of configuration; merged in order (scalars: later wins; lists append; maps merge). */
interface Layer {
  dev?: boolean;
  server?: boolean;
  bootstrap?: boolean;
  bootstrapExpect?: number;
  nodeName?: string;
  nodeId?: string;
  nodeMeta?: Record<string, string>;
  datacenter?: string;
  primaryDatacenter?: string;
  bindAddr?: string;
  clientAddr?: string;
  advertiseAddr?: string;
  ports?: Partial<Ports>;
  dataDir?: string;
  pidFile?: string;
  logLevel?: string;
  logJson?: boolean;
  ui?: boolean;
  enableScriptChecks?: boolean;
  enableLocalScriptChecks?: boolean;
  services?: Record<string, unknown>[];
  checks?: Record<string, unknown>[];
  retryJoin?: string[];
  store?: string;
  etcdEndpoints?: string[];
}

const APPENDED = new Set<keyof Layer>(["services", "checks", "retryJoin"]);

function mergeLayers(layers: Layer[]): Layer {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer) as [keyof Layer, unknown][]) {
      if (v === undefined) continue;
      if (APPENDED.has(k)) out[k] = [...((out[k] as unknown[] | undefined) ?? []), ...(v as unknown[])];
      else if (k === "ports" || k === "nodeMeta")
        out[k] = { ...(out[k] as object | undefined), ...(v as object) };
      else out[k] = v;
    }
  }
  return out as Layer;
}

// ---------------------------------------------------------------------------------------------
// Decoding config file contents

type Format = "json" | "json5" | "hcl";

/** Keys Consul understands that census accepts and ignores (one log line per key). */
const IGNORED_KEYS = new Set([
  "performance",
  "acl",
  "telemetry",
  "encrypt",
  "tls",
  "connect",
  "limits",
  "dns_config",
  "recursors",
  "addresses",
  "leave_on_terminate",
  "skip_leave_on_interrupt",
  "rejoin_after_leave",
  "disable_update_check",
  "disable_anonymous_signature",
  "disable_host_node_id",
  "disable_keyring_file",
  "disable_remote_exec",
  "disable_coordinates",
  "disable_http_unprintable_char_filter",
  "discard_check_output",
  "enable_debug",
  "enable_syslog",
  "syslog_facility",
  "log_file",
  "domain",
  "alt_domain",
  "ca_file",
  "ca_path",
  "cert_file",
  "key_file",
  "auto_encrypt",
  "auto_config",
  "auto_reload_config",
  "autopilot",
  "audit",
  "gossip_lan",
  "gossip_wan",
  "http_config",
  "segment",
  "segments",
  "config_entries",
  "peering",
  "experiments",
  "license_path",
  "start_join",
  "start_join_wan",
  "advertise_addr_wan",
  "advertise_addr_ipv4",
  "advertise_addr_ipv6",
  "serf_lan",
  "serf_wan",
  "serf_lan_allowed_cidrs",
  "serf_wan_allowed_cidrs",
  "translate_wan_addrs",
  "enable_central_service_config",
  "check_update_interval",
  "watches",
  "reconnect_timeout",
  "reconnect_timeout_wan",
  "session_ttl_min",
  "server_name",
  "cache",
  "rpc",
  "xds",
  "use_streaming_backend",
  "unix_sockets",
  "protocol",
  "primary_gateways",
  "primary_gateways_interval",
  "default_query_time",
  "max_query_time",
  "dns_recursors",
  "enable_agent_tls_for_checks",
  "node_name_dns_compat",
  "disable_compression",
  "leave_drain_time",
  "ui_dir",
  "ui_content_path",
  "locality",
  "cloud",
  "license",
  "enterprise_meta",
  "partition",
]);

const IGNORED_PREFIXES = ["acl_", "verify_", "tls_", "encrypt_", "log_rotate_", "raft_", "retry_"];

function isIgnoredKey(key: string): boolean {
  if (key === "retry_join") return false;
  return IGNORED_KEYS.has(key) || IGNORED_PREFIXES.some((p) => key.startsWith(p));
}

/**
 * Paths (dotted, list elements keep their list's path) whose HCL blocks stay lists. Everywhere else
 * a single HCL block (which hcl2json turns into a one-element array of objects) becomes an object,
 * as Consul's patchSliceOfMaps does.
 */
const HCL_LIST_PATHS = new Set([
  "checks",
  "services",
  "watches",
  "segments",
  "config_entries.bootstrap",
  ...["service", "services"].flatMap((s) => [
    `${s}.checks`,
    `${s}.proxy.upstreams`,
    `${s}.proxy.expose.paths`,
    `${s}.connect.proxy.upstreams`,
    `${s}.connect.proxy.config.upstreams`,
    `${s}.connect.proxy.expose.paths`,
    `${s}.connect.sidecar_service.checks`,
    `${s}.connect.sidecar_service.proxy.upstreams`,
    `${s}.connect.sidecar_service.proxy.expose.paths`,
  ]),
]);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function patchSliceOfMaps(v: unknown, at: string): unknown {
  if (Array.isArray(v)) return v.map((e) => patchSliceOfMaps(e, at));
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, child] of Object.entries(v)) {
    const p = at ? `${at}.${k}` : k;
    if (Array.isArray(child) && child.length > 0 && child.every(isPlainObject)) {
      const patched = child.map((e) => patchSliceOfMaps(e, p));
      out[k] = child.length === 1 && !HCL_LIST_PATHS.has(p) ? patched[0] : patched;
    } else {
      out[k] = patchSliceOfMaps(child, p);
    }
  }
  return out;
}

/** Parses config text into a plain object (HCL blocks normalised as described above). */
export async function parseConfigText(
  source: string,
  text: string,
  format: Format,
): Promise<Record<string, unknown>> {
  let data: unknown;
  try {
    if (format === "json") data = JSON.parse(text);
    else if (format === "json5") data = JSON5.parse(text);
    else data = patchSliceOfMaps(await parseHcl(path.basename(source) || "config.hcl", text), "");
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new ConfigError(`config file ${source}: invalid ${format.toUpperCase()}: ${msg}`);
  }
  if (!isPlainObject(data)) throw new ConfigError(`config file ${source}: top level must be an object`);
  return data;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "an object";
  return JSON.stringify(v) ?? String(v);
}

class Decoder {
  readonly layer: Layer = {};
  constructor(
    private readonly source: string,
    private readonly ignore: (key: string) => void,
  ) {}

  fail(key: string, msg: string): never {
    throw new ConfigError(`config file ${this.source}: ${key}: ${msg}`);
  }
  unknown(key: string): never {
    throw new ConfigError(`config file ${this.source}: invalid config key ${key}`);
  }

  str(v: unknown, key: string): string {
    if (typeof v !== "string") this.fail(key, `expected a string, got ${describe(v)}`);
    return v;
  }
  int(v: unknown, key: string): number {
    if (typeof v !== "number" || !Number.isSafeInteger(v))
      this.fail(key, `expected an integer, got ${describe(v)}`);
    return v;
  }
  bool(v: unknown, key: string): boolean {
    if (typeof v !== "boolean") this.fail(key, `expected a boolean, got ${describe(v)}`);
    return v;
  }
  obj(v: unknown, key: string): Record<string, unknown> {
    if (!isPlainObject(v)) this.fail(key, `expected an object, got ${describe(v)}`);
    return v;
  }
  strList(v: unknown, key: string): string[] {
    if (!Array.isArray(v)) this.fail(key, `expected a list of strings, got ${describe(v)}`);
    return v.map((e, i) => this.str(e, `${key}[${i}]`));
  }
  strMap(v: unknown, key: string): Record<string, string> {
    const o = this.obj(v, key);
    const out: Record<string, string> = {};
    for (const [k, e] of Object.entries(o)) out[k] = this.str(e, `${key}.${k}`);
    return out;
  }
  /** An object or a list of objects (HCL repeated blocks; `service` given several times). */
  objList(v: unknown, key: string): Record<string, unknown>[] {
    if (isPlainObject(v)) return [v];
    if (!Array.isArray(v)) this.fail(key, `expected an object or a list of objects, got ${describe(v)}`);
    return v.map((e, i) => this.obj(e, `${key}[${i}]`));
  }

  decode(data: Record<string, unknown>): Layer {
    const l = this.layer;
    for (const [key, v] of Object.entries(data)) {
      switch (key) {
        case "node_name":
          l.nodeName = this.str(v, key);
          break;
        case "node_id":
          l.nodeId = this.str(v, key);
          break;
        case "node_meta":
          l.nodeMeta = { ...l.nodeMeta, ...this.strMap(v, key) };
          break;
        case "datacenter":
          l.datacenter = this.str(v, key);
          break;
        case "primary_datacenter":
          l.primaryDatacenter = this.str(v, key);
          break;
        case "data_dir":
          l.dataDir = this.str(v, key);
          break;
        case "client_addr":
          l.clientAddr = this.str(v, key);
          break;
        case "bind_addr":
          l.bindAddr = this.str(v, key);
          break;
        case "advertise_addr":
          l.advertiseAddr = this.str(v, key);
          break;
        case "ports":
          l.ports = { ...l.ports, ...this.ports(this.obj(v, key)) };
          break;
        case "server":
          l.server = this.bool(v, key);
          break;
        case "bootstrap":
          l.bootstrap = this.bool(v, key);
          break;
        case "bootstrap_expect":
          l.bootstrapExpect = this.int(v, key);
          break;
        case "ui": {
          // Deprecated in Consul in favour of ui_config.enabled, which wins when both are set.
          const b = this.bool(v, key);
          if (!(isPlainObject(data.ui_config) && "enabled" in data.ui_config)) l.ui = b;
          break;
        }
        case "ui_config":
          this.uiConfig(this.obj(v, key));
          break;
        case "log_level":
          l.logLevel = this.str(v, key);
          break;
        case "log_json":
          l.logJson = this.bool(v, key);
          break;
        case "pid_file":
          l.pidFile = this.str(v, key);
          break;
        case "enable_script_checks":
          l.enableScriptChecks = this.bool(v, key);
          break;
        case "enable_local_script_checks":
          l.enableLocalScriptChecks = this.bool(v, key);
          break;
        case "retry_join":
          l.retryJoin = [...(l.retryJoin ?? []), ...this.strList(v, key)];
          break;
        case "service":
        case "services":
          l.services = [...(l.services ?? []), ...this.objList(v, key)];
          break;
        case "check":
        case "checks":
          l.checks = [...(l.checks ?? []), ...this.objList(v, key)];
          break;
        // census's own keys
        case "store":
          l.store = this.str(v, key);
          break;
        case "etcd_endpoints":
          l.etcdEndpoints = this.strList(v, key);
          break;
        default:
          if (isIgnoredKey(key)) this.ignore(key);
          else this.unknown(key);
      }
    }
    return l;
  }

  private ports(o: Record<string, unknown>): Partial<Ports> {
    const names: Record<string, keyof Ports> = {
      http: "http",
      https: "https",
      dns: "dns",
      server: "server",
      serf_lan: "serfLan",
      serf_wan: "serfWan",
      grpc: "grpc",
    };
    const ignored = new Set([
      "grpc_tls",
      "sidecar_min_port",
      "sidecar_max_port",
      "expose_min_port",
      "expose_max_port",
    ]);
    const out: Partial<Ports> = {};
    for (const [k, v] of Object.entries(o)) {
      const key = `ports.${k}`;
      if (Object.hasOwn(names, k)) out[names[k]] = this.int(v, key);
      else if (ignored.has(k)) {
        this.int(v, key);
        this.ignore(key);
      } else this.unknown(key);
    }
    return out;
  }

  private uiConfig(o: Record<string, unknown>): void {
    const ignored = new Set([
      "dir",
      "content_path",
      "metrics_provider",
      "metrics_proxy",
      "dashboard_url_templates",
    ]);
    for (const [k, v] of Object.entries(o)) {
      const key = `ui_config.${k}`;
      if (k === "enabled") this.layer.ui = this.bool(v, key);
      else if (ignored.has(k) || k.startsWith("metrics_")) this.ignore(key);
      else this.unknown(key);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Finding and reading config files

function formatOf(file: string): Format | undefined {
  const ext = path.extname(file).toLowerCase();
  if (ext === ".json") return "json";
  if (ext === ".json5") return "json5";
  if (ext === ".hcl") return "hcl";
  return undefined;
}

function parseFormat(s: string): Format {
  if (s === "json" || s === "json5" || s === "hcl") return s;
  throw new ConfigError(`-config-format must be json, json5 or hcl, got ${JSON.stringify(s)}`);
}

/**
 * Expands -config-file / -config-dir paths (both may name a file or a directory, as in Consul) into
 * the files to load. Directories contribute their .json, .json5 and .hcl files (all files when
 * -config-format is given) in lexical order; subdirectories are skipped.
 */
async function configFiles(
  paths: string[],
  forced: Format | undefined,
): Promise<{ file: string; format: Format }[]> {
  const out: { file: string; format: Format }[] = [];
  for (const p of paths) {
    let st;
    try {
      st = await stat(p);
    } catch (err) {
      throw new ConfigError(`config: cannot read ${p}: ${(err as Error).message}`);
    }
    if (st.isDirectory()) {
      const names = (await readdir(p)).sort();
      for (const name of names) {
        const file = path.join(p, name);
        const format = forced ?? formatOf(name);
        if (!format) continue;
        const fst = await stat(file).catch(() => undefined);
        if (!fst?.isFile()) continue;
        out.push({ file, format });
      }
    } else {
      const format = forced ?? formatOf(p);
      if (!format) {
        throw new ConfigError(
          `config file ${p}: missing or invalid file extension; use .json, .json5 or .hcl, or set -config-format`,
        );
      }
      out.push({ file: p, format });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Defaults and validation

const PRIVATE_V4 = [
  [0x0a000000, 8],
  [0xac100000, 12],
  [0xc0a80000, 16],
  [0x64400000, 10], // RFC 6598, which Consul's GetPrivateIP also counts
] as const;

function ipv4ToInt(ip: string): number {
  return ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
}

/** The first private IPv4 address of this host (Consul's default advertise address), else 127.0.0.1. */
export function firstPrivateIp(): string {
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) {
      if (a.family !== "IPv4" || a.internal) continue;
      const n = ipv4ToInt(a.address);
      if (PRIVATE_V4.some(([net, bits]) => n >>> (32 - bits) === net >>> (32 - bits))) return a.address;
    }
  }
  return "127.0.0.1";
}

const LOG_LEVELS = new Map<string, AgentConfig["logLevel"]>([
  ["trace", "trace"],
  ["debug", "debug"],
  ["info", "info"],
  ["warn", "warn"],
  ["warning", "warn"],
  ["err", "error"],
  ["error", "error"],
]);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const META_KEY = /^[a-zA-Z0-9_-]+$/;

function validatePort(name: string, port: number): void {
  if (port === -1 || (port >= 1 && port <= 65535)) return;
  throw new ConfigError(`ports.${name}: invalid port ${port}; must be 1-65535, or -1 to disable`);
}

function parseNodeMetaFlag(raw: string): [string, string] {
  const i = raw.indexOf(":");
  return i < 0 ? [raw, ""] : [raw.slice(0, i), raw.slice(i + 1)];
}

// ---------------------------------------------------------------------------------------------

/**
 * Builds the agent configuration for `census agent <argv...>`. Throws ConfigError (bad config),
 * or FlagError from ./flags.ts (bad command line; `helpRequested` for -h/-help).
 * `log` receives one line per accepted-but-ignored key or flag.
 */
export async function loadAgentConfig(
  argv: string[],
  log: (msg: string) => void = () => {},
): Promise<AgentConfig> {
  const { values: f, args, occurrences } = parseFlags(argv, agentFlagSpec);
  if (args.length > 0) {
    throw new ConfigError(`config: Unknown extra arguments: [${args.join(" ")}]`);
  }

  const logged = new Set<string>();
  const ignoreKey = (key: string) => {
    if (logged.has(key)) return;
    logged.add(key);
    log(`config: key "${key}" is accepted but has no effect in census`);
  };
  for (const name of IGNORED_FLAGS) {
    const v = f[name];
    if (v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    log(`config: flag -${name} is accepted but has no effect in census`);
  }

  const dev = f.dev ?? false;
  const layers: Layer[] = [
    {
      server: false,
      bootstrap: false,
      bootstrapExpect: 0,
      nodeName: os.hostname(),
      nodeMeta: {},
      datacenter: "dc1",
      bindAddr: undefined,
      clientAddr: "127.0.0.1",
      ports: { http: 8500, https: -1, dns: 8600, server: 8300, serfLan: 8301, serfWan: 8302, grpc: -1 },
      logLevel: "info",
      logJson: false,
      ui: false,
      enableScriptChecks: false,
      enableLocalScriptChecks: false,
      etcdEndpoints: [],
    },
  ];
  if (dev) {
    layers.push({
      dev: true,
      server: true,
      bootstrap: true,
      bindAddr: "127.0.0.1",
      ui: true,
      logLevel: "debug",
      ports: { grpc: 8502 },
    });
  }

  // Config files and directories, interleaved in command-line order.
  const forced = f["config-format"] !== undefined ? parseFormat(f["config-format"]) : undefined;
  const paths = occurrences
    .filter((o) => o.name === "config-file" || o.name === "config-dir")
    .map((o) => String(o.value));
  for (const { file, format } of await configFiles(paths, forced)) {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (err) {
      throw new ConfigError(`config: cannot read ${file}: ${(err as Error).message}`);
    }
    const data = await parseConfigText(file, text, format);
    layers.push(new Decoder(file, ignoreKey).decode(data));
  }
  for (const [i, fragment] of f.hcl.entries()) {
    const source = `-hcl #${i + 1}`;
    layers.push(new Decoder(source, ignoreKey).decode(await parseConfigText(source, fragment, "hcl")));
  }

  // Flags last.
  const nodeMeta: Record<string, string> = {};
  for (const raw of f["node-meta"]) {
    const [k, v] = parseNodeMetaFlag(raw);
    nodeMeta[k] = v;
  }
  const ports: Partial<Ports> = {
    http: f["http-port"],
    https: f["https-port"],
    dns: f["dns-port"],
    grpc: f["grpc-port"],
    server: f["server-port"],
    serfLan: f["serf-lan-port"],
    serfWan: f["serf-wan-port"],
  };
  for (const k of Object.keys(ports) as (keyof Ports)[]) if (ports[k] === undefined) delete ports[k];
  layers.push({
    server: f.server,
    bootstrap: f.bootstrap,
    bootstrapExpect: f["bootstrap-expect"],
    nodeName: f.node,
    nodeId: f["node-id"],
    nodeMeta,
    datacenter: f.datacenter,
    bindAddr: f.bind,
    clientAddr: f.client,
    advertiseAddr: f.advertise,
    ports,
    dataDir: f["data-dir"],
    pidFile: f["pid-file"],
    logLevel: f["log-level"],
    logJson: f["log-json"],
    ui: f.ui,
    enableScriptChecks: f["enable-script-checks"],
    enableLocalScriptChecks: f["enable-local-script-checks"],
    retryJoin: f["retry-join"],
    store: f.store,
    etcdEndpoints:
      f["etcd-endpoints"] === undefined
        ? undefined
        : f["etcd-endpoints"]
            .split(",")
            .map((s) => s.trim())
            .filter((s) => s !== ""),
  });

  return finish(mergeLayers(layers), dev);
}

function finish(m: Layer, dev: boolean): AgentConfig {
  const datacenter = (m.datacenter ?? "").toLowerCase();
  if (datacenter === "") throw new ConfigError("datacenter cannot be empty");
  if (!/^[a-z0-9_-]+$/.test(datacenter)) {
    throw new ConfigError(`datacenter cannot be ${JSON.stringify(datacenter)}. Please use only [a-z0-9-_].`);
  }
  const primaryDatacenter = m.primaryDatacenter?.toLowerCase() || undefined;
  if (primaryDatacenter !== undefined && !/^[a-z0-9_-]+$/.test(primaryDatacenter)) {
    throw new ConfigError(
      `primary_datacenter cannot be ${JSON.stringify(primaryDatacenter)}. Please use only [a-z0-9-_].`,
    );
  }

  const nodeName = m.nodeName ?? "";
  if (nodeName === "") throw new ConfigError("node_name cannot be empty");
  const nodeId = m.nodeId ? m.nodeId.toLowerCase() : undefined;
  if (nodeId !== undefined && !UUID.test(nodeId)) {
    throw new ConfigError(`node_id ${JSON.stringify(m.nodeId)} is not a valid UUID`);
  }
  const nodeMeta = m.nodeMeta ?? {};
  if (Object.keys(nodeMeta).length > 64)
    throw new ConfigError("node_meta: at most 64 key/value pairs are allowed");
  for (const [k, v] of Object.entries(nodeMeta)) {
    if (!META_KEY.test(k) || k.length > 128) {
      throw new ConfigError(`node_meta: invalid key ${JSON.stringify(k)}; use at most 128 of [a-zA-Z0-9_-]`);
    }
    if (v.length > 512)
      throw new ConfigError(`node_meta: value for key ${JSON.stringify(k)} is longer than 512`);
  }

  const ports = m.ports as Ports;
  validatePort("http", ports.http);
  validatePort("https", ports.https);
  validatePort("dns", ports.dns);
  validatePort("server", ports.server);
  validatePort("serf_lan", ports.serfLan);
  validatePort("serf_wan", ports.serfWan);
  validatePort("grpc", ports.grpc);

  const logLevel = LOG_LEVELS.get((m.logLevel ?? "").toLowerCase());
  if (!logLevel) {
    throw new ConfigError(
      `log_level ${JSON.stringify(m.logLevel)} is not valid; use one of trace, debug, info, warn, error`,
    );
  }

  const clientAddr = (m.clientAddr ?? "").split(/\s+/).filter((s) => s !== "");
  if (clientAddr.length === 0) throw new ConfigError("client_addr cannot be empty");
  const bindAddr = m.bindAddr || firstPrivateIp();
  if (bindAddr.trim().split(/\s+/).length > 1) throw new ConfigError("bind_addr must be a single address");
  const advertiseAddr = m.advertiseAddr || undefined;
  if (advertiseAddr !== undefined && ["0.0.0.0", "::", "[::]"].includes(advertiseAddr)) {
    throw new ConfigError("Advertise address cannot be 0.0.0.0, :: or [::]");
  }

  const server = m.server ?? false;
  let bootstrap = m.bootstrap ?? false;
  let bootstrapExpect = m.bootstrapExpect ?? 0;
  if (bootstrapExpect < 0) {
    throw new ConfigError(
      `bootstrap_expect cannot be ${bootstrapExpect}. Must be greater than or equal to zero`,
    );
  }
  if (bootstrapExpect > 0 && dev) throw new ConfigError("'bootstrap_expect > 0' not allowed in dev mode");
  if (bootstrapExpect > 0 && !server) throw new ConfigError("'bootstrap_expect > 0' requires server mode");
  if (bootstrap && !server) throw new ConfigError("'bootstrap = true' requires server mode");
  if (bootstrapExpect > 0 && bootstrap) {
    throw new ConfigError("'bootstrap_expect > 0' and 'bootstrap = true' are mutually exclusive");
  }
  if (bootstrapExpect === 1) {
    // Consul turns bootstrap_expect = 1 into bootstrap mode.
    bootstrap = true;
    bootstrapExpect = 0;
  }

  let store: StoreKind;
  if (m.store !== undefined) {
    if (m.store !== "memory" && m.store !== "sqlite" && m.store !== "etcd") {
      throw new ConfigError(`store must be memory, sqlite or etcd, got ${JSON.stringify(m.store)}`);
    }
    store = m.store;
  } else {
    store = dev ? "memory" : "sqlite";
  }
  const dataDir = m.dataDir || undefined;
  if (!dev && dataDir === undefined && store === "sqlite") throw new ConfigError("data_dir cannot be empty");
  const etcdEndpoints = m.etcdEndpoints ?? [];
  if (store === "etcd" && etcdEndpoints.length === 0) {
    throw new ConfigError("store etcd requires -etcd-endpoints (or etcd_endpoints in a config file)");
  }

  const config: AgentConfig = {
    dev,
    server,
    bootstrap,
    bootstrapExpect,
    nodeName,
    nodeMeta,
    datacenter,
    bindAddr,
    clientAddr,
    ports,
    logLevel,
    logJson: m.logJson ?? false,
    ui: m.ui ?? false,
    enableScriptChecks: m.enableScriptChecks ?? false,
    enableLocalScriptChecks: m.enableLocalScriptChecks ?? false,
    services: m.services ?? [],
    checks: m.checks ?? [],
    retryJoin: m.retryJoin ?? [],
    store,
    etcdEndpoints,
  };
  if (nodeId !== undefined) config.nodeId = nodeId;
  if (primaryDatacenter !== undefined) config.primaryDatacenter = primaryDatacenter;
  if (advertiseAddr !== undefined) config.advertiseAddr = advertiseAddr;
  if (dataDir !== undefined) config.dataDir = dataDir;
  if (m.pidFile) config.pidFile = m.pidFile;
  return config;
}

/** Usage text for `census agent -h`. */
export function agentUsage(): string {
  return `Usage: census agent [options]\n\n  Starts the census agent and runs until an interrupt is received.\n\n${usage(agentFlagSpec)}`;
}
