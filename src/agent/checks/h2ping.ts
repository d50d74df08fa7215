// H2PING check, as Consul's CheckH2PING: open an HTTP/2 connection (h2c with prior knowledge
// when H2PingUseTLS is false, TLS with ALPN "h2" otherwise) and send one PING frame.
// Outputs: "HTTP2 ping was successful", "Failed to dial to <addr>: <Go dial error>",
// "HTTP2 ping failed: <error>".

import http2 from "node:http2";
import type net from "node:net";
import { deadline, dialTcp, tlsHandshake } from "./dial.ts";
import { splitHostPort, type NodeSysError } from "./goerrors.ts";
import { runTimeout } from "./timeouts.ts";
import type { Probe, ProbeResult } from "./types.ts";

/** Go's http2 client error text for a failed session (approximated from Node's codes). */
function pingErrorText(err: NodeSysError): string {
  switch (err.code) {
    case "ERR_HTTP2_ERROR":
    case "ERR_HTTP2_SESSION_ERROR":
      // An h2c ping to an HTTP/1 server is by far the commonest cause: Go's framer reads the
      // "HTTP/1.1 400" reply as an oversized frame header.
      return "http2: failed reading the frame payload: http2: frame too large, note that the frame header looked like an HTTP/1.1 header";
    case "ECONNRESET":
      return "read: connection reset by peer";
    case "ERR_HTTP2_GOAWAY_SESSION":
    case "ERR_HTTP2_PING_CANCEL":
      return "http2: client connection lost";
    default:
      return err.message;
  }
}

export const h2pingProbe: Probe = async (def, ctx) => {
  const target = def.H2PING ?? "";
  const dl = deadline(ctx.signal, runTimeout("h2ping", def, ctx));
  let sock: net.Socket | undefined;
  let session: http2.ClientHttp2Session | undefined;
  try {
    try {
      sock = await dialTcp(target, dl.signal);
      if (def.H2PingUseTLS) {
        const hp = splitHostPort(target);
        const host = "host" in hp ? hp.host : target;
        sock = await tlsHandshake(
          sock,
          host,
          {
            skipVerify: def.TLSSkipVerify,
            serverName: def.TLSServerName,
            alpn: ["h2"],
            ca: ctx.tls?.ca,
            cert: ctx.tls?.cert,
            key: ctx.tls?.key,
          },
          dl.signal,
        );
      }
    } catch (e) {
      sock?.destroy();
      return { status: "critical", output: `Failed to dial to ${target}: ${(e as Error).message}` };
    }
    const conn = sock;
    const authority = `${def.H2PingUseTLS ? "https" : "http"}://${target}`;
    return await new Promise<ProbeResult>((resolve) => {
      let settled = false;
      const done = (r: ProbeResult) => {
        if (settled) return;
        settled = true;
        dl.signal.removeEventListener("abort", onAbort);
        resolve(r);
      };
      const failed = (text: string) => done({ status: "critical", output: `HTTP2 ping failed: ${text}` });
      const onAbort = () => failed("context deadline exceeded");
      if (dl.signal.aborted) return onAbort();
      dl.signal.addEventListener("abort", onAbort, { once: true });
      const s = http2.connect(authority, { createConnection: () => conn });
      session = s;
      s.on("error", (err: NodeSysError) => failed(pingErrorText(err)));
      s.on("close", () => failed("unexpected EOF"));
      const ping = () => {
        try {
          s.ping((err) => {
            // A cancelled ping is followed by the session's own error, which says more.
            if (err) setTimeout(() => failed(pingErrorText(err as NodeSysError)), 20);
            else done({ status: "passing", output: "HTTP2 ping was successful" });
          });
        } catch (e) {
          failed(pingErrorText(e as NodeSysError));
        }
      };
      if (s.connecting) s.once("connect", ping);
      else ping();
    });
  } finally {
    session?.destroy();
    sock?.destroy();
    dl.dispose();
  }
};
