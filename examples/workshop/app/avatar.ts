// The account's avatar URL from GitHub's users API, fetched once and kept in memory. When GitHub cannot
// be reached (network error, timeout, non-200 answer, no avatar_url) the app's own identicon stands in.
// An expired entry is still served while a refresh runs in the background, so only the very first
// lookup ever waits for GitHub.

export interface Avatar {
  url: string;
  source: "github" | "identicon";
  /** Why GitHub was not used (source "identicon"). */
  reason?: string;
}

export interface AvatarOptions {
  name: string;
  token: string;
  githubApi: string;
  /** Absolute URL of the app's /identicon.svg. */
  identiconUrl: string;
  timeoutMs?: number;
  /** How long a GitHub answer is kept. */
  ttlMs?: number;
  /** How long to wait before asking GitHub again after a failure. */
  retryMs?: number;
  log?: (line: string) => void;
  userAgent?: string;
}

export class AvatarSource {
  private cached: { avatar: Avatar; expires: number } | undefined;
  private inflight: Promise<Avatar> | undefined;
  private readonly opts: Required<AvatarOptions>;

  constructor(opts: AvatarOptions) {
    this.opts = {
      timeoutMs: 3000,
      ttlMs: 60 * 60_000,
      retryMs: 5 * 60_000,
      log: (line) => console.log(line),
      userAgent: "census-workshop-app",
      ...opts,
    };
  }

  /** The avatar, from the cache when there is one (refreshing it in the background once expired). */
  async get(): Promise<Avatar> {
    const c = this.cached;
    if (!c) return this.refresh();
    if (Date.now() >= c.expires) this.refresh().catch(() => {});
    return c.avatar;
  }

  /** Asks GitHub (once at a time) and caches the result. Never rejects. */
  refresh(): Promise<Avatar> {
    this.inflight ??= this.lookup().then((avatar) => {
      const previous = this.cached?.avatar;
      const ttl = avatar.source === "github" ? this.opts.ttlMs : this.opts.retryMs;
      this.cached = { avatar, expires: Date.now() + ttl };
      this.inflight = undefined;
      if (!previous || previous.source !== avatar.source || previous.url !== avatar.url) {
        this.opts.log(
          avatar.source === "github"
            ? `workshop app: avatar of ${this.opts.name} from GitHub: ${avatar.url}`
            : `workshop app: GitHub not reachable (${avatar.reason}), serving the identicon ${avatar.url}`,
        );
      }
      return avatar;
    });
    return this.inflight;
  }

  private async lookup(): Promise<Avatar> {
    const { name, token, githubApi, identiconUrl, timeoutMs, userAgent } = this.opts;
    const fallback = (reason: string): Avatar => ({ url: identiconUrl, source: "identicon", reason });
    const url = `${githubApi}/users/${encodeURIComponent(name)}`;
    const headers: Record<string, string> = {
      Accept: "application/vnd.github+json",
      "User-Agent": userAgent,
    };
    if (token) headers.Authorization = `token ${token}`;
    try {
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
      const text = await res.text();
      if (res.status !== 200) return fallback(`${url} answered ${res.status}`);
      let body: any;
      try {
        body = JSON.parse(text);
      } catch {
        return fallback(`${url} did not answer JSON`);
      }
      const avatar = body?.avatar_url;
      if (typeof avatar !== "string" || !/^https?:\/\//.test(avatar))
        return fallback(`${url} gave no avatar_url`);
      return { url: avatar, source: "github" };
    } catch (err: any) {
      if (err?.name === "TimeoutError") return fallback(`${url} did not answer within ${timeoutMs} ms`);
      const cause = err?.cause?.code ?? err?.cause?.message ?? err?.message ?? String(err);
      return fallback(`${url}: ${cause}`);
    }
  }
}
