import type { Agent } from "../agent/agent.ts";
import type { Catalog } from "../catalog/catalog.ts";
import type { ReadContext } from "./read.ts";

/** What every endpoint group needs. */
export interface ApiContext extends ReadContext {
  agent: Agent;
  catalog: Catalog;
  /** This server's RPC address ("127.0.0.1:8300"), what /v1/status/leader and peers print. */
  serverAddr: string;
  /** The LAN (serf) port printed by /v1/agent/members. */
  serfLanPort: number;
  /** The running configuration, printed (in part) by /v1/agent/self. */
  config: Record<string, unknown>;
  /** Whether the web UI is served at /ui/ (and / redirects there). */
  ui: boolean;
}

/** Query values may be repeated (?tag=a&tag=b); this gives them as a list. */
export function queryList(q: Record<string, unknown>, key: string): string[] {
  const v = q[key];
  if (v === undefined) return [];
  return Array.isArray(v) ? v.map(String) : [String(v)];
}

/** ?node-meta=key:value filters (all must match). */
export function nodeMetaFilter(
  q: Record<string, unknown>,
): ((meta: Record<string, string>) => boolean) | undefined {
  const pairs = queryList(q, "node-meta").map((p) => {
    const i = p.indexOf(":");
    return i < 0 ? [p, ""] : [p.slice(0, i), p.slice(i + 1)];
  });
  if (pairs.length === 0) return undefined;
  return (meta) => pairs.every(([k, v]) => meta[k] === v);
}

/** ?tag filters: every wanted tag (lower-cased by the caller) present, case-insensitively, as Consul. */
export function hasTags(tags: string[], wanted: string[]): boolean {
  if (wanted.length === 0) return true;
  const have = new Set(tags.map((t) => t.toLowerCase()));
  return wanted.every((t) => have.has(t));
}
