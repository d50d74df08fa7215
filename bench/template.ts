// `census template`, measured against a minimal hand-written watcher in the same run.
//
// (a) Latency: from just before a change's PUT is sent (a registration; separately, a TTL
//     check failed) to the moment the command run after the rewrite wrote its timestamp
//     (`date +%s%N >> stamps`, through sh, for both; the bench reads the same wall clock).
//     Census runs `bin/census template`; the baseline is a plain node script (no loader) doing
//     a blocking-query loop on the same endpoint, rendering the same lines, writing the file by
//     rename (without census's fsync) and running the same command. Both run side by side on
//     services of their own, the changes alternate between them one at a time, after 3
//     unmeasured warm-up changes each. The ratio is census template's overhead over the least
//     a watcher must do. With 20 samples, p99 is the largest.
// (b) Rendering one template over a service of --instances instances, in this process, through
//     the Watcher, functions and Go template engine the Runner uses (dist/, as built);
//     baselines on the same data in the same process: a hand-written string builder giving
//     the same bytes, and JSON.stringify of the raw answer. And end to end: `census template
//     -once -dry` over the big service less the same over a one-instance service (process
//     start-up cancels out).
//
//   npm run build && node --import tsx bench/template.ts [--changes 20] [--instances 5000]

import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import {
  CENSUS,
  fmt,
  machine,
  nowMs,
  percentile,
  put,
  ROOT,
  sleep,
  startCensus,
  type Census,
} from "./lib.ts";

// The compiled code `bin/census template` runs (dist/, so `npm run build` first), typed from src/.
const dist = (p: string) => import(pathToFileURL(path.join(ROOT, "dist", "template", p)).href);
const { createRenderContext, templateFuncs } = (await dist(
  "functions.js",
)) as typeof import("../src/template/functions.ts");
const { Template } = (await dist("go/template.js")) as typeof import("../src/template/go/template.ts");
const { Watcher } = (await dist("watch.js")) as typeof import("../src/template/watch.ts");

const { values } = parseArgs({
  options: {
    changes: { type: "string", default: "20" },
    instances: { type: "string", default: "5000" },
    renders: { type: "string", default: "20" },
  },
});
const CHANGES = Number(values.changes);
const INSTANCES = Number(values.instances);
const RENDERS = Number(values.renders);
const WARMUP = 3;

const LIST = (service: string) =>
  `{{ range service "${service}" }}{{ .ID }} {{ .Address }}:{{ .Port }}\n{{ end }}`;

/** Wall-clock milliseconds with sub-millisecond precision: what `date +%s%N` reads, in ms. */
const wallMs = () => performance.timeOrigin + performance.now();

// The baseline watcher: what any script that keeps a file current must do, and no more.
const BASELINE_WATCHER = `
import { spawn } from "node:child_process";
import { rename, writeFile } from "node:fs/promises";
const [url, service, dest, command] = process.argv.slice(2);
let index = 0;
let last;
for (;;) {
  let res;
  try {
    res = await fetch(url + "/v1/health/service/" + service + (index ? "?index=" + index + "&wait=60000ms" : ""));
  } catch {
    await new Promise((r) => setTimeout(r, 250));
    continue;
  }
  const entries = await res.json();
  const next = Number(res.headers.get("x-consul-index"));
  if (next === index) continue;
  index = next;
  const text = entries
    .filter((e) => e.Checks.every((c) => c.Status === "passing"))
    .sort((a, b) => (a.Node.Node < b.Node.Node ? -1 : a.Node.Node > b.Node.Node ? 1 : a.Service.ID < b.Service.ID ? -1 : 1))
    .map((e) => e.Service.ID + " " + (e.Service.Address || e.Node.Address) + ":" + e.Service.Port + "\\n")
    .join("");
  if (text === last) continue;
  await writeFile(dest + ".tmp", text);
  await rename(dest + ".tmp", dest);
  last = text;
  await new Promise((r) => spawn("/bin/sh", ["-c", command], { stdio: "ignore" }).on("close", r));
}
`;

interface Watching {
  proc: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

function startProc(cmd: string, args: string[], cwd: string): Watching {
  const proc = spawn(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<void>((r) => proc.on("exit", () => r()));
  return {
    proc,
    output: () => out,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
      await exited;
    },
  };
}

const readLines = (file: string) => {
  try {
    return readFileSync(file, "utf8").split("\n").filter(Boolean);
  } catch {
    return [];
  }
};

/** Waits (10 ms polls: pacing only, the figure comes from the stamp) for stamp line n. */
async function stamp(file: string, n: number, what: string, w: Watching): Promise<number> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const lines = readLines(file);
    if (lines.length >= n) {
      if (lines.length > n) throw new Error(`${what}: ${lines.length} command runs, expected ${n}`);
      return Number(BigInt(lines[n - 1]) / 1000n) / 1000; // ns → ms, without losing precision
    }
    if (Date.now() > deadline) throw new Error(`${what}: no command run #${n}\n${w.output()}`);
    await sleep(10);
  }
}

type Kind = "census" | "baseline";

