// Health states, their order and their sums, as the views show them.

import type { HealthCheck } from "./types.ts";

export type Status = "passing" | "warning" | "critical";

export const STATUSES: readonly Status[] = ["critical", "warning", "passing"];

const SEVERITY: Record<Status, number> = { passing: 0, warning: 1, critical: 2 };

/** A check's status; anything Consul does not define reads as critical, never as fine. */
export function statusOf(s: string): Status {
  return s === "passing" || s === "warning" || s === "critical" ? s : "critical";
}

export function worse(a: Status | undefined, b: Status): Status {
  return a === undefined || SEVERITY[b] > SEVERITY[a] ? b : a;
}

export function severity(s: Status | undefined): number {
  return s === undefined ? -1 : SEVERITY[s];
}

export interface Counts {
  passing: number;
  warning: number;
  critical: number;
}

export const emptyCounts = (): Counts => ({ passing: 0, warning: 0, critical: 0 });

export function countChecks(checks: readonly HealthCheck[], into: Counts = emptyCounts()): Counts {
  for (const c of checks) into[statusOf(c.Status)]++;
  return into;
}

export function worstOf(checks: readonly HealthCheck[]): Status | undefined {
  let w: Status | undefined;
  for (const c of checks) w = worse(w, statusOf(c.Status));
  return w;
}

/** Failures first, the newest (highest ModifyIndex) first within a state. */
export function byNewestFailure(a: HealthCheck, b: HealthCheck): number {
  return (
    severity(statusOf(b.Status)) - severity(statusOf(a.Status)) ||
    b.ModifyIndex - a.ModifyIndex ||
    a.Name.localeCompare(b.Name)
  );
}

// When the page saw each check change (the API has indexes, not times): a check's first sighting
// has no time; a later change of its ModifyIndex is stamped with the clock of this page.
const seen = new Map<string, { index: number; at?: number }>();

export function noteChecks(checks: readonly HealthCheck[]): void {
  for (const c of checks) {
    const key = `${c.Node}\u0000${c.CheckID}`;
    const was = seen.get(key);
    if (!was) seen.set(key, { index: c.ModifyIndex });
    else if (was.index !== c.ModifyIndex) seen.set(key, { index: c.ModifyIndex, at: Date.now() });
  }
}

export function changedAt(c: HealthCheck): number | undefined {
  const s = seen.get(`${c.Node}\u0000${c.CheckID}`);
  return s && s.index === c.ModifyIndex ? s.at : undefined;
}
