// Reads with Consul's query parameters and headers: blocking (index, wait), consistency modes,
// ?filter, ?pretty, and X-Consul-Index / KnownLeader / LastContact. A response is serialized
// once per (URL, index) and the bytes shared by every waiter a change wakes.

import type { FastifyReply } from "fastify";
import type { CatalogView } from "../catalog/view.ts";
import { DurationError, parseGoDuration } from "../lib/duration.ts";
import { compileFilter, type Filter } from "./filter.ts";
import { HttpError, type Req } from "./http.ts";

const DEFAULT_WAIT_MS = 5 * 60_000;
const MAX_WAIT_MS = 10 * 60_000;

export interface QueryOptions {
  index: number;
  waitMs: number;
  stale: boolean;
  consistent: boolean;
  pretty: boolean;
  filter?: string;
}

const has = (q: Record<string, string>, k: string) => Object.prototype.hasOwnProperty.call(q, k);

export function queryOptions(req: Req, datacenter: string): QueryOptions {
  const q = req.query;
  let index = 0;
  if (q.index !== undefined && q.index !== "") {
    if (!/^\d+$/.test(q.index)) throw new HttpError(400, "Invalid index");
    index = Number(q.index);
  }
  let waitMs = DEFAULT_WAIT_MS;
  if (q.wait !== undefined && q.wait !== "") {
    try {
      waitMs = parseGoDuration(q.wait);
    } catch (err) {
      if (err instanceof DurationError) throw new HttpError(400, "Invalid wait time");
      throw err;
    }
    if (waitMs < 0) throw new HttpError(400, "Invalid wait time");
    waitMs = Math.min(waitMs, MAX_WAIT_MS);
  }
  const stale = has(q, "stale");
  const consistent = has(q, "consistent");
  if (stale && consistent) {
    throw new HttpError(400, "Cannot specify ?stale with ?consistent, conflicting semantics.");
  }
  if (q.dc && q.dc !== datacenter) throw new HttpError(500, "No path to datacenter");
  for (const k of ["ns", "partition"]) {
    if (q[k] && q[k] !== "default")
      throw new HttpError(
        400,
        `${k === "ns" ? "Namespaces" : "Admin Partitions"} are a Consul Enterprise feature`,
      );
  }
  return { index, waitMs, stale, consistent, pretty: has(q, "pretty"), filter: q.filter || undefined };
}

/** Compiles ?filter once per request (or returns undefined when there is none). */
export function filterOf(opts: QueryOptions, spec?: Parameters<typeof compileFilter>[1]): Filter | undefined {
  return opts.filter ? compileFilter(opts.filter, spec) : undefined;
}

interface Cached {
  index: number;
  body: Buffer;
}

/** Serialized responses by URL (less index/wait), reused while their index is unchanged. */
export class ResponseCache {
  private entries = new Map<string, Cached>();
  constructor(private readonly limit = 1024) {}

  get(key: string, index: number, build: () => Buffer): Buffer {
    const hit = this.entries.get(key);
    if (hit && hit.index === index) return hit.body;
    const body = build();
    if (this.entries.size >= this.limit && !hit) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { index, body });
    return body;
  }
}

function cacheKey(req: Req): string {
  const url = req.url;
  const qs = url.indexOf("?");
  if (qs < 0) return url;
  const params = url
    .slice(qs + 1)
    .split("&")
    .filter((p) => !/^(index|wait)(=|$)/.test(p));
  return `${url.slice(0, qs)}?${params.join("&")}`;
}

export function encodeJson(value: unknown, pretty: boolean): Buffer {
  return Buffer.from(pretty ? JSON.stringify(value, null, 4) + "\n" : JSON.stringify(value));
}

export interface ReadContext {
  view: CatalogView;
  cache: ResponseCache;
  datacenter: string;
}

/**
 * A blocking read over scopes: waits (when ?index is given) until a scope changes or the wait
 * ends, then answers compute()'s value with Consul's headers. Reads are always served from the
 * local view, which on a single server is the leader's own state.
 */
export async function blockingRead(
  ctx: ReadContext,
  req: Req,
  reply: FastifyReply,
  scopes: readonly string[],
  compute: (opts: QueryOptions) => unknown,
): Promise<FastifyReply> {
  const opts = queryOptions(req, ctx.datacenter);
  if (opts.index > 0) {
    const jitter = Math.random() * (opts.waitMs / 16);
    await ctx.view.block(scopes, opts.index, opts.waitMs + jitter);
  }
  const index = ctx.view.index(scopes);
  const body = ctx.cache.get(cacheKey(req), index, () => encodeJson(compute(opts), opts.pretty));
  return reply
    .header("Content-Type", "application/json")
    .header("Vary", "Accept-Encoding")
    .header("X-Consul-Default-Acl-Policy", "allow")
    .header(
      "X-Consul-Effective-Consistency",
      opts.stale ? "stale" : opts.consistent ? "consistent" : "leader",
    )
    .header("X-Consul-Index", String(index))
    .header("X-Consul-KnownLeader", "true")
    .header("X-Consul-LastContact", "0")
    .header("X-Consul-Query-Backend", "blocking-query")
    .send(body);
}

/** A non-blocking JSON answer (agent endpoints, writes). */
export function sendJson(req: Req, reply: FastifyReply, value: unknown): FastifyReply {
  return reply.header("Content-Type", "application/json").send(encodeJson(value, has(req.query, "pretty")));
}
