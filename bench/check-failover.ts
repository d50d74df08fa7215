// How fast a dead instance leaves `?passing`: an app (a plain node:http server in a process of
// its own) registered as service `workshop` with an HTTP check (Interval 1s, Timeout 1s) on one
// `census agent -dev`; a watcher holds a blocking query on /v1/health/service/workshop?passing
// (index/wait loop) and notes when the instance disappears. Each run waits until the instance
// is passing, waits a random part of an interval (so that the failure lands anywhere in the
// check's schedule), records the time, then
//   kill: SIGKILLs the app: the next run is refused at once, so the delay is up to ~1 interval;
//         the app is then restarted on the same port;
//   stop: SIGSTOPs it: it still accepts connections but never answers, so the run must time
//         out, up to interval + timeout; then SIGCONT.
// Target: every delay <= interval + timeout + 100 ms = 2100 ms.
// Most of the delay is the wait for the check's next run, which no implementation avoids. The
// app reports when each census check run arrives, so each delay splits into that wait (the
// first run due after the failure, plus the timeout when stopped) and what census adds: the
// probe's failure, the catalog write, the blocking query's wake-up and the answer.
// Baseline, in the same runs: a plain node script probing the same app on the same schedule
// (a GET every 1 s, 1 s timeout, a connection per run as census), which notes its own first
// failure. Its phase differs from the census check's, so only its distribution compares.
//
//   node --import tsx bench/check-failover.ts [--runs 20] [--variants kill,stop]

import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import { parseArgs } from "node:util";
import { cpuTicks, freePort, machine, nowMs, percentile, put, request, sleep, startCensus } from "./lib.ts";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "20" },
    variants: { type: "string", default: "kill,stop" },
  },
});
const RUNS = Number(values.runs);
const VARIANTS = values.variants.split(",").filter(Boolean) as Variant[];
type Variant = "kill" | "stop";
for (const v of VARIANTS) if (v !== "kill" && v !== "stop") throw new Error(`unknown variant ${v}`);
const INTERVAL_MS = 1000;
const TIMEOUT_MS = 1000;
const TARGET_MS = INTERVAL_MS + TIMEOUT_MS + 100;
const GIVE_UP_MS = 10_000;
const HZ = 100; // USER_HZ: clock ticks per second on Linux

/** Busy clock ticks of the whole machine (all cores), from /proc/stat. */
function machineBusyTicks(): number {
  const [user, nice, system, , , irq, softirq] = readFileSync("/proc/stat", "utf8")
    .split("\n")[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return user + nice + system + irq + softirq;
}

// The app: answers every request 200 "ok" on APP_PORT, and says when census's check arrives.
const APP_SOURCE = `
import http from "node:http";
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const server = http.createServer((req, res) => {
  if (req.headers["user-agent"] === "Consul Health Check") process.send({ type: "hit", at: nowMs() });
  req.resume();
  res.writeHead(200, { "Content-Type": "text/plain", "Content-Length": "2" });
  res.end("ok");
});
server.listen({ host: "127.0.0.1", port: Number(process.env.APP_PORT) }, () => process.send({ type: "listening" }));
process.on("disconnect", () => process.exit(0));
`;

// The baseline checker: a GET every interval (kept to the schedule, a connection per run),
// failed after the timeout; tells when (CLOCK_MONOTONIC ms) its verdict changes.
const CHECKER_SOURCE = `
import http from "node:http";
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
process.once("message", ({ port, intervalMs, timeoutMs }) => {
  let up;
  const verdict = (ok) => {
    if (ok === up) return;
    up = ok;
    process.send({ type: ok ? "up" : "down", at: nowMs() });
  };
  let next = Date.now() + Math.random() * intervalMs;
  const schedule = () => {
    next += intervalMs;
    const now = Date.now();
    if (next < now) next = now + ((next - now) % intervalMs) + intervalMs;
    setTimeout(tick, next - now);
  };
  const tick = () => {
    let done = false;
    const finish = (ok) => { if (!done) { done = true; clearTimeout(timer); verdict(ok); schedule(); } };
    const req = http.get({ host: "127.0.0.1", port, path: "/health", agent: false }, (res) => {
      res.resume();
      res.on("end", () => finish(res.statusCode >= 200 && res.statusCode < 300));
      res.on("error", () => finish(false));
    });
    const timer = setTimeout(() => { req.destroy(); finish(false); }, timeoutMs);
    req.on("error", () => finish(false));
  };
  setTimeout(tick, next - Date.now());
});
process.on("disconnect", () => process.exit(0));
`;

// Every process this script starts, killed on the way out whatever happens.
const children = new Set<ChildProcess>();
process.on("exit", () => {
  for (const p of children) if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
});
for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => process.exit(130));

/** A plain node process (no loader) running `source` as an ES module, with IPC. */
function startInline(source: string, env: Record<string, string> = {}): ChildProcess {
  const proc = spawn(process.execPath, ["--input-type=module", "-e", source], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    env: { ...process.env, ...env },
  });
  children.add(proc);
  return proc;
}

