// UDP check, as Consul's CheckUDP: send one (empty) datagram on a connected socket, then read.
// A reply passes, and so does silence until the timeout (UDP has no handshake, so a quiet
// service is taken as up); an error on the socket (ICMP port unreachable arrives as
// ECONNREFUSED) is critical with Go's text, e.g.
// "read udp 127.0.0.1:50000->127.0.0.1:9: read: connection refused".
// Consul itself sets no read deadline (hashicorp/consul#22068) and so can hang on silence;
// we apply the check's timeout, which gives the documented "timeout is passing" outcome.

import dgram from "node:dgram";
import net from "node:net";
import { deadline, resolveHost } from "./dial.ts";
import { errnoText, joinHostPort, type NodeSysError } from "./goerrors.ts";
import { runTimeout } from "./timeouts.ts";
import type { Probe, ProbeResult } from "./types.ts";

// Consul's CheckUDP.Message is never set by the agent, so the datagram is empty.
const MESSAGE = Buffer.alloc(0);

export const udpProbe: Probe = async (def, ctx) => {
  const addr = def.UDP ?? "";
  const success: ProbeResult = { status: "passing", output: `UDP connect ${addr}: Success` };
  // Silence must be judged a little before the run's deadline: a result that arrives after the
  // scheduler has aborted the run may be discarded, and silence is the passing case here.
  const timeoutMs = runTimeout("udp", def, ctx);
  const quiet = deadline(new AbortController().signal, Math.max(timeoutMs - 50, timeoutMs * 0.9));
  const dl = deadline(ctx.signal, timeoutMs);
  let sock: dgram.Socket | undefined;
  try {
    let ip: string;
    let port: number;
    try {
      const r = await resolveHost("udp", addr);
      ip = r.addrs[0];
      port = r.port;
    } catch (e) {
      if (dl.signal.aborted) return success;
      return { status: "critical", output: (e as Error).message };
    }
    const s = dgram.createSocket(net.isIPv6(ip) ? "udp6" : "udp4");
    sock = s;
    return await new Promise<ProbeResult>((resolve) => {
      let local = "";
      const remote = joinHostPort(ip, port);
      const onAbort = () => resolve(success);
      if (dl.signal.aborted) return onAbort();
      dl.signal.addEventListener("abort", onAbort, { once: true });
      quiet.signal.addEventListener("abort", onAbort, { once: true });
      const fail = (op: string, err: NodeSysError) => {
        dl.signal.removeEventListener("abort", onAbort);
        resolve({ status: "critical", output: `${op} udp ${local}->${remote}: ${op}: ${errnoText(err)}` });
      };
      s.on("error", (err: NodeSysError) => {
        if (err.syscall === "connect") {
          dl.signal.removeEventListener("abort", onAbort);
          resolve({ status: "critical", output: `dial udp ${remote}: connect: ${errnoText(err)}` });
        } else fail(err.syscall === "send" ? "write" : "read", err);
      });
      s.on("message", () => {
        dl.signal.removeEventListener("abort", onAbort);
        resolve(success);
      });
      s.connect(port, ip, () => {
        const a = s.address();
        local = joinHostPort(a.address, a.port);
        s.send(MESSAGE, (err) => {
          if (err) fail("write", err as NodeSysError);
        });
      });
    });
  } finally {
    try {
      sock?.close();
    } catch {
      // already closed
    }
    quiet.dispose();
    dl.dispose();
  }
};
