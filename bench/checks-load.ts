// Many HTTP checks on one agent: 10,000 checks at a 10 s interval against one local HTTP
// server (a plain node:http target in a process of its own, which logs when each /c/<i>
// arrives), registered on one `census agent -dev` through PUT /v1/agent/check/register.
// After registration and one interval of settling, a window of 60 s measures: the agent's CPU
// (utime+stime from /proc, as a share of one core), how late each run is against its schedule
// (from the target's arrival log), how many runs arrived of the 10,000 × 6 due, and its RSS.
// Baseline, in the same run and against the same target: a plain node script (no loader) with
// 10,000 timers each sending a GET every 10 s on a keep-alive pool, measured the same way.
// `--baselines keepalive,close` adds a second baseline that opens a connection per run, as
// census (and Consul, whose HTTP checks disable keep-alives) does.
//
//   node --import tsx bench/checks-load.ts [--checks 10000] [--interval 10] [--window 60]
//     [--concurrency 32] [--baselines keepalive[,close]]

import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import { parseArgs } from "node:util";
import {
  ipcChild,
  cpuTicks,
  fmt,
  hwmMiB,
  machine,
  nowMs,
  percentile,
  put,
  request,
  rssMiB,
  sleep,
  startCensus,
  type Child,
  type Census,
} from "./lib.ts";

const { values } = parseArgs({
  options: {
    checks: { type: "string", default: "10000" },
    interval: { type: "string", default: "10" },
    window: { type: "string", default: "60" },
    concurrency: { type: "string", default: "32" },
    baselines: { type: "string", default: "keepalive" },
  },
});
const CHECKS = Number(values.checks);
const INTERVAL_MS = Number(values.interval) * 1000;
const WINDOW_MS = Number(values.window) * 1000;
const CONCURRENCY = Number(values.concurrency);
const BASELINES = values.baselines.split(",").filter(Boolean) as Array<"keepalive" | "close">;
for (const b of BASELINES) if (b !== "keepalive" && b !== "close") throw new Error(`unknown baseline ${b}`);
const HZ = 100; // USER_HZ: clock ticks per second on Linux

/** Clock ticks of the whole machine (all cores) from /proc/stat: busy, and stolen by the host. */
function machineTicks(): { busy: number; steal: number } {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync("/proc/stat", "utf8")
    .split("\n")[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return { busy: user + nice + system + irq + softirq, steal };
}

/** Beyond this share of a core used by other processes (or stolen), a window is not clean. */
const NOISE = 0.15;

// The target: answers every request 200 "ok" and, between "record" and "report", logs which
// check (/c/<i>) arrived when (CLOCK_MONOTONIC ms, comparable with this process's nowMs()).
const TARGET_SOURCE = `
import http from "node:http";
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const CAP = 1 << 21;
const ids = new Int32Array(CAP);
const ats = new Float64Array(CAP);
let n = 0, from = Infinity, stray = 0;
const body = Buffer.from("ok");
const server = http.createServer({ keepAliveTimeout: 75_000 }, (req, res) => {
  const at = nowMs();
  const m = /^\\/c\\/(\\d+)$/.exec(req.url);
  if (!m) stray++;
  else if (at >= from && n < CAP) { ids[n] = Number(m[1]); ats[n] = at; n++; }
  req.resume();
  res.writeHead(200, { "Content-Type": "text/plain", "Content-Length": "2" });
  res.end(body);
});
server.listen({ host: "127.0.0.1", port: 0, backlog: 4096 }, () =>
  process.send({ type: "listening", port: server.address().port }));
process.on("message", (m) => {
  if (m.type === "record") { n = 0; stray = 0; from = m.from; process.send({ type: "recording" }); }
  if (m.type === "report") {
    const keep = [];
    for (let k = 0; k < n; k++) if (ats[k] < m.until) keep.push(k);
    from = Infinity;
    process.send({ type: "report", ids: keep.map((k) => ids[k]), ats: keep.map((k) => ats[k]), stray });
  }
});
process.on("disconnect", () => process.exit(0));
`;

// The baseline: the least a checker must do. One timer per check, a jittered first run, then
// one GET every interval kept to the schedule as census's scheduler keeps it (the next run is
// one interval after the last scheduled one), with a timeout timer per run, the body drained.
const CLIENT_SOURCE = `
import http from "node:http";
process.once("message", ({ port, count, intervalMs, keepAlive }) => {
  const agent = keepAlive ? new http.Agent({ keepAlive: true }) : false;
  let errors = 0;
  for (let i = 0; i < count; i++) {
    const path = "/c/" + i;
    let next = Date.now() + Math.random() * intervalMs;
    const schedule = () => {
      next += intervalMs;
      const now = Date.now();
      if (next < now) next = now + ((next - now) % intervalMs) + intervalMs;
      setTimeout(tick, next - now);
    };
    const tick = () => {
      let done = false;
      const finish = () => { if (!done) { done = true; clearTimeout(timer); schedule(); } };
      const req = http.get({ host: "127.0.0.1", port, path, agent }, (res) => {
        res.resume();
        res.on("end", finish);
        res.on("error", () => { errors++; finish(); });
      });
      const timer = setTimeout(() => req.destroy(new Error("timeout")), intervalMs);
      req.on("error", () => { errors++; finish(); });
    };
    setTimeout(tick, next - Date.now());
  }
  process.on("message", (m) => { if (m.type === "errors?") process.send({ type: "errors", errors }); });
  process.send({ type: "started" });
});
process.on("disconnect", () => process.exit(0));
`;

// Every process this script starts, killed on the way out whatever happens.
const children = new Set<ChildProcess>();
process.on("exit", () => {
  for (const p of children) if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
});
for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => process.exit(130));

