// HTTP check, as Consul's CheckHTTP: one request (following up to 10 redirects as Go's
// http.Client does, unless DisableRedirects), 2xx passing, 429 warning, anything else critical.
// Output "HTTP GET <url>: 200 OK Output: <body>", the body kept to its last maxOutput bytes
// as Consul's ring buffer does; a failed request's Output is Go's url.Error text.
// node:http is used directly (not fetch) to control redirects, TLS and timeouts.

import http from "node:http";
import https from "node:https";
import net from "node:net";
import tls from "node:tls";
import zlib from "node:zlib";
import type { CheckDefinition } from "../../catalog/types.ts";
import { deadline, type Deadline } from "./dial.ts";
import { errnoText, firstError, joinHostPort, tlsErrorText, type NodeSysError } from "./goerrors.ts";
import { RingBuffer, goQuote } from "./output.ts";
import { runTimeout } from "./timeouts.ts";
import type { Probe, ProbeContext, ProbeResult } from "./types.ts";

export const USER_AGENT = "Consul Health Check";
export const DEFAULT_ACCEPT = "text/plain, text/*, */*";
const MAX_REDIRECTS = 10;
const TIMEOUT_TEXT = "context deadline exceeded (Client.Timeout exceeded while awaiting headers)";
// Headers Go drops when a redirect leaves the original host (http.shouldCopyHeaderOnRedirect).
const SENSITIVE_HEADERS = new Set(["authorization", "www-authenticate", "cookie", "cookie2"]);

/** Go's urlErrorOp: "GET" → "Get". */
function urlErrorOp(method: string): string {
  return method === "" ? "Get" : method[0] + method.slice(1).toLowerCase();
}

/** Go's url.Error.URL: the URL with any password masked. */
function stripPassword(raw: string): string {
  return raw.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^@/?#:]*):([^@/?#]*)@/, "$1$2:***@");
}

class HopError extends Error {}

/** Validates a URL as Go's http.NewRequest + Client.Do would; returns Go's error text or the URL. */
function parseTarget(target: string, op: string): URL | string {
  if (target.startsWith(":")) return `parse ${goQuote(target)}: missing protocol scheme`;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(target)?.[1]?.toLowerCase() ?? "";
  if (scheme === "") {
    const firstSegment = target.split("/")[0];
    if (firstSegment.includes(":")) {
      return `parse ${goQuote(target)}: first path segment in URL cannot contain colon`;
    }
  }
  if (scheme !== "http" && scheme !== "https") {
    return `${op} ${goQuote(stripPassword(target))}: unsupported protocol scheme ${goQuote(scheme)}`;
  }
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return `parse ${goQuote(target)}: invalid URL`;
  }
  if (!url.hostname) return `${op} ${goQuote(stripPassword(target))}: http: no Host in request URL`;
  return url;
}

interface Hop {
  url: URL;
  method: string;
  headers: Record<string, string | string[]>;
  body: string;
}

interface Sent {
  res: http.IncomingMessage;
}

/** Sends one request; rejects with HopError(Go's inner error text). */
function send(hop: Hop, def: CheckDefinition, ctx: ProbeContext, dl: Deadline): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const isTls = hop.url.protocol === "https:";
    const hostname = hop.url.hostname.replace(/^\[(.*)\]$/, "$1");
    const verifyName = def.TLSServerName || hostname;
    const port = hop.url.port ? Number(hop.url.port) : isTls ? 443 : 80;
    const headers = { ...hop.headers };
    if (hop.body.length > 0) headers["Content-Length"] = String(Buffer.byteLength(hop.body));
    else if (["POST", "PUT", "PATCH"].includes(hop.method)) headers["Content-Length"] = "0";
    let local = "";
    let remote = "";
    let req: http.ClientRequest;
    const options: https.RequestOptions = {
      method: hop.method,
      host: hostname,
      port,
      path: hop.url.pathname + hop.url.search,
      headers,
      agent: false,
      setHost: !Object.keys(headers).some((k) => k.toLowerCase() === "host"),
    };
    if (isTls) {
      Object.assign(options, {
        servername: net.isIP(verifyName) ? "" : verifyName,
        rejectUnauthorized: !def.TLSSkipVerify,
        ca: ctx.tls?.ca,
        cert: ctx.tls?.cert,
        key: ctx.tls?.key,
        checkServerIdentity: (_host: string, cert: tls.PeerCertificate) =>
          tls.checkServerIdentity(verifyName, cert),
      });
    }
    const onAbort = () => {
      req?.destroy();
      reject(new HopError(TIMEOUT_TEXT));
    };
    try {
      req = (isTls ? https : http).request(options);
    } catch (e) {
      const err = e as NodeSysError;
      const name = /"([^"]*)"/.exec(err.message)?.[1] ?? "";
      if (err.code === "ERR_INVALID_CHAR") {
        return reject(new HopError(`net/http: invalid header field value for ${goQuote(name)}`));
      }
      if (err.code === "ERR_INVALID_HTTP_TOKEN") {
        return reject(new HopError(`net/http: invalid header field name ${goQuote(name)}`));
      }
      return reject(new HopError(err.message));
    }
    if (dl.signal.aborted) return onAbort();
    dl.signal.addEventListener("abort", onAbort, { once: true });
    req.on("socket", (sock) => {
      sock.once("connect", () => {
        local = joinHostPort(sock.localAddress ?? "", sock.localPort ?? 0);
        remote = joinHostPort(sock.remoteAddress ?? "", sock.remotePort ?? 0);
      });
    });
    req.on("error", (e: NodeSysError) => {
      dl.signal.removeEventListener("abort", onAbort);
      if (dl.signal.aborted) return reject(new HopError(TIMEOUT_TEXT));
      reject(new HopError(transportErrorText(firstError(e), verifyName, local, remote)));
    });
    req.on("response", (res) => {
      dl.signal.removeEventListener("abort", onAbort);
      resolve({ res });
    });
    req.end(hop.body.length > 0 ? hop.body : undefined);
  });
}

