// consul-template's functions (its docs/templating-language.md), less Vault and Nomad. The
// data functions read from blocking-query watches; while a watch has no answer yet they
// return empty values and mark the render incomplete, so nothing half-rendered is written.

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { goStruct, type FuncMap } from "./go/template.ts";
import type { Watcher, WatchKey } from "./watch.ts";

export interface RenderContext {
  /** Keys the render read (its dependencies). */
  used: Set<WatchKey>;
  /** True when some dependency had no data yet. */
  missing: boolean;
  missingKeys: WatchKey[];
  /** The data (".") templates run on: consul-template gives them none. */
  root: undefined;
}

// The template engine calls plain functions; the render they belong to is set around execute().
let current: { ctx: RenderContext; watcher: Watcher } | undefined;

export function createRenderContext(watcher: Watcher): RenderContext & { run<T>(fn: () => T): T } {
  const ctx: RenderContext = { used: new Set(), missing: false, missingKeys: [], root: undefined };
  return Object.assign(ctx, {
    run<T>(fn: () => T): T {
      const prev = current;
      current = { ctx, watcher };
      try {
        return fn();
      } finally {
        current = prev;
      }
    },
  });
}

/** The watched data for key, or undefined (and the render marked incomplete) until it arrives. */
function fetchDep(key: WatchKey): unknown {
  if (!current) throw new Error("consul data is only available while rendering");
  const { ctx, watcher } = current;
  ctx.used.add(key);
  const w = watcher.get(key);
  if (!w.ready) {
    ctx.missing = true;
    ctx.missingKeys.push(key);
  }
  return w.data;
}

// ---- dependency specs ----

const SERVICE_RE = /^(?:([\w=:.-]+)\.)?([\w-]+)(?:@([\w.-]+))?(?:~([\w.-]+))?$/;
const STATUSES = new Set(["passing", "warning", "critical", "maintenance", "any"]);

interface ServiceQuery {
  name: string;
  tag?: string;
  dc?: string;
  near?: string;
  statuses: string[];
}

function parseServiceSpec(spec: string, extra: string[]): ServiceQuery {
  const [main, filter] = spec.split("|");
  const m = SERVICE_RE.exec(main.trim());
  if (!m) throw new Error(`invalid service dependency format: "${spec}"`);
  const filters = [...(filter ? filter.split(",") : []), ...extra].map((f) => f.trim()).filter(Boolean);
  for (const f of filters) if (!STATUSES.has(f)) throw new Error(`service: invalid filter "${f}"`);
  return { tag: m[1], name: m[2], dc: m[3], near: m[4], statuses: filters.length ? filters : ["passing"] };
}

const qs = (params: Record<string, string | undefined>) => {
  const p = Object.entries(params).filter(([, v]) => v !== undefined) as [string, string][];
  return p.length ? `?${p.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&")}` : "";
};

const dcArg = (arg: string | undefined) => {
  if (arg === undefined) return undefined;
  if (!arg.startsWith("@")) throw new Error(`invalid datacenter "${arg}": want "@dc"`);
  return arg.slice(1);
};

// ---- Go-shaped results ----

// Made once and shared by every list: a render over thousands of instances would otherwise make
// four closures and four descriptors for each of them.
const SERVICE_TAGS_METHODS: PropertyDescriptorMap = {
  Contains: {
    value(this: string[], t: string) {
      return this.includes(t);
    },
  },
  ContainsAll: {
    value(this: string[], ts: string[]) {
      return ts.every((t) => this.includes(t));
    },
  },
  ContainsAny: {
    value(this: string[], ts: string[]) {
      return ts.some((t) => this.includes(t));
    },
  },
  ContainsNone: {
    value(this: string[], ts: string[]) {
      return !ts.some((t) => this.includes(t));
    },
  },
};

/** ServiceTags: a []string with consul-template's Contains/ContainsAll/ContainsAny methods. */
function serviceTags(tags: string[]): string[] {
  return Object.defineProperties([...tags], SERVICE_TAGS_METHODS);
}

function aggregatedStatus(checks: any[]): string {
  let critical = false;
  let warning = false;
  for (const c of checks) {
    if (c.CheckID === "_node_maintenance" || String(c.CheckID).startsWith("_service_maintenance:")) {
      return "maintenance";
    }
    if (c.Status === "critical") critical = true;
    if (c.Status === "warning") warning = true;
  }
  return critical ? "critical" : warning ? "warning" : "passing";
}

