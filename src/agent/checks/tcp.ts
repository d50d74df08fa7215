// TCP check, as Consul's CheckTCP: passing when a connection opens within the timeout
// ("TCP connect <addr>: Success"), otherwise critical with Go's dial error text
// ("dial tcp 127.0.0.1:1: connect: connection refused", "... i/o timeout").

import { deadline, dialTcp } from "./dial.ts";
import { runTimeout } from "./timeouts.ts";
import type { Probe } from "./types.ts";

export const tcpProbe: Probe = async (def, ctx) => {
  const addr = def.TCP ?? "";
  const dl = deadline(ctx.signal, runTimeout("tcp", def, ctx));
  try {
    const sock = await dialTcp(addr, dl.signal);
    sock.destroy();
    return { status: "passing", output: `TCP connect ${addr}: Success` };
  } catch (e) {
    return { status: "critical", output: (e as Error).message };
  } finally {
    dl.dispose();
  }
};
