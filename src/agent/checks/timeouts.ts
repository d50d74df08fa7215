// How long one run of each check kind may take when the definition names no Timeout
// (Consul: 30 s for scripts, 10 s for the network kinds). The scheduler should pass
// `timeoutFor(kind, def)` as ProbeContext.timeoutMs.

import type { CheckDefinition } from "../../catalog/types.ts";
import type { ProbeContext } from "./types.ts";

export type ProbeKind = "http" | "tcp" | "udp" | "grpc" | "h2ping" | "script" | "docker";

export const DEFAULT_TIMEOUT_MS: Record<ProbeKind, number> = {
  http: 10_000,
  tcp: 10_000,
  udp: 10_000,
  grpc: 10_000,
  h2ping: 10_000,
  script: 30_000,
  // Consul runs docker execs without a timeout; ours is bounded like a script's.
  docker: 30_000,
};

export function timeoutFor(kind: ProbeKind, def: CheckDefinition): number {
  return def.Timeout && def.Timeout > 0 ? def.Timeout : DEFAULT_TIMEOUT_MS[kind];
}

/** The timeout a probe applies: the context's, else the definition's, else the kind's default. */
export function runTimeout(kind: ProbeKind, def: CheckDefinition, ctx: ProbeContext): number {
  return ctx.timeoutMs > 0 ? ctx.timeoutMs : timeoutFor(kind, def);
}