/** A plain node process (no loader) running `source` as an ES module, talking over IPC. */
function startInline(name: string, source: string): Child {
  const proc = spawn(process.execPath, ["--input-type=module", "-e", source], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  children.add(proc);
  return ipcChild(proc, name, 60_000);
}

interface Window {
  cpuShare: number;
  targetCpuShare: number;
  /** CPU used by every other process on the machine meanwhile (other work skews the figures). */
  otherCpuShare: number;
  /** CPU time the hypervisor gave to other guests while this machine wanted it. */
  stealShare: number;
  rss: number;
  hwm: number;
  runs: number;
  expected: number;
  /**
   * Checks with fewer / more runs in the window than window/interval: a run due near an edge
   * of the window that is late by a few ms falls on the other side of it, so a few are normal.
   */
  short: number;
  long: number;
  /** Gaps longer than 1.5 intervals: a run that never happened. */
  missed: number;
  /** gap between consecutive runs of a check, minus the interval, ms (sorted). */
  gapLate: number[];
  /** each run's lateness against its check's earliest phase in the window, ms (sorted). */
  phaseLate: number[];
  /** Requests to paths other than /c/<i>: there should be none. */
  stray: number;
}

/** Records the target's arrivals and the client's CPU for one window. */
async function measure(target: Child, pid: number): Promise<Window> {
  const from = nowMs();
  target.send({ type: "record", from });
  const ticks0 = cpuTicks(pid);
  const targetTicks0 = cpuTicks(target.pid);
  const machine0 = machineTicks();
  await target.next("recording");
  await sleep(WINDOW_MS - (nowMs() - from));
  const ticks1 = cpuTicks(pid);
  const targetTicks1 = cpuTicks(target.pid);
  const machine1 = machineTicks();
  const until = nowMs();
  const rss = rssMiB(pid);
  const hwm = hwmMiB(pid);
  target.send({ type: "report", until });
  const rep = await target.next<{ ids: number[]; ats: number[]; stray: number }>("report");
  const seconds = (until - from) / 1000;

  const per: number[][] = Array.from({ length: CHECKS }, () => []);
  for (let k = 0; k < rep.ids.length; k++) per[rep.ids[k]].push(rep.ats[k]);
  const due = Math.round(WINDOW_MS / INTERVAL_MS);
  const gapLate: number[] = [];
  const phaseLate: number[] = [];
  let short = 0;
  let long = 0;
  let missed = 0;
  for (const times of per) {
    times.sort((a, b) => a - b);
    if (times.length < due) short++;
    if (times.length > due) long++;
    for (let k = 1; k < times.length; k++) {
      const gap = times[k] - times[k - 1];
      gapLate.push(gap - INTERVAL_MS);
      if (gap > 1.5 * INTERVAL_MS) missed++;
    }
    let phase = Infinity;
    for (let k = 0; k < times.length; k++) phase = Math.min(phase, times[k] - k * INTERVAL_MS);
    for (let k = 0; k < times.length; k++) phaseLate.push(times[k] - k * INTERVAL_MS - phase);
  }
  gapLate.sort((a, b) => a - b);
  phaseLate.sort((a, b) => a - b);
  return {
    cpuShare: (ticks1 - ticks0) / HZ / seconds,
    targetCpuShare: (targetTicks1 - targetTicks0) / HZ / seconds,
    otherCpuShare:
      (machine1.busy - machine0.busy - (ticks1 - ticks0) - (targetTicks1 - targetTicks0)) / HZ / seconds,
    stealShare: (machine1.steal - machine0.steal) / HZ / seconds,
    rss,
    hwm,
    runs: rep.ids.length,
    expected: CHECKS * due,
    short,
    long,
    missed,
    gapLate,
    phaseLate,
    stray: rep.stray,
  };
}

const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
const ms = (n: number) => `${n.toFixed(1)} ms`;
const dist = (xs: number[]) =>
  `p50 ${ms(percentile(xs, 50))}, p99 ${ms(percentile(xs, 99))}, max ${ms(xs[xs.length - 1] ?? NaN)}`;

function describe(name: string, w: Window): string {
  return (
    `${name}: CPU ${pct(w.cpuShare)} of a core, RSS ${w.rss.toFixed(1)} MiB (VmHWM ${w.hwm.toFixed(1)}), ` +
    `runs ${fmt(w.runs)}/${fmt(w.expected)} (${w.short} checks short, ${w.long} over at the window's edges; ` +
    `${w.missed} missed runs)\n` +
    `  lateness, gap - interval (${fmt(w.gapLate.length)} gaps): ${dist(w.gapLate)}\n` +
    `  lateness vs each check's earliest phase in the window: ${dist(w.phaseLate)}\n` +
    `  meanwhile: target ${pct(w.targetCpuShare)} of a core, every other process ${pct(w.otherCpuShare)}, ` +
    `stolen by the host ${pct(w.stealShare)}` +
    (w.otherCpuShare > NOISE || w.stealShare > NOISE
      ? `\n  WARNING: the machine was busy with other work in this window: its figures are skewed`
      : "")
  );
}

/** Registers CHECKS http checks, CONCURRENCY at a time; returns the seconds it took. */
async function register(census: Census, targetPort: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const start = nowMs();
  let next = 0;
  const worker = async () => {
    while (next < CHECKS) {
      const i = next++;
      await put(
        `${census.url}/v1/agent/check/register`,
        {
          Name: `c${i}`,
          ID: `c${i}`,
          HTTP: `http://127.0.0.1:${targetPort}/c/${i}`,
          Interval: `${INTERVAL_MS / 1000}s`,
        },
        agent,
      );
      if ((i + 1) % 2000 === 0)
        console.log(`  ${fmt(i + 1)} registered, ${((nowMs() - start) / 1000).toFixed(1)} s`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  agent.destroy();
  return (nowMs() - start) / 1000;
}

async function checkStatuses(census: Census): Promise<Record<string, number>> {
  const r = await request(`${census.url}/v1/agent/checks`);
  const counts: Record<string, number> = {};
  for (const c of Object.values(JSON.parse(r.body.toString())) as Array<{ Status: string }>) {
    counts[c.Status] = (counts[c.Status] ?? 0) + 1;
  }
  return counts;
}

async function main() {
  console.log(`machine: ${machine()}`);
  console.log(
    `checks-load: ${fmt(CHECKS)} http checks every ${INTERVAL_MS / 1000} s, window ${WINDOW_MS / 1000} s, ` +
      `registration concurrency ${CONCURRENCY}`,
  );
  const target = startInline("target", TARGET_SOURCE);
  const { port: targetPort } = await target.next<{ port: number }>("listening");

  // census
  const census = await startCensus(["-dev"]);
  children.add(census.proc);
  const rssEmpty = rssMiB(census.pid);
  const regSeconds = await register(census, targetPort);
  console.log(
    `registered ${fmt(CHECKS)} checks in ${regSeconds.toFixed(1)} s (${fmt(CHECKS / regSeconds)}/s); ` +
      `agent RSS ${rssEmpty.toFixed(1)} MiB empty, ${rssMiB(census.pid).toFixed(1)} MiB now; settling ${INTERVAL_MS / 1000} s`,
  );
  await sleep(INTERVAL_MS);
  const before = await checkStatuses(census);
  const c = await measure(target, census.pid);
  const after = await checkStatuses(census);
  console.log(describe("census", c));
  console.log(`  check statuses before the window ${JSON.stringify(before)}, after ${JSON.stringify(after)}`);
  if (c.stray) console.log(`  ${c.stray} requests to other paths`);
  const code = await census.stop();
  if (code !== 0) console.log(`  census exited with ${code}:\n${census.output()}`);

  // baselines
  const base: Partial<Record<"keepalive" | "close", Window>> = {};
  for (const kind of BASELINES) {
    const client = startInline(`baseline ${kind}`, CLIENT_SOURCE);
    client.send({
      port: targetPort,
      count: CHECKS,
      intervalMs: INTERVAL_MS,
      keepAlive: kind === "keepalive",
    });
    await client.next("started");
    await sleep(INTERVAL_MS);
    const w = await measure(target, client.pid);
    client.send({ type: "errors?" });
    const { errors } = await client.next<{ errors: number }>("errors");
    console.log(
      describe(`baseline (node:http, ${kind === "keepalive" ? "keep-alive" : "a connection per run"})`, w),
    );
    console.log(`  ${errors} request errors`);
    base[kind] = w;
    await client.stop();
  }
  await target.stop();

  const p = (w: Window, q: number) => percentile(w.phaseLate, q);
  for (const kind of BASELINES) {
    const b = base[kind]!;
    console.log(
      `RESULT checks-load vs ${kind === "keepalive" ? "keep-alive" : "connection-per-run"} baseline: ${fmt(CHECKS)} checks/${INTERVAL_MS / 1000} s; ` +
        `CPU census ${(c.cpuShare * 100).toFixed(1)}% vs ${(b.cpuShare * 100).toFixed(1)}% of a core (ratio ${(c.cpuShare / b.cpuShare).toFixed(2)}x); ` +
        `lateness (gap - interval) p50/p99/max census ${ms(percentile(c.gapLate, 50))}/${ms(percentile(c.gapLate, 99))}/${ms(c.gapLate.at(-1)!)} ` +
        `vs ${ms(percentile(b.gapLate, 50))}/${ms(percentile(b.gapLate, 99))}/${ms(b.gapLate.at(-1)!)}; ` +
        `vs phase p99 census ${ms(p(c, 99))} vs ${ms(p(b, 99))} (ratio ${(p(c, 99) / p(b, 99)).toFixed(2)}x); ` +
        `runs ${fmt(c.runs)} vs ${fmt(b.runs)} of ${fmt(c.expected)}; RSS census ${c.rss.toFixed(0)} MiB vs ${b.rss.toFixed(0)} MiB (ratio ${(c.rss / b.rss).toFixed(2)}x)` +
        ([c, b].some((w) => w.otherCpuShare > NOISE || w.stealShare > NOISE)
          ? "; SKEWED: other work on the machine"
          : "; clean: no other work on the machine"),
    );
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
