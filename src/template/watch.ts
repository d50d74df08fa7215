// Blocking-query watches over Consul's public HTTP API, one per distinct dependency: no
// polling, errors back off and retry for as long as the agent is away, and a watch whose
// dependency no template uses any more is stopped.

export interface WatchClientOptions {
  /** "http://127.0.0.1:8500" */
  baseUrl: string;
  token?: string;
  /** The blocking wait each query asks for. */
  waitMs?: number;
  /** Back-off after an error: doubles from min to max. */
  retryMinMs?: number;
  retryMaxMs?: number;
  log?: (level: "debug" | "info" | "warn" | "error", msg: string) => void;
}

export interface Watched {
  /** The latest answer, once the first one arrived. */
  ready: boolean;
  data: unknown;
  /** The last error, while the agent is failing. */
  error?: string;
}

/** Where a watch reads: an API path with its query ("/v1/health/service/web?tag=x"). */
export type WatchKey = string;

export class Watcher {
  private readonly watches = new Map<WatchKey, { state: Watched; abort: AbortController }>();
  private readonly opts: Required<Omit<WatchClientOptions, "token" | "log">> & WatchClientOptions;

  constructor(
    opts: WatchClientOptions,
    private readonly onChange: (key: WatchKey) => void,
  ) {
    this.opts = { waitMs: 60_000, retryMinMs: 250, retryMaxMs: 10_000, ...opts };
  }

  /** The state of a key, starting its watch when it is new. */
  get(key: WatchKey): Watched {
    let w = this.watches.get(key);
    if (!w) {
      w = { state: { ready: false, data: undefined }, abort: new AbortController() };
      this.watches.set(key, w);
      void this.loop(key, w.state, w.abort.signal);
    }
    return w.state;
  }

  /** Stops every watch not in keep. */
  retain(keep: Set<WatchKey>): void {
    for (const [key, w] of this.watches) {
      if (keep.has(key)) continue;
      w.abort.abort();
      this.watches.delete(key);
    }
  }

  stop(): void {
    this.retain(new Set());
  }

  size(): number {
    return this.watches.size;
  }

  private async loop(key: WatchKey, state: Watched, signal: AbortSignal) {
    let index = 0;
    let backoff = this.opts.retryMinMs;
    let raw = "";
    let status = 0;
    while (!signal.aborted) {
      try {
        const sep = key.includes("?") ? "&" : "?";
        const url = `${this.opts.baseUrl}${key}${index > 0 ? `${sep}index=${index}&wait=${this.opts.waitMs}ms` : ""}`;
        const res = await fetch(url, {
          signal: AbortSignal.any([
            signal,
            AbortSignal.timeout(this.opts.waitMs + this.opts.waitMs / 16 + 5000),
          ]),
          headers: this.opts.token ? { "X-Consul-Token": this.opts.token } : {},
        });
        const text = await res.text();
        if (res.status !== 200 && res.status !== 404) throw new Error(`${res.status} ${text.trim()}`);
        const next = Number(res.headers.get("x-consul-index") ?? 0);
        // Consul's rule: an index that goes backwards (a restarted server) starts over at 0.
        const changed = !state.ready || next !== index || state.error !== undefined;
        index = next > 0 && next >= index ? next : 0;
        backoff = this.opts.retryMinMs;
        if (changed) {
          // The same bytes as last time (a wait that timed out, an unrelated index bump): no change.
          const same = state.ready && text === raw && res.status === status;
          raw = text;
          status = res.status;
          if (!same) state.data = res.status === 404 ? undefined : text ? JSON.parse(text) : undefined;
          state.ready = true;
          const recovered = state.error !== undefined;
          state.error = undefined;
          if (recovered) this.opts.log?.("info", `${key}: agent answers again`);
          if (!same || recovered) this.onChange(key);
        }
        if (index === 0) await sleep(this.opts.retryMinMs, signal); // a backend without blocking
      } catch (err) {
        if (signal.aborted) return;
        const msg = (err as any)?.cause?.message ?? (err as Error).message ?? String(err);
        if (state.error === undefined) this.opts.log?.("warn", `${key}: ${msg}; retrying`);
        state.error = msg;
        index = 0;
        await sleep(backoff, signal);
        backoff = Math.min(backoff * 2, this.opts.retryMaxMs);
      }
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
}
