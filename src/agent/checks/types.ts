// One probe of a check: what a runner returns for one run. The scheduler (agent/checks/
// scheduler.ts) decides when to run, applies thresholds and writes the result to the catalog.

import type { CheckDefinition } from "../../catalog/types.ts";

export type ProbeStatus = "passing" | "warning" | "critical";

export interface ProbeResult {
  status: ProbeStatus;
  /** What Consul would put in the check's Output, already capped to the output limit. */
  output: string;
}

export interface ProbeContext {
  /** Aborted when the run's timeout passes or the check is removed. */
  signal: AbortSignal;
  /** Milliseconds; Consul's default is 10 s (the interval when shorter, for some kinds). */
  timeoutMs: number;
  /** Output cap in bytes (Consul: OutputMaxSize, default 4 KiB). */
  maxOutput: number;
  /**
   * Docker Engine endpoint for docker checks: a unix socket path, or "unix://…" / "tcp://…".
   * Unset: $DOCKER_HOST, else /var/run/docker.sock (as Consul).
   */
  dockerSocket?: string;
  /** The agent's TLS material offered to TLS checks (Consul's enable_agent_tls_for_checks). */
  tls?: { ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer };
}

/** A check kind's runner: one file per kind under agent/checks/. */
export type Probe = (def: CheckDefinition, ctx: ProbeContext) => Promise<ProbeResult>;
