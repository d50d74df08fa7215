// Blocking queries at scale: a catalog of 100,000 other instances plus one of `target`,
// 10,000 concurrent `GET /v1/health/service/target?index=<X>&wait=5m`, then ONE change (a
// second `target` instance). Measures how long until every waiter has its answer, the spread
// of answer latencies, and the agent's memory with and without the waiters; as the memory
// baseline, an idle node process and a plain node:http server holding as many requests.
// The waiters live in two client processes (bench/waiters.mjs), each with its own sockets.
//
//   node --import tsx bench/blocking.ts [--instances 100000] [--waiters 10000]

import { spawn } from "node:child_process";
import http from "node:http";
import { parseArgs } from "node:util";
import {
  fmt,
  hwmMiB,
  machine,
  nowMs,
  percentile,
  put,
  request,
  rssMiB,
  sleep,
  socketCount,
  startBaseline,
  startCensus,
  startChild,
  untilIdle,
  type Child,
} from "./lib.ts";

const { values } = parseArgs({
  options: {
    instances: { type: "string", default: "100000" },
    waiters: { type: "string", default: "10000" },
    clients: { type: "string", default: "2" },
    concurrency: { type: "string", default: "64" },
  },
});
const INSTANCES = Number(values.instances);
const WAITERS = Number(values.waiters);
const CLIENT_PROCS = Number(values.clients);
const CONCURRENCY = Number(values.concurrency);
const NODES = 1000;
const SERVICE_NAMES = 1000;

const mib = (n: number) => `${n.toFixed(1)} MiB`;

