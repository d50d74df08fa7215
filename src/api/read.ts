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
  // Only the default namespace and partition exist here, as in Consul CE.
  for (const [k, what] of [
    ["ns", "Namespaces"],
    ["partition", "Partitions"],
  ]) {
    if (q[k] && q[k] !== "default") {
      throw new HttpError(400, `Invalid query parameter: "${k}" - ${what} are a Consul Enterprise feature`);
    }
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

const GO_ESCAPES: Record<string, string> = {
  "<": "\\u003c",
  ">": "\\u003e",
  "&": "\\u0026",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
};

/** JSON as Go's encoding/json writes it (HTML-safe escapes), indented by 4 with a newline when pretty. */
export function encodeJson(value: unknown, pretty: boolean): Buffer {
  const text = pretty ? JSON.stringify(value, null, 4) + "\n" : JSON.stringify(value);
  return Buffer.from(text.replace(/[<>&\u2028\u2029]/g, (c) => GO_ESCAPES[c]));
}

export interface ReadContext {
  view: CatalogView;
  cache: ResponseCache;
  datacenter: string;
  /** Consul's -dev agents indent every JSON answer, as ?pretty does. */
  prettyByDefault: boolean;
}

const wantsPretty = (ctx: ReadContext, req: Req) => ctx.prettyByDefault || has(req.query, "pretty");

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
  const body = ctx.cache.get(cacheKey(req), index, () => encodeJson(compute(opts), wantsPretty(ctx, req)));
  // Header names as Go canonicalizes them.
  return reply
    .header("Content-Type", "application/json")
    .header(
      "X-Consul-Effective-Consistency",
      opts.stale ? "stale" : opts.consistent ? "consistent" : "leader",
    )
    .header("X-Consul-Index", String(index))
    .header("X-Consul-Knownleader", "true")
    .header("X-Consul-Lastcontact", "0")
    .header("X-Consul-Query-Backend", "blocking-query")
    .send(body);
}

/** A non-blocking JSON answer (agent and status endpoints, catalog writes). */
export function sendJson(ctx: ReadContext, req: Req, reply: FastifyReply, value: unknown): FastifyReply {
  return reply.header("Content-Type", "application/json").send(encodeJson(value, wantsPretty(ctx, req)));
}