const HealthCheck = (c: any) =>
  goStruct("api.HealthCheck", {
    Node: c.Node,
    CheckID: c.CheckID,
    Name: c.Name,
    Status: c.Status,
    Notes: c.Notes,
    Output: c.Output,
    ServiceID: c.ServiceID,
    ServiceName: c.ServiceName,
    ServiceTags: c.ServiceTags ?? [],
    Type: c.Type,
  });

function healthService(e: any) {
  const s = e.Service;
  const n = e.Node;
  return goStruct("dependency.HealthService", {
    Node: n.Node,
    NodeID: n.ID,
    Kind: s.Kind ?? "",
    NodeAddress: n.Address,
    NodeDatacenter: n.Datacenter,
    NodeTaggedAddresses: n.TaggedAddresses ?? {},
    NodeMeta: n.Meta ?? {},
    ServiceMeta: s.Meta ?? {},
    Address: s.Address || n.Address,
    ID: s.ID,
    Name: s.Service,
    Tags: serviceTags([...(s.Tags ?? [])].sort()),
    Checks: (e.Checks ?? []).map(HealthCheck),
    Status: aggregatedStatus(e.Checks ?? []),
    Port: s.Port ?? 0,
    Weights: goStruct("api.AgentWeights", {
      Passing: s.Weights?.Passing ?? 1,
      Warning: s.Weights?.Warning ?? 1,
    }),
    Namespace: "",
    Partition: "",
  });
}

const catalogNode = (n: any) =>
  goStruct("dependency.Node", {
    ID: n.ID,
    Node: n.Node,
    Address: n.Address,
    Datacenter: n.Datacenter,
    TaggedAddresses: n.TaggedAddresses ?? {},
    Meta: n.Meta ?? {},
  });

function byNodeThenId(a: any, b: any): number {
  return a.Node < b.Node ? -1 : a.Node > b.Node ? 1 : a.ID < b.ID ? -1 : a.ID > b.ID ? 1 : 0;
}

// ---- the data functions ----

function service(spec: string, ...filters: string[]) {
  const q = parseServiceSpec(spec, filters);
  const data = fetchDep(
    `/v1/health/service/${encodeURIComponent(q.name)}${qs({ tag: q.tag, dc: q.dc, near: q.near })}`,
  ) as any[] | undefined;
  const all = q.statuses.includes("any");
  return (data ?? [])
    .map(healthService)
    .filter((s: any) => all || q.statuses.includes(s.Status))
    .sort(byNodeThenId);
}

function services(dc?: string) {
  const data = (fetchDep(`/v1/catalog/services${qs({ dc: dcArg(dc) })}`) ?? {}) as Record<string, string[]>;
  return Object.keys(data)
    .sort()
    .map((name) =>
      goStruct("dependency.CatalogSnippet", { Name: name, Tags: serviceTags([...data[name]].sort()) }),
    );
}

function nodes(dc?: string) {
  const data = (fetchDep(`/v1/catalog/nodes${qs({ dc: dcArg(dc) })}`) ?? []) as any[];
  return data.map(catalogNode);
}

function node(...args: string[]) {
  const name = args.find((a) => !a.startsWith("@"));
  const dc = dcArg(args.find((a) => a.startsWith("@")));
  let nodeName = name;
  if (!nodeName) {
    const self = fetchDep("/v1/agent/self") as any;
    nodeName = self?.Config?.NodeName;
    if (!nodeName) return undefined;
  }
  const data = fetchDep(`/v1/catalog/node/${encodeURIComponent(nodeName)}${qs({ dc })}`) as any;
  if (!data?.Node) return undefined;
  const svcs = Object.values(data.Services ?? {}) as any[];
  return goStruct("dependency.CatalogNode", {
    Node: catalogNode(data.Node),
    Services: svcs
      .map((s) =>
        goStruct("dependency.CatalogNodeService", {
          ID: s.ID,
          Service: s.Service,
          Tags: serviceTags([...(s.Tags ?? [])].sort()),
          Meta: s.Meta ?? {},
          Port: s.Port ?? 0,
          Address: s.Address,
          EnableTagOverride: s.EnableTagOverride,
        }),
      )
      .sort((a: any, b: any) =>
        a.Service < b.Service ? -1 : a.Service > b.Service ? 1 : a.ID < b.ID ? -1 : 1,
      ),
  });
}

function datacenters() {
  return ((fetchDep("/v1/catalog/datacenters") ?? []) as string[]).slice().sort();
}

const kvMissing = (name: string) => () => {
  throw new Error(`${name}: the key/value store is not part of census yet`);
};

// ---- collection and string helpers (consul-template's argument orders, for pipelines) ----

const toList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

