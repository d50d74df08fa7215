// The web UI's static files (built by Vite into dist/ui/) at /ui/, as Consul serves its UI.
// Any /ui/ path that is not a file answers index.html, so the app's deep links load; hashed
// assets are cached for good, index.html is revalidated on every load. The path is decoded and
// checked segment by segment so that nothing outside dist/ui/ can ever be read.

import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyReply } from "fastify";
import type { ApiContext } from "./context.ts";
import { HttpError, type Req, type Route } from "./http.ts";

/** dist/ui beside dist/api when compiled; the repository's dist/ui when run from src/ (tsx). */
export function defaultUiDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.basename(path.dirname(here)) === "dist"
    ? path.resolve(here, "..", "ui")
    : path.resolve(here, "..", "..", "dist", "ui");
}

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".webmanifest": "application/manifest+json",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

const IMMUTABLE = "public, max-age=31536000, immutable";
/** Vite writes content-hashed file names under assets/ only. */
const HASHED_DIR = "assets";

/** What a /ui/ path asks for: a file under the UI folder, the app (index.html), or nothing. */
export type UiTarget = { kind: "file"; segments: string[] } | { kind: "app" } | { kind: "refused" };

/**
 * Resolves the part of the URL after /ui/ (still percent-encoded, query removed). Dot segments,
 * NULs and undecodable escapes are refused outright; a segment that decodes to something with a
 * slash (a service named "a/b") can only be an app route, never a file.
 */
export function resolveUiPath(rawTail: string): UiTarget {
  if (rawTail === "") return { kind: "app" };
  const segments: string[] = [];
  let appOnly = false;
  for (const raw of rawTail.split("/")) {
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      return { kind: "refused" };
    }
    if (seg.includes("\0")) return { kind: "refused" };
    if (seg.split(/[/\\]/).some((p) => p === "." || p === "..")) return { kind: "refused" };
    if (/[/\\]/.test(seg)) appOnly = true;
    segments.push(seg);
  }
  if (appOnly) return { kind: "app" };
  // "/ui/dc1/services/" has an empty last segment: an app route.
  if (segments.some((s) => s === "")) return { kind: "app" };
  return { kind: "file", segments };
}

interface StaticFile {
  body: Buffer;
  etag: string;
  type: string;
}

async function loadFile(dir: string, segments: string[]): Promise<StaticFile | undefined> {
  const file = path.resolve(dir, ...segments);
  // resolveUiPath already refused dot segments; this is the belt to those braces.
  if (!file.startsWith(dir + path.sep)) return undefined;
  try {
    const st = await stat(file);
    if (!st.isFile()) return undefined;
    const body = await readFile(file);
    const etag = `"${createHash("sha1").update(body).digest("base64url").slice(0, 20)}"`;
    const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream";
    return { body, etag, type };
  } catch {
    return undefined;
  }
}

function send(req: Req, reply: FastifyReply, file: StaticFile, cacheControl: string): FastifyReply {
  reply
    .header("Content-Type", file.type)
    .header("Cache-Control", cacheControl)
    .header("ETag", file.etag)
    .header("X-Content-Type-Options", "nosniff");
  if (file.type.startsWith("text/html")) {
    // The app only ever talks to this agent's API; data is rendered as text, and this says so too.
    reply
      .header(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
          "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
      )
      .header("Referrer-Policy", "no-referrer");
  }
  if (req.headers["if-none-match"] === file.etag) return reply.code(304).send();
  return reply.send(file.body);
}

const notFoundText =
  "Invalid URL path: if attempting to use the HTTP API, ensure the path starts with '/v1/'\n";

export function uiRoutes(ctx: ApiContext, dir = defaultUiDir()): Route[] {
  if (!ctx.ui) return [];
  const root = path.resolve(dir);
  const access = () => ({ resource: "none" as const, level: "read" as const });

  const serveApp = async (req: Req, reply: FastifyReply) => {
    const index = await loadFile(root, ["index.html"]);
    if (!index) throw new HttpError(500, "the web UI is not built: run `npm run build`\n");
    return send(req, reply, index, "no-cache");
  };

  return [
    {
      // Consul sends its root to the UI when the UI is on.
      methods: ["GET", "HEAD"],
      url: "/",
      access,
      handler: (_req, reply) => reply.redirect("/ui/", 301),
    },
    {
      methods: ["GET", "HEAD"],
      url: "/ui",
      access,
      handler: (_req, reply) => reply.redirect("/ui/", 301),
    },
    {
      methods: ["GET", "HEAD"],
      url: "/ui/:path",
      access,
      handler: async (req, reply) => {
        const raw = req.url.slice("/ui/".length).split(/[?#]/, 1)[0];
        const target = resolveUiPath(raw);
        if (target.kind === "refused") {
          return reply.code(404).type("text/plain; charset=utf-8").send(notFoundText);
        }
        if (target.kind === "file") {
          const file = await loadFile(root, target.segments);
          if (file) {
            const hashed = target.segments.length > 1 && target.segments[0] === HASHED_DIR;
            return send(req, reply, file, hashed ? IMMUTABLE : "no-cache");
          }
          // A missing script or stylesheet is a 404, not the app's page with the wrong type.
          if (target.segments[0] === HASHED_DIR) {
            return reply.code(404).type("text/plain; charset=utf-8").send(notFoundText);
          }
        }
        return serveApp(req, reply);
      },
    },
  ];
}
