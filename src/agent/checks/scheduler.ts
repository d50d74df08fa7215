// Runs this agent's checks: interval probes with a jittered first run, timeouts, Consul's
// success/failure thresholds, and TTL timers. A result reaches the catalog (and wakes blocking
// queries) as soon as it changes the check's status or output, not at a later sync.

import type { Check } from "../../catalog/types.ts";
import { timeoutFor, type ProbeKind } from "./timeouts.ts";
import type { Probe, ProbeStatus } from "./types.ts";

/** Consul raises shorter intervals to one second. */
export const MIN_INTERVAL_MS = 1000;
const DEFAULT_MAX_OUTPUT = 4096;

export interface SchedulerDeps {
  /** The runner for a check kind ("http", "tcp", …), or undefined for kinds not run by probes. */
  probe(kind: string): Probe | undefined;
  /** Writes a result to the catalog; resolves once written (or ignored: the check is gone). */
  report(checkId: string, status: ProbeStatus, output: string): Promise<void>;
  /** Starts following an alias check's target; returns how to stop. */
  watchAlias?(check: Check, report: (status: ProbeStatus, output: string) => void): () => void;
  log?(msg: string, fields?: Record<string, unknown>): void;
  random?(): number;
}

export interface CheckScheduler {
  /** Starts (or restarts, after a re-registration) running a check. */
  add(check: Check): void;
  remove(checkId: string): void;
  /** A TTL check was updated: its TTL starts again. */
  ttlTouched(checkId: string, output: string): void;
  stop(): void;
  /** How many checks are running (for tests and metrics). */
  size(): number;
}

interface Running {
  check: Check;
  timer?: NodeJS.Timeout;
  abort?: AbortController;
  successes: number;
  failures: number;
  /** The last output a TTL check was given, for Consul's "TTL expired" text. */
  lastOutput: string;
  stopAlias?: () => void;
}

/**
 * The timeout of one run: the check's own, else the kind's default (10 s, 30 s for scripts),
 * and for network probes no longer than the interval, as Consul does, so that a run ends
 * before the next one is due.
 */
export function runTimeout(check: Check): number {
  const d = check.Definition;
  const kind = check.Type as ProbeKind;
  if (d.Timeout && d.Timeout > 0) return d.Timeout;
  const byKind = timeoutFor(kind, d);
  if (kind === "script" || kind === "docker") return byKind;
  return Math.min(byKind, Math.max(d.Interval ?? byKind, MIN_INTERVAL_MS));
}

export function createScheduler(deps: SchedulerDeps): CheckScheduler {
  const running = new Map<string, Running>();
  const random = deps.random ?? Math.random;

  function applyThresholds(r: Running, status: ProbeStatus, output: string) {
    const d = r.check.Definition;
    const successBefore = d.SuccessBeforePassing ?? 0;
    const failuresBeforeCritical = d.FailuresBeforeCritical ?? 0;
    const failuresBeforeWarning = d.FailuresBeforeWarning ?? failuresBeforeCritical;
    if (status === "passing" || status === "warning") {
      r.successes++;
      r.failures = 0;
      if (r.successes >= successBefore) return report(r, status, output);
      deps.log?.("check status not updated: not enough successes", { check: r.check.CheckID });
      return;
    }
    r.failures++;
    r.successes = 0;
    if (r.failures >= failuresBeforeCritical) return report(r, "critical", output);
    if (r.failures >= failuresBeforeWarning) return report(r, "warning", output);
    deps.log?.("check status not updated: not enough failures", { check: r.check.CheckID });
  }

  function report(r: Running, status: ProbeStatus, output: string) {
    if (running.get(r.check.CheckID) !== r) return;
    deps.report(r.check.CheckID, status, output).catch((err) => {
      deps.log?.("check result not written", { check: r.check.CheckID, error: String(err?.message ?? err) });
    });
  }

  function startProbe(r: Running, probe: Probe) {
    const interval = Math.max(r.check.Definition.Interval ?? 0, MIN_INTERVAL_MS);
    const timeoutMs = runTimeout(r.check);
    const maxOutput = r.check.Definition.OutputMaxSize || DEFAULT_MAX_OUTPUT;
    let next = Date.now() + random() * interval; // jittered first run: 10,000 checks don't fire together

    const tick = async () => {
      if (running.get(r.check.CheckID) !== r) return;
      const abort = new AbortController();
      r.abort = abort;
      const timer = setTimeout(() => abort.abort(), timeoutMs);
      try {
        const result = await probe(r.check.Definition, { signal: abort.signal, timeoutMs, maxOutput });
        if (!abort.signal.aborted || result.status !== "passing")
          applyThresholds(r, result.status, result.output);
      } catch (err) {
        applyThresholds(r, "critical", String((err as Error)?.message ?? err).slice(0, maxOutput));
      } finally {
        clearTimeout(timer);
      }
      if (running.get(r.check.CheckID) !== r) return;
      // Keep to the schedule: the next run is one interval after the last scheduled one.
      next += interval;
      const now = Date.now();
      if (next < now) next = now + ((next - now) % interval) + interval;
      r.timer = setTimeout(tick, next - now);
      r.timer.unref();
    };
    r.timer = setTimeout(tick, Math.max(0, next - Date.now()));
    r.timer.unref();
  }

  function startTtl(r: Running) {
    const ttl = r.check.Definition.TTL!;
    clearTimeout(r.timer);
    r.timer = setTimeout(() => {
      const output = r.lastOutput
        ? `TTL expired (last output before timeout follows): ${r.lastOutput}`
        : "TTL expired";
      report(r, "critical", output);
    }, ttl);
    r.timer.unref();
  }

  function stopRunning(r: Running) {
    clearTimeout(r.timer);
    r.abort?.abort();
    r.stopAlias?.();
  }

  return {
    add(check) {
      const old = running.get(check.CheckID);
      if (old) stopRunning(old);
      const r: Running = { check, successes: 0, failures: 0, lastOutput: check.Output };
      running.set(check.CheckID, r);
      if (check.Type === "ttl") return startTtl(r);
      if (check.Type === "alias" && deps.watchAlias) {
        r.stopAlias = deps.watchAlias(check, (status, output) => report(r, status, output));
        return;
      }
      const probe = deps.probe(check.Type);
      if (probe) startProbe(r, probe);
    },
    remove(checkId) {
      const r = running.get(checkId);
      if (!r) return;
      stopRunning(r);
      running.delete(checkId);
    },
    ttlTouched(checkId, output) {
      const r = running.get(checkId);
      if (!r || r.check.Type !== "ttl") return;
      r.lastOutput = output;
      startTtl(r);
    },
    stop() {
      for (const r of running.values()) stopRunning(r);
      running.clear();
    },
    size: () => running.size,
  };
}
