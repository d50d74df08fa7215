// Live data from the agent's public HTTP API: one blocking-query loop per hook (Consul's
// ?index=N&wait=…), which answers as soon as anything in the query's scope changes. Errors back
// off and retry by themselves; while the agent cannot be reached, every loop reports it to one
// shared flag that the page shows as a banner.

import { useEffect, useState } from "preact/hooks";

/** How long the agent may hold a blocking query (under the usual 60 s proxy idle timeouts). */
const WAIT_S = 50;
/** Consul adds up to wait/16 of jitter; past that plus a margin the connection is presumed dead. */
const CLIENT_TIMEOUT_MS = WAIT_S * 1000 * (17 / 16) + 5000;
const BACKOFF_MIN_MS = 250;
const BACKOFF_MAX_MS = 3000;

export interface Live<T> {
  data: T | undefined;
  /** X-Consul-Index of the data shown. */
  index: number;
  /** An error answer from a reachable agent (400, 500…), shown by the view. */
  error: string | undefined;
}

// --- whether the agent answers at all, shared by every loop --------------------------------

const failing = new Set<symbol>();
const subscribers = new Set<() => void>();

function setReachable(loop: symbol, ok: boolean): void {
  const before = failing.size > 0;
  if (ok) failing.delete(loop);
  else failing.add(loop);
  if (before !== failing.size > 0) for (const s of subscribers) s();
}

/** True while any loop of the page cannot reach the agent. */
export function useUnreachable(): boolean {
  const [, render] = useState(0);
  useEffect(() => {
    const s = () => render((n) => n + 1);
    subscribers.add(s);
    return () => void subscribers.delete(s);
  }, []);
  return failing.size > 0;
}

// --- the loop ------------------------------------------------------------------------------

/** An agent that is closing or a proxy in front of one that is gone. */
const UNREACHABLE_STATUSES = new Set([502, 503, 504]);

class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });

async function runLoop<T>(url: string, signal: AbortSignal, loop: symbol, set: (s: Live<T>) => void) {
  let index = 0;
  let failures = 0;
  while (!signal.aborted) {
    const sep = url.includes("?") ? "&" : "?";
    const target = index > 0 ? `${url}${sep}index=${index}&wait=${WAIT_S}s` : url;
    const started = Date.now();
    try {
      const res = await fetch(target, {
        signal: AbortSignal.any([signal, AbortSignal.timeout(CLIENT_TIMEOUT_MS)]),
        headers: { Accept: "application/json" },
        cache: "no-store",
      });
      if (!res.ok) throw new HttpStatusError(res.status, (await res.text()).trim() || res.statusText);
      const next = Number(res.headers.get("X-Consul-Index") ?? "0") || 0;
      const data = (await res.json()) as T;
      if (signal.aborted) return;
      setReachable(loop, true);
      failures = 0;
      const same = next === index;
      // Consul's client rules: an index that went backwards (a restarted agent) starts over;
      // an index of 0 is sent as 1 so that the next query still blocks.
      index = next < index ? 0 : Math.max(next, 1);
      set({ data, index: next, error: undefined });
      // A blocking query that came back at once with nothing new is not allowed to spin.
      if (same && Date.now() - started < 100) await sleep(1000, signal);
    } catch (err) {
      if (signal.aborted) return;
      failures++;
      // Whatever was known about the index is void until the agent answers again.
      index = 0;
      if (err instanceof HttpStatusError && !UNREACHABLE_STATUSES.has(err.status)) {
        setReachable(loop, true);
        set({ data: undefined, index: 0, error: `${err.status}: ${err.message}` });
      } else {
        setReachable(loop, false);
      }
      await sleep(Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** (failures - 1)), signal);
    }
  }
}

/** The live answer of a public API path (null: nothing to load). */
export function useLive<T>(url: string | null): Live<T> {
  const [state, setState] = useState<Live<T> & { url: string | null }>({
    url,
    data: undefined,
    index: 0,
    error: undefined,
  });
  useEffect(() => {
    if (!url) return;
    const ctl = new AbortController();
    const loop = Symbol(url);
    void runLoop<T>(url, ctl.signal, loop, (s) => setState({ ...s, url }));
    return () => {
      ctl.abort();
      setReachable(loop, true);
    };
  }, [url]);
  // Data of a previous URL is never shown for a new one.
  return state.url === url ? state : { data: undefined, index: 0, error: undefined };
}

/** A path of the public API with the datacenter; names are encoded as one path segment each. */
export function apiUrl(dc: string, path: string, ...names: string[]): string {
  const tail = names.map((n) => `/${encodeURIComponent(n)}`).join("");
  return `/v1/${path}${tail}?dc=${encodeURIComponent(dc)}`;
}
