// Durable registrations: N clients PUT /v1/agent/service/register (each a new service ID) as
// fast as they are answered, against `census agent -server -bootstrap -data-dir <tmp>`
// (SQLite, synchronous=FULL), and the same load against a plain node:http server that reads
// the body and answers 200. Afterwards /v1/agent/services must list every registration that
// was answered 200, and so must the agent once restarted on the same data directory.
//
//   node --import tsx bench/registrations.ts [--duration 10] [--clients 64] [--dev]
//
// --dev runs the same load against `census agent -dev` (memory store) instead, which tells the
// cost of SQLite apart from the cost of everything else.

import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { fmt, machine, nowMs, percentile, request, startBaseline, startCensus } from "./lib.ts";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    clients: { type: "string", default: "64" },
    dev: { type: "boolean", default: false },
  },
});
const DURATION_MS = Number(values.duration) * 1000;
const CLIENTS = Number(values.clients);
const DEV = values.dev;

interface Run {
  ok: number;
  failed: number;
  statuses: Record<number, number>;
  seconds: number;
  latencies: number[];
}

/** CLIENTS loops, each waiting for its answer before the next PUT, for durationMs. */
async function load(base: string, durationMs: number, prefix: string): Promise<Run> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
  const url = new URL("/v1/agent/service/register", base);
  const run: Run = { ok: 0, failed: 0, statuses: {}, seconds: 0, latencies: [] };
  const start = nowMs();
  const end = start + durationMs;
  const one = (id: string) =>
    new Promise<number>((resolve) => {
      const body = JSON.stringify({
        ID: id,
        Name: "regbench",
        Address: "10.1.2.3",
        Port: 8080,
        Tags: ["bench"],
        Meta: { client: prefix },
      });
      const req = http.request(
        url,
        {
          method: "PUT",
          agent,
          headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode!));
        },
      );
      req.on("error", () => resolve(0));
      req.end(body);
    });
  const client = async (c: number) => {
    for (let n = 0; nowMs() < end; n++) {
      const t = nowMs();
      const status = await one(`${prefix}-${c}-${n}`);
      run.latencies.push(nowMs() - t);
      run.statuses[status] = (run.statuses[status] ?? 0) + 1;
      if (status === 200) run.ok++;
      else run.failed++;
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
  run.seconds = (nowMs() - start) / 1000;
  agent.destroy();
  run.latencies.sort((a, b) => a - b);
  return run;
}

const describe = (r: Run) =>
  `${fmt(r.ok / r.seconds).padStart(7)} registrations/s (${fmt(r.ok)} answered 200 in ${r.seconds.toFixed(1)} s, ` +
  `${r.failed} failed; latency p50 ${percentile(r.latencies, 50).toFixed(1)} ms p99 ${percentile(r.latencies, 99).toFixed(1)} ms)`;

async function agentServiceCount(url: string): Promise<number> {
  const r = await request(`${url}/v1/agent/services`);
  if (r.status !== 200) throw new Error(`/v1/agent/services: ${r.status}`);
  return Object.keys(JSON.parse(r.body.toString())).length;
}

async function main() {
  console.log(`machine: ${machine()}`);
  console.log(`load: ${CLIENTS} keep-alive clients, one PUT in flight each, ${DURATION_MS / 1000} s`);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "census-bench-"));
  const baseline = await startBaseline({ mode: "sink" });
  let census: Awaited<ReturnType<typeof startCensus>> | undefined;
  try {
    await load(baseline.url, 1000, "warm");
    const b = await load(baseline.url, DURATION_MS, "base");
    console.log(`baseline node:http ${describe(b)}`);
    await baseline.stop();

    const agentArgs = DEV ? ["-dev"] : ["-server", "-bootstrap", "-data-dir", dataDir];
    census = await startCensus(agentArgs);
    const before = await agentServiceCount(census.url);
    const warm = await load(census.url, 1000, "warm");
    const c = await load(census.url, DURATION_MS, "reg");
    console.log(`census (${DEV ? "-dev  " : "SQLite"})    ${describe(c)}`);
    const answered200 = warm.ok + c.ok;
    const listed = (await agentServiceCount(census.url)) - before;
    console.log(
      `check: /v1/agent/services lists ${fmt(listed)} new services; ${fmt(answered200)} PUTs were answered 200 ` +
        `(${listed === answered200 ? "equal" : "MISMATCH"})`,
    );
    let afterRestart = answered200;
    if (!DEV) {
      const stopped = nowMs();
      const code = await census.stop();
      census = await startCensus(agentArgs);
      const restartSeconds = (nowMs() - stopped) / 1000;
      afterRestart = (await agentServiceCount(census.url)) - before;
      console.log(
        `check: after a restart (exit ${code}, back in ${restartSeconds.toFixed(1)} s) the agent lists ${fmt(afterRestart)} ` +
          `(${afterRestart === answered200 ? "equal" : "MISMATCH"})`,
      );
    }
    const cr = c.ok / c.seconds;
    const br = b.ok / b.seconds;
    console.log(
      `RESULT registrations: census ${fmt(cr)} ${DEV ? "in-memory (-dev)" : "durable"} registrations/s, baseline node:http ${fmt(br)} req/s, ` +
        `ratio ${(cr / br).toFixed(2)}x (target >= 5,000/s)`,
    );
    if (listed !== answered200 || afterRestart !== answered200) process.exitCode = 1;
  } finally {
    await baseline.stop();
    await census?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