/** Go's text for a transport failure before any response arrived. */
function transportErrorText(err: NodeSysError, verifyName: string, local: string, remote: string): string {
  const tlsText = tlsErrorText(err, verifyName);
  if (tlsText) return tlsText;
  if (err.syscall === "connect" && err.address !== undefined) {
    return `dial tcp ${joinHostPort(err.address, err.port ?? 0)}: connect: ${errnoText(err)}`;
  }
  if (err.syscall === "getaddrinfo" || err.code === "ENOTFOUND") {
    return `dial tcp: lookup ${err.hostname ?? ""}: no such host`;
  }
  if (err.code === "ECONNRESET" && err.syscall === "read") {
    return `read tcp ${local}->${remote}: read: connection reset by peer`;
  }
  if (err.code === "ECONNRESET") return "EOF";
  if (err.code?.startsWith("HPE_")) {
    const raw = (err as { rawPacket?: Buffer }).rawPacket?.toString("latin1").split("\r\n")[0] ?? "";
    return `net/http: HTTP/1.x transport connection broken: malformed HTTP response ${goQuote(raw)}`;
  }
  return err.message;
}

/** Reads the (decompressed) body into a ring buffer until it ends, fails, or the deadline passes. */
function readBody(res: http.IncomingMessage, gunzip: boolean, max: number, dl: Deadline): Promise<string> {
  const ring = new RingBuffer(max);
  return new Promise((resolve) => {
    let stream: NodeJS.ReadableStream = res;
    let unzip: zlib.Gunzip | undefined;
    if (gunzip) {
      unzip = zlib.createGunzip();
      res.pipe(unzip);
      res.on("error", () => unzip!.destroy());
      stream = unzip;
    }
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      dl.signal.removeEventListener("abort", finish);
      unzip?.destroy();
      res.destroy();
      resolve(ring.toString());
    };
    if (dl.signal.aborted) return finish();
    dl.signal.addEventListener("abort", finish, { once: true });
    stream.on("data", (chunk: Buffer) => ring.write(chunk));
    stream.on("end", finish);
    stream.on("error", finish);
    res.on("aborted", finish);
    res.on("close", () => {
      // A complete gzip body may still be flushing through the decoder; anything else is the end.
      if (!unzip || !res.complete) finish();
    });
  });
}

function headerGet(headers: Record<string, string | string[]>, name: string): string {
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === name.toLowerCase()) return (Array.isArray(v) ? v[0] : v) ?? "";
  }
  return "";
}

function headerDel(headers: Record<string, string | string[]>, name: string): void {
  for (const k of Object.keys(headers)) if (k.toLowerCase() === name.toLowerCase()) delete headers[k];
}

/** Go's http.redirectBehavior: whether to follow, with which method, with the body or not. */
function redirectBehavior(
  status: number,
  method: string,
): { follow: boolean; method: string; body: boolean } {
  if (status === 301 || status === 302 || status === 303) {
    return { follow: true, method: method === "GET" || method === "HEAD" ? method : "GET", body: false };
  }
  if (status === 307 || status === 308) return { follow: true, method, body: true };
  return { follow: false, method, body: false };
}