function byTag(list: any[]) {
  const out: Record<string, any[]> = {};
  for (const s of toList(list) as any[]) for (const t of s.Tags ?? []) (out[t] ??= []).push(s);
  return out;
}

function byMeta(key: string, list: any[]) {
  const out: Record<string, any[]> = {};
  for (const s of toList(list) as any[]) {
    const v = (s.ServiceMeta ?? s.Meta ?? {})[key] ?? "";
    (out[v] ??= []).push(s);
  }
  return out;
}

/** byKey/explode work on KV pairs ({Key, Value}), as consul-template's tree results. */
function byKey(pairs: any[]) {
  const out: Record<string, Record<string, any>> = {};
  for (const p of toList(pairs) as any[]) {
    const [top, ...rest] = String(p.Key).split("/");
    if (rest.length === 0) continue;
    (out[top] ??= {})[rest.join("/")] = p;
  }
  return out;
}

function explode(pairs: any[]) {
  const out: Record<string, any> = {};
  for (const p of toList(pairs) as any[]) {
    const parts = String(p.Key).split("/").filter(Boolean);
    let cur = out;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) cur[part] = p.Value;
      else cur = cur[part] = typeof cur[part] === "object" ? cur[part] : {};
    });
  }
  return out;
}

const GO_LAYOUT_TOKENS: [RegExp, (d: Date) => string][] = [
  [/2006/g, (d) => String(d.getUTCFullYear())],
  [/01/g, (d) => String(d.getUTCMonth() + 1).padStart(2, "0")],
  [/02/g, (d) => String(d.getUTCDate()).padStart(2, "0")],
  [/15/g, (d) => String(d.getUTCHours()).padStart(2, "0")],
  [/04/g, (d) => String(d.getUTCMinutes()).padStart(2, "0")],
  [/05/g, (d) => String(d.getUTCSeconds()).padStart(2, "0")],
];

/** timestamp: RFC 3339 in UTC, "unix", or a Go layout built from 2006-01-02 15:04:05. */
function timestamp(layout?: string) {
  const now = new Date();
  if (!layout) return now.toISOString().replace(/\.\d{3}Z$/, "Z");
  if (layout === "unix") return String(Math.floor(now.getTime() / 1000));
  let out = layout;
  for (const [re, f] of GO_LAYOUT_TOKENS) out = out.replace(re, f(now));
  return out;
}

function parseIntGo(s: string) {
  const t = String(s).trim();
  if (!/^[+-]?\d+$/.test(t)) throw new Error(`strconv.ParseInt: parsing "${s}": invalid syntax`);
  return Number(t);
}

function parseBoolGo(s: string) {
  if (/^(1|t|T|TRUE|true|True)$/.test(s)) return true;
  if (/^(0|f|F|FALSE|false|False)$/.test(s)) return false;
  throw new Error(`strconv.ParseBool: parsing "${s}": invalid syntax`);
}

function parseFloatGo(s: string) {
  const n = Number(String(s).trim());
  if (String(s).trim() === "" || Number.isNaN(n))
    throw new Error(`strconv.ParseFloat: parsing "${s}": invalid syntax`);
  return n;
}

const num = (v: unknown) => {
  const n = typeof v === "string" ? Number(v) : (v as number);
  if (typeof n !== "number" || Number.isNaN(n))
    throw new Error(`expected a number, got ${JSON.stringify(v)}`);
  return n;
};

/** Go's strings.Title: the first letter of each word upper-cased. */
const toTitle = (s: string) =>
  String(s).replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_m, sep, c) => sep + c.toUpperCase());