/** One watcher keeping `out` current for a service of its own, with the command's stamps. */
interface Subject {
  kind: Kind;
  service: string;
  dir: string;
  out: string;
  stamps: string;
  /** Command runs so far. */
  runs: number;
  w: Watching;
  register: number[];
  critical: number[];
}

async function subject(agent: Census, kind: Kind, baselineScript: string): Promise<Subject> {
  const service = `lat-${kind}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), `census-bench-template-${kind}-`));
  const out = path.join(dir, "out");
  const stamps = path.join(dir, "stamps");
  const command = `date +%s%N >> ${stamps}`;
  await register(agent, service, 0);
  let w: Watching;
  if (kind === "baseline") {
    w = startProc(process.execPath, [baselineScript, agent.url, service, out, command], dir);
  } else {
    writeFileSync(path.join(dir, "in.tpl"), LIST(service));
    w = startProc(
      CENSUS,
      ["template", "-consul-addr", agent.url, "-template", `in.tpl:${out}:${command}`],
      dir,
    );
  }
  const s: Subject = { kind, service, dir, out, stamps, runs: 1, w, register: [], critical: [] };
  await stamp(stamps, 1, `${kind}: first render`, w);
  return s;
}

const register = (agent: Census, service: string, i: number) =>
  put(`${agent.url}/v1/agent/service/register`, {
    Name: service,
    ID: `${service}-${i}`,
    Address: `10.0.${i >> 8}.${i & 255}`,
    Port: 8000 + i,
    Check: { TTL: "10m", Status: "passing" },
  });

/** Makes one change to s's service and returns ms from before its PUT to the command's stamp. */
async function measure(s: Subject, what: string, change: () => Promise<unknown>): Promise<number> {
  await sleep(100);
  const t0 = wallMs();
  await change();
  return (await stamp(s.stamps, ++s.runs, `${s.kind}: ${what}`, s.w)) - t0;
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: percentile(s, 50), p99: percentile(s, 99) };
};

/**
 * (a): both watchers run side by side, each on a service of its own, and the changes alternate
 * between them (ABBA…), one at a time: the other watcher sits idle in its blocking query, and
 * the machine's drift over the run weighs on both alike.
 */
async function partA(agent: Census, baselineScript: string) {
  console.log(`\n(a) change → file rewritten → command ran: ${CHANGES} changes of each kind, alternating`);
  const subjects = [
    await subject(agent, "baseline", baselineScript),
    await subject(agent, "census", baselineScript),
  ];
  try {
    const order = (i: number) => (i % 2 ? subjects : [...subjects].reverse());
    // Warm-up: the first changes after start-up pay for compiling the render path.
    for (let i = 0; i < WARMUP; i++) {
      for (const s of order(i)) await measure(s, "warm-up", () => register(agent, s.service, 1000 + i));
    }
    const listed = 1 + WARMUP; // instances listed before the first measured change
    for (let i = 1; i <= CHANGES; i++) {
      for (const s of order(i)) {
        s.register.push(await measure(s, `register #${i}`, () => register(agent, s.service, i)));
        const n = readLines(s.out).length;
        if (n !== listed + i) throw new Error(`${s.kind}: ${s.out} lists ${n}, not ${listed + i}`);
      }
    }
    for (let i = 1; i <= CHANGES; i++) {
      for (const s of order(i)) {
        const fail = () => put(`${agent.url}/v1/agent/check/fail/service:${s.service}-${i}`, {});
        s.critical.push(await measure(s, `critical #${i}`, fail));
        const n = readLines(s.out).length;
        if (n !== listed + CHANGES - i) throw new Error(`${s.kind}: ${s.out} still lists #${i}`);
      }
    }
  } finally {
    for (const s of subjects) {
      await s.w.stop();
      rmSync(s.dir, { recursive: true, force: true });
    }
  }
  const [base, census] = subjects;
  for (const what of ["register", "critical"] as const) {
    const c = stats(census[what]);
    const b = stats(base[what]);
    const list = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(" ");
    console.log(`  ${what} (ms, in order): census   ${list(census[what])}`);
    console.log(`  ${" ".repeat(what.length)}                baseline ${list(base[what])}`);
    console.log(
      `RESULT template-latency ${what}: census template median ${c.median.toFixed(1)} ms, p99 ${c.p99.toFixed(1)} ms; ` +
        `baseline watcher median ${b.median.toFixed(1)} ms, p99 ${b.p99.toFixed(1)} ms; ` +
        `ratio median ${(c.median / b.median).toFixed(2)}×, p99 ${(c.p99 / b.p99).toFixed(2)}×`,
    );
  }
}

