// The HTTP server: Consul's conventions for bodies, errors, methods and unknown paths, and the
// route table through which every endpoint declares the access it needs (so ACLs can be
// enforced in one place later).

import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { InvalidError, NotFoundError, PermissionDeniedError, ServerError } from "../catalog/errors.ts";
import { DecodeError } from "../lib/decode.ts";
import { FilterError } from "./filter.ts";

/** The body limit for everything but KV values (Consul's agent has none; census is safer). */
export const MAX_BODY_BYTES = 1 << 20;

export type Method = "GET" | "HEAD" | "PUT" | "POST" | "DELETE";

/** What a request needs, in Consul's ACL terms: `service:<name> write`, `node:<name> read`, … */
export interface Access {
  resource: "service" | "node" | "key" | "agent" | "operator" | "acl" | "none";
  segment?: string;
  level: "read" | "write";
}

export type Req = FastifyRequest<{ Params: Record<string, string>; Querystring: Record<string, string> }>;
export type Handler = (req: Req, reply: FastifyReply) => Promise<unknown> | unknown;

export interface Route {
  methods: Method[];
  url: string;
  access: (req: Req) => Access;
  handler: Handler;
  /** The 400 answer when the trailing path parameter is empty ("Missing service name"). */
  missing?: string;
}

/** ACLs are disabled (Consul's default): every declared access is allowed. */
export type Authorizer = (req: Req, access: Access) => void;
export const allowAll: Authorizer = () => {};

/** An error with Consul's status code and plain-text body. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export function createServer(routes: Route[], authorize: Authorizer = allowAll): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: MAX_BODY_BYTES,
    routerOptions: { maxParamLength: 4096 },
    return503OnClosing: true,
    // Blocking queries (a UI tab holds some) would otherwise keep close() waiting for their wait.
    forceCloseConnections: true,
  });

  // Consul reads the body whatever its Content-Type (curl --data sends form encoding).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err: any, _req, reply) => {
    const [status, message] = errorResponse(err);
    void reply.code(status).type("text/plain; charset=utf-8").send(message);
  });
  app.setNotFoundHandler((req, reply) => {
    const text = req.url.includes("/v1/")
      ? "Invalid URL path: not a recognized HTTP API endpoint\n"
      : "Invalid URL path: if attempting to use the HTTP API, ensure the path starts with '/v1/'\n";
    void reply.code(404).type("text/plain; charset=utf-8").send(text);
  });

  const allowed = new Map<string, Set<Method>>();
  for (const r of routes) {
    // As Consul's mux, a trailing "/:id" takes the rest of the path, slashes included.
    const tail = /\/:(\w+)$/.exec(r.url);
    const url = tail ? `${r.url.slice(0, tail.index)}/*` : r.url;
    let set = allowed.get(url);
    if (!set) allowed.set(url, (set = new Set()));
    for (const m of r.methods) set.add(m);
    app.route({
      method: r.methods,
      url,
      exposeHeadRoute: false,
      handler: async (req, reply) => {
        if (tail) {
          const params = req.params as Record<string, string>;
          params[tail[1]] = params["*"];
          if (!params["*"] && r.missing) throw new HttpError(400, r.missing);
        }
        // Every Consul answer carries these two (its gzip wrapper and ACL layer add them).
        reply.header("Vary", "Accept-Encoding").header("X-Consul-Default-Acl-Policy", "allow");
        authorize(req as Req, r.access(req as Req));
        return r.handler(req as Req, reply);
      },
    });
  }
  // Consul: OPTIONS lists the allowed methods, any other method is 405 with the same Allow.
  const all = ["GET", "HEAD", "PUT", "POST", "DELETE", "PATCH"] as const;
  for (const [url, methods] of allowed) {
    const allow = ["OPTIONS", ...methods].join(",");
    app.route({
      method: "OPTIONS",
      url,
      handler: async (_req, reply) => reply.header("Allow", allow).send(),
    });
    const rest = all.filter((m) => !methods.has(m as Method));
    app.route({
      method: rest as unknown as Method[],
      url,
      exposeHeadRoute: false,
      handler: async (req, reply) =>
        reply
          .code(405)
          .header("Allow", allow)
          .type("text/plain; charset=utf-8")
          .send(`method ${req.method} not allowed`),
    });
  }
  return app;
}

function errorResponse(err: any): [number, string] {
  if (err instanceof HttpError) return [err.statusCode, err.message];
  if (err instanceof DecodeError) return [400, `Request decode failed: ${err.message}`];
  if (err instanceof InvalidError) return [400, err.message];
  // Consul answers a filter it cannot parse with 500 (the error comes back from its RPC layer).
  if (err instanceof FilterError) return [500, err.message];
  if (err instanceof ServerError) return [500, err.message];
  if (err instanceof NotFoundError) return [404, err.message];
  if (err instanceof PermissionDeniedError) return [403, "Permission denied"];
  if (err?.code === "FST_ERR_CTP_BODY_TOO_LARGE")
    return [413, `Request body too large, max size: ${MAX_BODY_BYTES} bytes`];
  if (typeof err?.statusCode === "number" && err.statusCode >= 400 && err.statusCode < 500) {
    return [err.statusCode, String(err.message ?? "Bad request")];
  }
  return [500, String(err?.message ?? err)];
}

/** The request body as a JSON value; an empty body is undefined. */
export function jsonBody(req: Req): unknown {
  const raw = req.body as Buffer | undefined;
  if (!raw || raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch (err) {
    throw new DecodeError(goJsonSyntaxMessage(raw.toString("utf8"), err as Error));
  }
}

/** A JSON body that must be an object (Consul decodes into a struct). */
export function objectBody(req: Req, typeName: string): Record<string, unknown> {
  const v = jsonBody(req);
  if (v === undefined) throw new DecodeError("EOF");
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    const kind = v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
    throw new DecodeError(`json: cannot unmarshal ${kind} into Go value of type ${typeName}`);
  }
  return v as Record<string, unknown>;
}

// Go's encoding/json words syntax errors like "invalid character 'x' looking for beginning of value".
function goJsonSyntaxMessage(text: string, err: Error): string {
  const m = /position (\d+)/.exec(err.message);
  const pos = m ? Number(m[1]) : -1;
  if (/Unexpected end of JSON input/.test(err.message) || pos >= text.length) return "unexpected EOF";
  const ch = pos >= 0 ? text[pos] : undefined;
  if (ch !== undefined) return `invalid character '${ch}' looking for beginning of value`;
  return err.message;
}

export function notFound(message: string): never {
  throw new NotFoundError(message);
}

export function badRequest(message: string): never {
  throw new InvalidError(message);
}