// JSON as Go's encoding/json writes it (sorted map keys, HTML-safe escapes).
function goJson(v: unknown, indent?: string): string {
  const sortKeys = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sortKeys);
    if (x && typeof x === "object") {
      const o: Record<string, unknown> = {};
      for (const k of Object.keys(x).sort()) o[k] = sortKeys((x as any)[k]);
      return o;
    }
    return x;
  };
  return JSON.stringify(sortKeys(v), null, indent).replace(
    /[<>&]/g,
    (c) => `\\u00${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
}

export const templateFuncs: FuncMap = {
  // catalog
  service,
  services,
  node,
  nodes,
  datacenters,
  // key/value (not yet in census)
  key: kvMissing("key"),
  keyOrDefault: kvMissing("keyOrDefault"),
  keyExists: kvMissing("keyExists"),
  ls: kvMissing("ls"),
  safeLs: kvMissing("safeLs"),
  tree: kvMissing("tree"),
  safeTree: kvMissing("safeTree"),
  // the environment
  env: (name: string) => process.env[name] ?? "",
  envOrDefault: (name: string, def: string) => process.env[name] ?? def,
  file: (p: string) => readFileSync(p, "utf8"),
  // collections
  byKey,
  byTag,
  byMeta,
  explode,
  contains: (v: unknown, l: unknown) => toList(l).includes(v),
  containsAll: (vs: unknown, l: unknown) => toList(vs).every((v) => toList(l).includes(v)),
  containsAny: (vs: unknown, l: unknown) => toList(vs).some((v) => toList(l).includes(v)),
  containsNone: (vs: unknown, l: unknown) => !toList(vs).some((v) => toList(l).includes(v)),
  containsNotAll: (vs: unknown, l: unknown) => !toList(vs).every((v) => toList(l).includes(v)),
  in: (l: unknown, v: unknown) => (typeof l === "string" ? l.includes(String(v)) : toList(l).includes(v)),
  join: (sep: string, l: unknown) => toList(l).map(String).join(sep),
  split: (sep: string, s: string) => (s === "" ? [] : String(s).split(sep)),
  loop: (a: number, b?: number) => {
    const [from, to] = b === undefined ? [0, num(a)] : [num(a), num(b)];
    return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
  },
  // strings
  replaceAll: (from: string, to: string, s: string) => String(s).split(from).join(to),
  regexMatch: (re: string, s: string) => new RegExp(re).test(String(s)),
  regexReplaceAll: (re: string, repl: string, s: string) =>
    String(s).replace(
      new RegExp(re, "g"),
      repl.replace(/\$\{?(\w+)\}?/g, "$$<$1>").replace(/\$<(\d+)>/g, "$$$1"),
    ),
  toLower: (s: string) => String(s).toLowerCase(),
  toUpper: (s: string) => String(s).toUpperCase(),
  toTitle,
  trimSpace: (s: string) => String(s).trim(),
  trim: (cut: string, s: string) => {
    const set = new Set(cut);
    let a = 0;
    let b = s.length;
    while (a < b && set.has(s[a])) a++;
    while (b > a && set.has(s[b - 1])) b--;
    return s.slice(a, b);
  },
  trimPrefix: (p: string, s: string) => (s.startsWith(p) ? s.slice(p.length) : s),
  trimSuffix: (p: string, s: string) => (p && s.endsWith(p) ? s.slice(0, -p.length) : s),
  indent: (n: number, s: string) => String(s).replace(/^/gm, " ".repeat(num(n))),
  sha256Hex: (s: string) => createHash("sha256").update(String(s)).digest("hex"),
  md5sum: (s: string) => createHash("md5").update(String(s)).digest("hex"),
  base64Encode: (s: string) => Buffer.from(String(s)).toString("base64"),
  base64Decode: (s: string) => Buffer.from(String(s), "base64").toString(),
  base64URLEncode: (s: string) => Buffer.from(String(s)).toString("base64url"),
  base64URLDecode: (s: string) => Buffer.from(String(s), "base64url").toString(),
  // conversions
  toJSON: (v: unknown) => goJson(v),
  toJSONPretty: (v: unknown) => goJson(v, "  "),
  toUnescapedJSON: (v: unknown) => JSON.stringify(v),
  parseJSON: (s: string) => (String(s).trim() === "" ? {} : JSON.parse(s)),
  parseInt: parseIntGo,
  parseUint: (s: string) => {
    const n = parseIntGo(s);
    if (n < 0) throw new Error(`strconv.ParseUint: parsing "${s}": invalid syntax`);
    return n;
  },
  parseBool: parseBoolGo,
  parseFloat: parseFloatGo,
  timestamp,
  // math: consul-template's order reads as a pipeline: {{ 7 | subtract 2 }} is 5
  add: (b: unknown, a: unknown) => num(a) + num(b),
  subtract: (b: unknown, a: unknown) => num(a) - num(b),
  multiply: (b: unknown, a: unknown) => num(a) * num(b),
  divide: (b: unknown, a: unknown) => {
    if (num(b) === 0) throw new Error("divide: division by 0");
    const q = num(a) / num(b);
    return Number.isInteger(num(a)) && Number.isInteger(num(b)) ? Math.trunc(q) : q;
  },
  modulo: (b: unknown, a: unknown) => {
    if (num(b) === 0) throw new Error("modulo: division by 0");
    return num(a) % num(b);
  },
  minimum: (b: unknown, a: unknown) => Math.min(num(a), num(b)),
  maximum: (b: unknown, a: unknown) => Math.max(num(a), num(b)),
};
