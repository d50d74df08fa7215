// Pieces shared by the views. Everything from the network is rendered as text (JSX escapes
// it); no view ever sets HTML.

import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { byNewestFailure, changedAt, statusOf, type Counts, type Status } from "./health.ts";
import type { HealthCheck } from "./types.ts";

export type Shown = Status | "none";

const LABEL: Record<Shown, string> = {
  passing: "passing",
  warning: "warning",
  critical: "critical",
  none: "no checks",
};

/**
 * A shape per state (circle ✓, triangle !, square ✕, ring –), so colour is never the only cue.
 * The shapes are CSS masks: one element per icon keeps a list of 5,000 rows cheap to build.
 */
export function StatusIcon({ status }: { status: Shown }) {
  return <span class={`icon icon-${status}`} aria-hidden="true" />;
}

/** Icon and word: "✔ passing". */
export function StatusBadge({ status, label }: { status: Shown; label?: string }) {
  return (
    <span class={`badge badge-${status}`}>
      <StatusIcon status={status} />
      <span>{label ?? LABEL[status]}</span>
    </span>
  );
}

/** "2 passing · 1 critical", each with its icon; nothing for zero counts. */
export function CountChips({ counts }: { counts: Counts }) {
  const parts = (["critical", "warning", "passing"] as const).filter((s) => counts[s] > 0);
  if (parts.length === 0) return <span class="muted">no checks</span>;
  return (
    <span class="chips">
      {parts.map((s) => (
        <span key={s} class={`chip chip-${s}`} title={`${counts[s]} ${s} check${counts[s] === 1 ? "" : "s"}`}>
          <StatusIcon status={s} />
          <span>
            {counts[s]} {s}
          </span>
        </span>
      ))}
    </span>
  );
}

export function Tags({ tags }: { tags: readonly string[] | null | undefined }) {
  if (!tags || tags.length === 0) return null;
  return (
    <ul class="tags" aria-label="tags">
      {tags.map((t, i) => (
        <li key={`${i}:${t}`} class="tag">
          {t}
        </li>
      ))}
    </ul>
  );
}

export function MetaList({
  meta,
  label,
}: {
  meta: Record<string, string> | null | undefined;
  label: string;
}) {
  const entries = Object.entries(meta ?? {});
  if (entries.length === 0) return null;
  return (
    <dl class="meta" aria-label={label}>
      {entries.map(([k, v]) => (
        <div key={k} class="meta-entry">
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

function checkKind(c: HealthCheck): string {
  const scope = c.ServiceID ? "service check" : "node check";
  return c.Type ? `${c.Type} · ${scope}` : scope;
}

function timeOf(ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, { hour12: false });
}

/** Checks, failures first and the newest failure first. */
export function CheckList({ checks }: { checks: readonly HealthCheck[] }) {
  if (checks.length === 0) return <p class="muted">No health checks.</p>;
  const sorted = [...checks].sort(byNewestFailure);
  return (
    <ul class="checks">
      {sorted.map((c) => {
        const status = statusOf(c.Status);
        const at = changedAt(c);
        return (
          <li
            key={`${c.Node}\u0000${c.CheckID}`}
            class={`check status-${status}`}
            data-check={c.CheckID}
            data-status={status}
          >
            <div class="check-head">
              <StatusBadge status={status} />
              <span class="check-name">{c.Name || c.CheckID}</span>
              <span class="muted check-kind">{checkKind(c)}</span>
              <span class="muted check-change" title={`ModifyIndex ${c.ModifyIndex}`}>
                {at !== undefined ? `changed ${timeOf(at)}` : `last change: index ${c.ModifyIndex}`}
              </span>
            </div>
            {c.Output ? <pre class="output">{c.Output}</pre> : null}
            {c.Notes ? <p class="notes">{c.Notes}</p> : null}
          </li>
        );
      })}
    </ul>
  );
}

/** The state of a view's data: an error from the agent, loading, or the children. */
export function Loaded({
  error,
  loaded,
  children,
}: {
  error: string | undefined;
  loaded: boolean;
  children: ComponentChildren;
}) {
  if (error) return <p class="error-box">The agent answered with an error: {error}</p>;
  if (!loaded) return <p class="muted loading">Loading…</p>;
  return <>{children}</>;
}

/** How many rows a long list builds at first; more follow as it is scrolled (or on request). */
export const PAGE = 200;

/** The first `limit` rows of a list, growing by a page at a time; back to one page on `reset`. */
export function useLimit(reset: unknown): [number, () => void] {
  const [state, setState] = useState({ limit: PAGE, reset });
  const limit = Object.is(state.reset, reset) ? state.limit : PAGE;
  const more = () => setState({ limit: limit + PAGE * 2, reset });
  return [limit, more];
}

/**
 * The end of a cut list: a button (keyboard users) that also presses itself when scrolled near
 * (everyone else), so a list of 5,000 rows is built a few hundred at a time.
 */
export function MoreRows({ total, limit, more }: { total: number; limit: number; more: () => void }) {
  const ref = useRef<HTMLButtonElement>(null);
  const rest = total - limit;
  useEffect(() => {
    const el = ref.current;
    if (!el || rest <= 0) return;
    const io = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && more(), {
      rootMargin: "800px 0px",
    });
    io.observe(el);
    return () => io.disconnect();
  });
  if (rest <= 0) return null;
  return (
    <div class="more">
      <button type="button" ref={ref} onClick={more}>
        Show more ({rest} not shown yet)
      </button>
    </div>
  );
}