/** Registers INSTANCES instances of `big` (each with a passing check) over 100 nodes. */
async function populate(agent: Census) {
  const pool = new http.Agent({ keepAlive: true, maxSockets: 32 });
  let next = 0;
  const worker = async () => {
    while (next < INSTANCES) {
      const i = next++;
      await put(
        `${agent.url}/v1/catalog/register`,
        {
          Node: `node-${i % 100}`,
          Address: `10.1.0.${i % 100}`,
          Service: {
            Service: "big",
            ID: `big-${i}`,
            Address: `10.2.${i >> 8}.${i & 255}`,
            Port: 20000 + (i % 10000),
            Tags: ["bench", `shard-${i % 8}`],
          },
          Check: { CheckID: `big-${i}`, Name: "alive", ServiceID: `big-${i}`, Status: "passing" },
        },
        pool,
      );
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  pool.destroy();
  await put(`${agent.url}/v1/catalog/register`, {
    Node: "node-0",
    Address: "10.1.0.0",
    Service: { Service: "small", ID: "small-0", Address: "10.3.0.0", Port: 1 },
  });
}

/** Median of fn's time over n runs, after 3 warm-up runs. */
function timeIt(n: number, fn: () => unknown): number {
  for (let i = 0; i < 3; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = nowMs();
    fn();
    times.push(nowMs() - t);
  }
  return percentile(
    times.sort((a, b) => a - b),
    50,
  );
}

async function partB(agent: Census) {
  console.log(`\n(b) rendering a service of ${fmt(INSTANCES)} instances`);
  const t0 = nowMs();
  await populate(agent);
  console.log(`  registered in ${((nowMs() - t0) / 1000).toFixed(1)} s`);

  const watcher = new Watcher({ baseUrl: agent.url }, () => {});
  const template = Template.parse("big.tpl", LIST("big"), { funcs: templateFuncs });
  const render = () => {
    const ctx = createRenderContext(watcher);
    const text = ctx.run(() => template.execute(ctx.root));
    return { text, missing: ctx.missing };
  };
  render(); // starts the watch
  const key = "/v1/health/service/big";
  const deadline = Date.now() + 30_000;
  while (!watcher.get(key).ready) {
    if (Date.now() > deadline) throw new Error("no answer for the big service");
    await sleep(10);
  }
  const raw = watcher.get(key).data as any[];
  if (raw.length !== INSTANCES) throw new Error(`${raw.length} instances, expected ${INSTANCES}`);

  const byHand = () =>
    raw
      .filter((e) => e.Checks.every((c: any) => c.Status === "passing"))
      .sort((a, b) =>
        a.Node.Node < b.Node.Node ? -1 : a.Node.Node > b.Node.Node ? 1 : a.Service.ID < b.Service.ID ? -1 : 1,
      )
      .map((e) => `${e.Service.ID} ${e.Service.Address || e.Node.Address}:${e.Service.Port}\n`)
      .join("");
  const { text, missing } = render();
  if (missing || text !== byHand()) throw new Error("the census render and the string builder differ");
  console.log(`  output ${fmt(text.length)} bytes, ${fmt(text.split("\n").length - 1)} lines`);

  const censusMs = timeIt(RENDERS, render);
  const handMs = timeIt(RENDERS, byHand);
  const jsonMs = timeIt(RENDERS, () => JSON.stringify(raw));
  watcher.stop();
  console.log(
    `RESULT template-render ${INSTANCES}: census (Watcher data → service() → Go template) ${censusMs.toFixed(2)} ms/render; ` +
      `hand-written string builder ${handMs.toFixed(2)} ms (ratio ${(censusMs / handMs).toFixed(1)}×); ` +
      `JSON.stringify of the answer ${jsonMs.toFixed(2)} ms (ratio ${(censusMs / jsonMs).toFixed(1)}×)`,
  );

  // End to end: the same, plus fetching and parsing the answer, in a process of its own.
  const dir = mkdtempSync(path.join(os.tmpdir(), "census-bench-template-once-"));
  writeFileSync(path.join(dir, "big.tpl"), LIST("big"));
  writeFileSync(path.join(dir, "small.tpl"), LIST("small"));
  const once = async (tpl: string) => {
    const t = nowMs();
    const w = startProc(
      CENSUS,
      ["template", "-consul-addr", agent.url, "-once", "-dry", "-template", `${tpl}:out`],
      dir,
    );
    const code = await new Promise((r) => w.proc.on("exit", r));
    if (code !== 0) throw new Error(`census template -once -dry exited ${code}\n${w.output()}`);
    return nowMs() - t;
  };
  const bigs: number[] = [];
  const smalls: number[] = [];
  for (let i = 0; i < 5; i++) {
    smalls.push(await once("small.tpl"));
    bigs.push(await once("big.tpl"));
  }
  rmSync(dir, { recursive: true, force: true });
  const big = stats(bigs).median;
  const small = stats(smalls).median;
  console.log(
    `RESULT template-once-dry ${INSTANCES}: census template -once -dry ${big.toFixed(0)} ms; ` +
      `over a one-instance service ${small.toFixed(0)} ms (process start-up); ` +
      `difference (fetch + parse + render of ${fmt(INSTANCES)}) ${(big - small).toFixed(0)} ms (median of 5)`,
  );
}

async function main() {
  console.log(`census template benchmark — ${machine()}`);
  const agent = await startCensus(["-dev"]);
  const dir = mkdtempSync(path.join(os.tmpdir(), "census-bench-baseline-"));
  const baselineScript = path.join(dir, "watcher.mjs");
  writeFileSync(baselineScript, BASELINE_WATCHER);
  try {
    await partA(agent, baselineScript);
    await partB(agent);
  } finally {
    await agent.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