function isDomainOrSubdomain(sub: string, parent: string): boolean {
  return sub === parent || sub.endsWith("." + parent);
}

export const httpProbe: Probe = async (def, ctx) => {
  const method = def.Method || "GET";
  const target = def.HTTP ?? "";
  const op = urlErrorOp(method);
  const crit = (output: string): ProbeResult => ({ status: "critical", output });

  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(method))
    return crit(`net/http: invalid method ${goQuote(method)}`);
  const parsed = parseTarget(target, op);
  if (typeof parsed === "string") return crit(parsed);

  // Consul: the configured headers, Host taken from them, then User-Agent and Accept defaults.
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(def.Header ?? {})) {
    const lower = k.toLowerCase();
    // Go writes these from the request itself, never from the header map.
    if (["host", "content-length", "transfer-encoding", "trailer"].includes(lower)) continue;
    // Go sends only the first User-Agent.
    headers[k] = lower === "user-agent" ? v.slice(0, 1) : v;
  }
  const customHost = headerGet(def.Header ?? {}, "host");
  if (!headerGet(headers, "user-agent")) {
    headerDel(headers, "user-agent");
    headers["User-Agent"] = USER_AGENT;
  }
  if (!headerGet(headers, "accept")) {
    headerDel(headers, "accept");
    headers["Accept"] = DEFAULT_ACCEPT;
  }
  // Go's transport asks for gzip (and decodes it) unless the caller set Accept-Encoding.
  const wantGzip =
    !headerGet(headers, "accept-encoding") && !headerGet(headers, "range") && method !== "HEAD";
  if (wantGzip) headers["Accept-Encoding"] = "gzip";

  const dl = deadline(ctx.signal, runTimeout("http", def, ctx));
  try {
    let hop: Hop = { url: parsed, method, headers: { ...headers }, body: def.Body ?? "" };
    if (customHost) hop.headers["Host"] = customHost;
    let hopUrlText = stripPassword(target);
    let redirects = 0;
    for (;;) {
      let sent: Sent;
      try {
        sent = await send(hop, def, ctx, dl);
      } catch (e) {
        return crit(`${op} ${goQuote(hopUrlText)}: ${(e as Error).message}`);
      }
      const { res } = sent;
      const status = res.statusCode ?? 0;
      const loc = res.headers.location;
      const behaviour = redirectBehavior(status, hop.method);
      if (!def.DisableRedirects && behaviour.follow && loc) {
        res.resume();
        res.destroy();
        let next: URL;
        try {
          next = new URL(loc, hop.url);
        } catch {
          return crit(`${op} ${goQuote(hopUrlText)}: failed to parse Location header ${goQuote(loc)}`);
        }
        redirects++;
        if (redirects >= MAX_REDIRECTS) {
          return crit(`${op} ${goQuote(loc)}: stopped after ${MAX_REDIRECTS} redirects`);
        }
        const isAbs = /^[A-Za-z][A-Za-z0-9+.-]*:/.test(loc);
        hopUrlText = stripPassword(isAbs ? loc : next.href);
        if (next.protocol !== "http:" && next.protocol !== "https:") {
          const scheme = next.protocol.replace(/:$/, "");
          return crit(`${op} ${goQuote(hopUrlText)}: unsupported protocol scheme ${goQuote(scheme)}`);
        }
        const nextHeaders = { ...headers };
        if (!isDomainOrSubdomain(next.hostname, parsed.hostname)) {
          for (const k of Object.keys(nextHeaders)) {
            if (SENSITIVE_HEADERS.has(k.toLowerCase())) delete nextHeaders[k];
          }
        }
        // Go keeps a custom Host only across relative redirects (golang/go#22233).
        if (customHost && customHost !== parsed.host && !isAbs) nextHeaders["Host"] = customHost;
        hop = {
          url: next,
          method: behaviour.method,
          headers: nextHeaders,
          body: behaviour.body ? hop.body : "",
        };
        continue;
      }
      const gzipped = wantGzip && (res.headers["content-encoding"] ?? "").toLowerCase() === "gzip";
      const body = await readBody(res, gzipped, ctx.maxOutput, dl);
      const statusText = res.statusMessage ? `${status} ${res.statusMessage}` : `${status}`;
      const output = `HTTP ${method} ${target}: ${statusText} Output: ${body}`;
      if (status >= 200 && status <= 299) return { status: "passing", output };
      if (status === 429) return { status: "warning", output };
      return crit(output);
    }
  } finally {
    dl.dispose();
  }
};