function nextMessage<T = any>(proc: ChildProcess, type: string, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: any) => {
      if (m?.type !== type) return;
      done();
      resolve(m);
    };
    const onExit = () => {
      done();
      reject(new Error(`child exited while waiting for "${type}"`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no "${type}" in ${timeoutMs} ms`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      proc.off("message", onMessage);
      proc.off("exit", onExit);
    };
    proc.on("message", onMessage);
    proc.once("exit", onExit);
  });
}

const exited = (proc: ChildProcess) =>
  proc.exitCode !== null || proc.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => proc.once("exit", () => resolve()));

/** When census's check runs reached the app (CLOCK_MONOTONIC ms), across restarts. */
const hits: number[] = [];

/**
 * When census's check is next due after t0. The check keeps to its schedule (a fixed phase
 * modulo the interval), but some arrivals are off it: a cold first run, and the requests a
 * SIGSTOPped app reads only once continued, which can be more than an interval late. So the
 * phase is the densest 20 ms of recent arrivals' phases, taken at its earliest.
 */
function nextDue(t0: number): number {
  const phases = hits
    .filter((h) => h < t0 && h > t0 - 30 * INTERVAL_MS)
    .map((h) => ((h % INTERVAL_MS) + INTERVAL_MS) % INTERVAL_MS)
    .sort((a, b) => a - b);
  if (phases.length === 0) return NaN;
  const circular = [...phases, ...phases.map((p) => p + INTERVAL_MS)];
  let best = 0;
  let bestCount = 0;
  for (let i = 0, j = 0; i < phases.length; i++) {
    while (j < circular.length && circular[j] <= circular[i] + 20) j++;
    if (j - i > bestCount) [best, bestCount] = [i, j - i];
  }
  const phase = phases[best];
  return t0 + ((((phase - t0) % INTERVAL_MS) + INTERVAL_MS) % INTERVAL_MS);
}

async function startApp(port: number): Promise<ChildProcess> {
  const app = startInline(APP_SOURCE, { APP_PORT: String(port) });
  app.on("message", (m: any) => {
    if (m?.type === "hit") hits.push(m.at);
  });
  await nextMessage(app, "listening");
  return app;
}

/** Tracks one boolean over time and lets callers wait for its next change. */
function tracker() {
  let value: boolean | undefined;
  let waiting: Array<{ want: boolean; resolve: (at: number) => void }> = [];
  return {
    get: () => value,
    set(v: boolean, at: number) {
      if (v === value) return;
      value = v;
      const now = waiting.filter((w) => w.want === v);
      waiting = waiting.filter((w) => w.want !== v);
      for (const w of now) w.resolve(at);
    },
    /** When it next becomes `want` (or now, if `orNow` and it already is); NaN after timeoutMs. */
    until(want: boolean, timeoutMs: number, orNow = false): Promise<number> {
      if (orNow && value === want) return Promise.resolve(nowMs());
      return new Promise((resolve) => {
        const w = {
          want,
          resolve: (at: number) => {
            clearTimeout(timer);
            resolve(at);
          },
        };
        const timer = setTimeout(() => {
          waiting = waiting.filter((x) => x !== w);
          resolve(NaN);
        }, timeoutMs);
        waiting.push(w);
      });
    },
  };
}

/** The blocking-query loop on ?passing; `present` says whether workshop-1 is in the answer. */
function watch(url: string) {
  const present = tracker();
  const agent = new http.Agent({ keepAlive: true });
  let stopped = false;
  let errors = 0;
  let answers = 0;
  const loop = (async () => {
    let index = 0;
    while (!stopped) {
      try {
        const r = await request(`${url}/v1/health/service/workshop?passing&index=${index}&wait=30s`, {
          agent,
        });
        const at = nowMs();
        answers++;
        if (r.status !== 200) throw new Error(`status ${r.status}`);
        const entries = JSON.parse(r.body.toString()) as Array<{ Service: { ID: string } }>;
        present.set(
          entries.some((e) => e.Service.ID === "workshop-1"),
          at,
        );
        const ix = Number(r.headers["x-consul-index"]);
        index = ix > index ? ix : ix < index ? 0 : index; // an index that goes back: start again
      } catch {
        if (stopped) break;
        errors++;
        await sleep(100);
      }
    }
  })();
  return {
    present,
    stats: () => ({ errors, answers }),
    async stop() {
      stopped = true;
      agent.destroy();
      await loop;
    },
  };
}

interface Run {
  census: number;
  /** The first census check run due after the failure (+ the timeout when it must time out). */
  bound: number;
  baseline: number;
  output: string;
}

const fmtMs = (n: number) => (Number.isFinite(n) ? `${Math.round(n) + 0} ms` : "never");

function summary(xs: number[]) {
  const sorted = [...xs].map((x) => (Number.isNaN(x) ? Infinity : x)).sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
    text: `median ${fmtMs(percentile(sorted, 50))}, p99 ${fmtMs(percentile(sorted, 99))}, max ${fmtMs(sorted[sorted.length - 1])}`,
  };
}

async function main() {
  console.log(`machine: ${machine()}`);
  console.log(
    `check-failover: HTTP check, interval ${INTERVAL_MS} ms, timeout ${TIMEOUT_MS} ms, ${RUNS} runs of ${VARIANTS.join(", ")}; target <= ${TARGET_MS} ms`,
  );
  const port = await freePort();
  let app = await startApp(port);
  const census = await startCensus(["-dev"]);
  children.add(census.proc);
  const watcher = watch(census.url);
  const checker = startInline(CHECKER_SOURCE);
  const baseUp = tracker();
  checker.on("message", (m: any) => {
    if (m?.type === "up" || m?.type === "down") baseUp.set(m.type === "up", m.at);
  });
  checker.send({ port, intervalMs: INTERVAL_MS, timeoutMs: TIMEOUT_MS });
  try {
    await put(`${census.url}/v1/agent/service/register`, {
      Name: "workshop",
      ID: "workshop-1",
      Address: "127.0.0.1",
      Port: port,
      Check: {
        HTTP: `http://127.0.0.1:${port}/health`,
        Interval: `${INTERVAL_MS / 1000}s`,
        Timeout: `${TIMEOUT_MS / 1000}s`,
      },
    });

    const results: Partial<Record<Variant, Run[]>> = {};
    const ours = () => cpuTicks(census.pid) + cpuTicks(process.pid) + cpuTicks(checker.pid!);
    const [machine0, ours0, start] = [machineBusyTicks(), ours(), nowMs()];
    for (const variant of VARIANTS) {
      const runs: Run[] = [];
      for (let i = 1; i <= RUNS; i++) {
        const [a, b] = await Promise.all([
          watcher.present.until(true, GIVE_UP_MS, true),
          baseUp.until(true, GIVE_UP_MS, true),
        ]);
        if (Number.isNaN(a) || Number.isNaN(b)) {
          const agent = census.proc.exitCode ?? census.proc.signalCode;
          throw new Error(
            `the instance did not become passing${agent === null ? "" : ` (the census agent exited: ${agent})`}`,
          );
        }
        await sleep(200 + Math.random() * INTERVAL_MS);
        const gone = watcher.present.until(false, GIVE_UP_MS);
        const down = baseUp.until(false, GIVE_UP_MS);
        const t0 = nowMs();
        app.kill(variant === "kill" ? "SIGKILL" : "SIGSTOP");
        const [tGone, tDown] = await Promise.all([gone, down]);
        const checks = await request(`${census.url}/v1/health/checks/workshop`);
        const output = (JSON.parse(checks.body.toString())[0]?.Output as string) ?? "";
        const due = nextDue(t0);
        const bound = due - t0 + (variant === "stop" ? TIMEOUT_MS : 0);
        const run = { census: tGone - t0, bound, baseline: tDown - t0, output };
        runs.push(run);
        console.log(
          `${variant} ${String(i).padStart(2)}: gone from ?passing after ${fmtMs(run.census)} = ${fmtMs(bound)} until the failing run ` +
            `${variant === "stop" ? "timed out" : "was due"} + ${fmtMs(run.census - bound)} census; baseline checker ${fmtMs(run.baseline)}; ` +
            `Output ${JSON.stringify(output.slice(0, 80))}`,
        );
        if (variant === "kill") {
          await exited(app);
          app = await startApp(port);
        } else {
          app.kill("SIGCONT");
        }
      }
      results[variant] = runs;
    }

    const other = (machineBusyTicks() - machine0 - (ours() - ours0)) / HZ / ((nowMs() - start) / 1000);
    const { errors, answers } = watcher.stats();
    console.log(
      `watcher: ${answers} blocking-query answers, ${errors} errors; meanwhile every other process on the machine ` +
        `used ${(other * 100).toFixed(1)}% of a core` +
        (other > 0.15
          ? " (WARNING: the machine was busy with other work: census's own part may be skewed)"
          : ""),
    );
    for (const variant of VARIANTS) {
      const runs = results[variant]!;
      const c = summary(runs.map((r) => r.census));
      const b = summary(runs.map((r) => r.baseline));
      const o = summary(runs.map((r) => r.census - r.bound));
      const expect = variant === "kill" ? "up to ~1 interval" : "up to interval + timeout";
      console.log(
        `RESULT check-failover ${variant === "kill" ? "SIGKILL (connection refused)" : "SIGSTOP (timeout)"}: ` +
          `${runs.length} runs, census ${c.text} (target <= ${TARGET_MS} ms: ${c.max <= TARGET_MS ? "met" : "NOT met"}; expected ${expect}); ` +
          `of which census's own part (after the failing run was due${variant === "stop" ? " and timed out" : ""}) ${o.text}; ` +
          `baseline checker ${b.text}; ratio of medians ${(c.p50 / b.p50).toFixed(2)}x`,
      );
    }
  } finally {
    await watcher.stop();
    checker.kill("SIGTERM");
    app.kill("SIGKILL");
    await census.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