/** Registers INSTANCES instances of other services through PUT /v1/catalog/register. */
async function populate(url: string): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const start = nowMs();
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < INSTANCES) {
      const i = next++;
      await put(
        `${url}/v1/catalog/register`,
        {
          Node: `node-${i % NODES}`,
          Address: `10.${(i % NODES) >> 8}.${i % 256}.1`,
          Service: {
            Service: `other-${i % SERVICE_NAMES}`,
            ID: `other-${i}`,
            Address: `10.9.${(i >> 8) & 255}.${i & 255}`,
            Port: 20000 + (i % 10000),
            Tags: ["bench"],
          },
        },
        agent,
      );
      if (++done % 20_000 === 0) {
        console.log(`  ${fmt(done)} registered, ${((nowMs() - start) / 1000).toFixed(1)} s`);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  agent.destroy();
  return (nowMs() - start) / 1000;
}

/** Opens WAITERS long polls on url+path, split over the client processes. */
async function openWaiters(clients: Child[], port: number, path: string) {
  const per = Math.ceil(WAITERS / clients.length);
  const start = nowMs();
  const opened = await Promise.all(
    clients.map((c, i) => {
      c.send({
        type: "open",
        host: "127.0.0.1",
        port,
        path,
        count: Math.min(per, WAITERS - i * per),
      });
      return c.next<{ written: number; errors: number; lastError: string }>("opened", 120_000);
    }),
  );
  const errors = opened.reduce((a, o) => a + o.errors, 0);
  if (errors) throw new Error(`${errors} connections failed: ${opened.map((o) => o.lastError).join("; ")}`);
  return (nowMs() - start) / 1000;
}

async function status(clients: Child[]) {
  const all = await Promise.all(
    clients.map((c) => {
      c.send({ type: "status?" });
      return c.next<{ answered: number; errors: number; closedEarly: number }>("status");
    }),
  );
  return {
    answered: all.reduce((a, s) => a + s.answered, 0),
    errors: all.reduce((a, s) => a + s.errors, 0),
    closedEarly: all.reduce((a, s) => a + s.closedEarly, 0),
  };
}

async function closeAll(clients: Child[]) {
  await Promise.all(
    clients.map((c) => {
      c.send({ type: "close" });
      return c.next("closed");
    }),
  );
}

/** Samples a process's RSS every 50 ms; stop() returns the highest seen. */
function rssSampler(pid: number) {
  let peak = rssMiB(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssMiB(pid));
    } catch {
      // exited
    }
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

async function idleNodeRss(): Promise<number> {
  const p = spawn(process.execPath, ["-e", "setInterval(() => {}, 1e9)"], { stdio: "ignore" });
  await sleep(1000);
  const rss = rssMiB(p.pid!);
  p.kill();
  return rss;
}

async function main() {
  console.log(`machine: ${machine()}`);
  const census = await startCensus(["-dev"]);
  let clients: Child[] = [];
  try {
    const rssEmpty = rssMiB(census.pid);
    console.log(
      `populating: ${fmt(INSTANCES)} instances of ${fmt(SERVICE_NAMES)} services on ${fmt(NODES)} nodes`,
    );
    const populateSeconds = await populate(census.url);
    console.log(
      `populated in ${populateSeconds.toFixed(1)} s (${fmt(INSTANCES / populateSeconds)} PUT /v1/catalog/register per s, ${CONCURRENCY} concurrent)`,
    );
    await put(`${census.url}/v1/agent/service/register`, { Name: "target", ID: "target-1", Port: 9001 });
    const first = await request(`${census.url}/v1/health/service/target`);
    const index = Number(first.headers["x-consul-index"]);
    if (JSON.parse(first.body.toString()).length !== 1) throw new Error("expected one target instance");

    await untilIdle(census.pid, 1000);
    const rssBefore = rssMiB(census.pid);
    const hwmBefore = hwmMiB(census.pid);
    console.log(
      `agent RSS: ${mib(rssEmpty)} empty, ${mib(rssBefore)} with the catalog (peak so far ${mib(hwmBefore)})`,
    );

    clients = Array.from({ length: CLIENT_PROCS }, () => startChild("waiters.mjs"));
    const sampler = rssSampler(census.pid);
    const path = `/v1/health/service/target?index=${index}&wait=5m`;
    const openSeconds = await openWaiters(clients, census.port, path);
    const settle = await untilIdle(census.pid, 1000);
    await sleep(1000);
    const sockets = socketCount(census.pid);
    const early = await status(clients);
    const rssWaiting = rssMiB(census.pid);
    console.log(
      `waiters: ${fmt(WAITERS)} sent in ${openSeconds.toFixed(1)} s, agent idle after ${(settle / 1000).toFixed(1)} s more; ` +
        `agent holds ${fmt(sockets)} sockets; ${early.answered} answered early, ${early.errors} errors, ${early.closedEarly} closed`,
    );
    if (early.answered || early.errors || early.closedEarly) throw new Error("waiters did not all block");

    // The change.
    const t0 = nowMs();
    await put(`${census.url}/v1/agent/service/register`, { Name: "target", ID: "target-2", Port: 9002 });
    const t1 = nowMs();
    const deadline = Date.now() + 60_000;
    let s = early;
    while (s.answered + s.errors + s.closedEarly < WAITERS && Date.now() < deadline) {
      await sleep(20);
      s = await status(clients);
    }
    const reports = await Promise.all(
      clients.map((c) => {
        c.send({ type: "report?" });
        return c.next<{ times: number[]; statuses: number[]; indexes: number[] }>("report");
      }),
    );
    const rssAnswered = rssMiB(census.pid);
    await closeAll(clients);
    await untilIdle(census.pid, 1000);
    await sleep(1000);
    const rssAfter = rssMiB(census.pid);
    const peakSampled = sampler.stop();
    const hwm = hwmMiB(census.pid);

    const after = await request(`${census.url}/v1/health/service/target`);
    const newIndex = Number(after.headers["x-consul-index"]);
    const times = reports.flatMap((r) => r.times);
    const good = reports.flatMap((r) => r.indexes.map((ix, i) => r.statuses[i] === 200 && ix === newIndex));
    const fromPut = times.map((t) => t - t0).sort((a, b) => a - b);
    const fromReturn = times.map((t) => t - t1).sort((a, b) => a - b);
    const allMs = fromReturn[fromReturn.length - 1];
    console.log(
      `change: PUT took ${(t1 - t0).toFixed(1)} ms; ${fmt(times.length)} of ${fmt(WAITERS)} answered, ` +
        `${fmt(good.filter(Boolean).length)} with status 200 and the new index ${newIndex} (was ${index}); ` +
        `${s.errors} errors, ${s.closedEarly} closed unanswered`,
    );
    console.log(
      `latency from the PUT being sent: p50 ${fromPut[Math.floor(fromPut.length / 2)]?.toFixed(1)} ms, ` +
        `p99 ${percentile(fromPut, 99).toFixed(1)} ms, max ${fromPut[fromPut.length - 1]?.toFixed(1)} ms`,
    );
    console.log(
      `latency from the PUT's answer: p50 ${percentile(fromReturn, 50).toFixed(1)} ms, ` +
        `p99 ${percentile(fromReturn, 99).toFixed(1)} ms, max ${allMs?.toFixed(1)} ms`,
    );
    console.log(
      `agent RSS: ${mib(rssBefore)} before the waiters, ${mib(rssWaiting)} holding ${fmt(WAITERS)} ` +
        `(+${fmt(((rssWaiting - rssBefore) * 1024) / WAITERS, 1)} KiB each), ${mib(rssAnswered)} just after answering, ` +
        `${mib(rssAfter)} after they closed; peak ${mib(peakSampled)} sampled during the waiters, VmHWM ${mib(hwm)}`,
    );
    await census.stop();

    // Baselines for memory.
    const idle = await idleNodeRss();
    const hold = await startBaseline({ mode: "hold" });
    const holdPort = Number(new URL(hold.url).port);
    await sleep(500);
    const holdBefore = rssMiB(hold.pid);
    for (const c of clients) await c.stop();
    clients = Array.from({ length: CLIENT_PROCS }, () => startChild("waiters.mjs"));
    await openWaiters(clients, holdPort, path);
    await untilIdle(hold.pid, 1000);
    hold.send({ type: "held?" });
    const { count: held } = await hold.next<{ count: number }>("held");
    const holdWith = rssMiB(hold.pid);
    const holdHwm = hwmMiB(hold.pid);
    console.log(
      `baseline RSS: idle node ${mib(idle)}; node:http ${mib(holdBefore)} empty, ${mib(holdWith)} holding ${fmt(held)} ` +
        `unanswered requests (+${fmt(((holdWith - holdBefore) * 1024) / held, 1)} KiB each), VmHWM ${mib(holdHwm)}`,
    );
    await closeAll(clients);
    await hold.stop();

    const ok = times.length === WAITERS && good.every(Boolean);
    console.log(
      `RESULT blocking: ${fmt(times.length)}/${fmt(WAITERS)} waiters answered ${allMs.toFixed(0)} ms after the PUT returned ` +
        `(target < 1000 ms), p50 ${percentile(fromPut, 50).toFixed(0)} ms p99 ${percentile(fromPut, 99).toFixed(0)} ms from the change; ` +
        `agent RSS ${mib(rssBefore)} -> ${mib(rssWaiting)} with waiters (peak ${mib(Math.max(peakSampled, rssAnswered))}); ` +
        `node:http holding as many: +${mib(holdWith - holdBefore)}; populate ${populateSeconds.toFixed(0)} s`,
    );
    if (!ok) process.exitCode = 1;
  } finally {
    for (const c of clients) await c.stop();
    await census.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
