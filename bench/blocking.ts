// Blocking queries at scale: a catalog of 100,000 other instances plus one of `target`,
// 10,000 concurrent `GET /v1/health/service/target?index=<X>&wait=5m`, then ONE change (a
// second `target` instance). Measures how long until every waiter has its answer, the spread
// of answer latencies, and the agent's memory with and without the waiters. The change is
// repeated (--rounds, each waiter asking again on its connection with the new index, as a
// client's blocking loop does) because one fan-out is a single, noisy sample.
// Baselines: an idle node process, and a plain node:http server that holds as many requests
// and then answers them all at once with the very bytes census answered (memory and fan-out).
// The waiters live in two client processes (bench/waiters.mjs), each with its own sockets.
//
//   node --import tsx bench/blocking.ts [--instances 100000] [--waiters 10000] [--rounds 3]

import { execSync, spawn } from "node:child_process";
import http from "node:http";
import { parseArgs } from "node:util";
import {
  copyableHeaders,
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
  type Reply,
} from "./lib.ts";

const { values } = parseArgs({
  options: {
    instances: { type: "string", default: "100000" },
    waiters: { type: "string", default: "10000" },
    clients: { type: "string", default: "2" },
    concurrency: { type: "string", default: "64" },
    rounds: { type: "string", default: "3" },
  },
});
const INSTANCES = Number(values.instances);
const WAITERS = Number(values.waiters);
const CLIENT_PROCS = Number(values.clients);
const CONCURRENCY = Number(values.concurrency);
const ROUNDS = Number(values.rounds);
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
          Address: `10.0.${(i % NODES) >> 8}.${(i % NODES) & 255}`,
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

interface Answers {
  /** When each answer arrived (CLOCK_MONOTONIC ms). */
  times: number[];
  /** How many came with status 200 and X-Consul-Index index. */
  good: (index: number) => number;
  errors: number;
  closedEarly: number;
}

/** Waits (up to 60 s) until every waiter has its answer, then collects when each arrived. */
async function answers(clients: Child[]): Promise<Answers> {
  const deadline = Date.now() + 60_000;
  let s = await status(clients);
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
  return {
    times: reports.flatMap((r) => r.times),
    good: (index) =>
      reports.reduce(
        (n, r) => n + r.indexes.filter((ix, i) => r.statuses[i] === 200 && ix === index).length,
        0,
      ),
    errors: s.errors,
    closedEarly: s.closedEarly,
  };
}

/** Answer latencies from `from`, sorted, and a one-line summary. */
function spread(times: number[], from: number) {
  const ms = times.map((t) => t - from).sort((a, b) => a - b);
  const p50 = percentile(ms, 50);
  const p99 = percentile(ms, 99);
  const max = ms[ms.length - 1];
  return {
    p50,
    p99,
    max,
    text: `p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, last ${max.toFixed(1)} ms`,
  };
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

/** Every waiter asks again, on its open connection, with path (its next blocking query). */
async function rearm(clients: Child[], port: number, path: string) {
  await Promise.all(
    clients.map((c) => {
      c.send({ type: "again", host: "127.0.0.1", port, path });
      return c.next("rearmed");
    }),
  );
}

/** Waits until a server has worked through the waiters' requests, and checks none was answered. */
async function settled(clients: Child[], pid: number) {
  const ms = await untilIdle(pid, 1000);
  await sleep(500);
  const early = await status(clients);
  if (early.answered || early.errors || early.closedEarly) {
    throw new Error(
      `waiters did not all block: ${early.answered} answered, ${early.errors} errors, ${early.closedEarly} closed`,
    );
  }
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

async function main() {
  console.log(`machine: ${machine()}`);
  const nofile = execSync("ulimit -n", { shell: "/bin/bash", encoding: "utf8" }).trim();
  console.log(`ulimit -n: ${nofile}`);
  // The agent (which inherits this limit) holds one socket per waiter.
  if (nofile !== "unlimited" && Number(nofile) < WAITERS + 1000) {
    throw new Error(
      `ulimit -n is ${nofile}: raise it (ulimit -n ${WAITERS + 10_000}) before running this benchmark`,
    );
  }
  const census = await startCensus(["-dev"]);
  let clients: Child[] = [];
  let hold: Awaited<ReturnType<typeof startBaseline>> | undefined;
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
    let index = Number(first.headers["x-consul-index"]);
    if (JSON.parse(first.body.toString()).length !== 1) throw new Error("expected one target instance");

    await untilIdle(census.pid, 1000);
    const rssBefore = rssMiB(census.pid);
    const hwmBefore = hwmMiB(census.pid);
    console.log(
      `agent RSS: ${mib(rssEmpty)} empty, ${mib(rssBefore)} with the catalog (peak so far ${mib(hwmBefore)})`,
    );

    clients = Array.from({ length: CLIENT_PROCS }, () => startChild("waiters.mjs"));
    const sampler = rssSampler(census.pid);
    const pathFor = (ix: number) => `/v1/health/service/target?index=${ix}&wait=5m`;
    const openSeconds = await openWaiters(clients, census.port, pathFor(index));
    const settle = await settled(clients, census.pid);
    const sockets = socketCount(census.pid);
    const rssWaiting = rssMiB(census.pid);
    console.log(
      `waiters: ${fmt(WAITERS)} sent in ${openSeconds.toFixed(1)} s, agent idle ${(settle / 1000).toFixed(1)} s later, ` +
        `holding ${fmt(sockets)} sockets; none answered before the change`,
    );

    const census_: Array<{ fromPut: ReturnType<typeof spread>; fromReturn: ReturnType<typeof spread> }> = [];
    let rssAnswered = 0;
    let last: Reply | undefined;
    for (let round = 1; round <= ROUNDS; round++) {
      if (round > 1) {
        await rearm(clients, census.port, pathFor(index));
        await settled(clients, census.pid);
      }
      // The one change.
      const t0 = nowMs();
      await put(`${census.url}/v1/agent/service/register`, {
        Name: "target",
        ID: `target-${round + 1}`,
        Port: 9001 + round,
      });
      const t1 = nowMs();
      const got = await answers(clients);
      if (round === 1) rssAnswered = rssMiB(census.pid);
      last = await request(`${census.url}/v1/health/service/target`);
      const newIndex = Number(last.headers["x-consul-index"]);
      const good = got.good(newIndex);
      const fromPut = spread(got.times, t0);
      const fromReturn = spread(got.times, t1);
      census_.push({ fromPut, fromReturn });
      console.log(
        `change ${round}: the PUT took ${(t1 - t0).toFixed(0)} ms; ${fmt(good)}/${fmt(WAITERS)} answered 200 with the new ` +
          `index ${newIndex} (was ${index}); after the PUT was sent: ${fromPut.text}; after its answer: last ${fromReturn.max.toFixed(0)} ms`,
      );
      if (good !== WAITERS) throw new Error(`only ${good} waiters had the new index (${got.errors} errors)`);
      index = newIndex;
    }
    await closeAll(clients);
    await untilIdle(census.pid, 1000);
    await sleep(1000);
    const rssAfter = rssMiB(census.pid);
    const peak = Math.max(sampler.stop(), rssAnswered);
    const hwm = hwmMiB(census.pid);
    console.log(
      `agent RSS: ${mib(rssBefore)} before the waiters, ${mib(rssWaiting)} holding ${fmt(WAITERS)} ` +
        `(+${fmt(((rssWaiting - rssBefore) * 1024) / WAITERS, 1)} KiB each), ${mib(rssAnswered)} just after the first answers, ` +
        `${mib(rssAfter)} after they closed; peak ${mib(peak)} sampled, VmHWM ${mib(hwm)}`,
    );
    await census.stop();

    // Baselines: an idle node process, and a plain node:http server holding as many requests
    // and then answering all of them at once with the same bytes census answered.
    const idle = await idleNodeRss();
    hold = await startBaseline({ mode: "hold" });
    const holdPort = Number(new URL(hold.url).port);
    await sleep(500);
    const holdBefore = rssMiB(hold.pid);
    for (const c of clients) await c.stop();
    clients = Array.from({ length: CLIENT_PROCS }, () => startChild("waiters.mjs"));
    await openWaiters(clients, holdPort, pathFor(index));
    const base: Array<ReturnType<typeof spread>> = [];
    let holdWith = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      if (round > 1) await rearm(clients, holdPort, pathFor(index));
      await settled(clients, hold.pid);
      hold.send({ type: "held?" });
      const { count: held } = await hold.next<{ count: number }>("held");
      if (held !== WAITERS) throw new Error(`the baseline holds ${held} requests`);
      if (round === 1) holdWith = rssMiB(hold.pid);
      const b0 = nowMs();
      hold.send({
        type: "release",
        status: last!.status,
        headers: copyableHeaders(last!.rawHeaders),
        body: last!.body.toString("base64"),
      });
      const got = await answers(clients);
      const b = spread(got.times, b0);
      base.push(b);
      console.log(
        `baseline release ${round}: node:http answers ${fmt(got.good(index))} held requests at once: ${b.text}`,
      );
    }
    const holdHwm = hwmMiB(hold.pid);
    console.log(
      `baseline RSS: idle node ${mib(idle)}; node:http ${mib(holdBefore)} empty, ${mib(holdWith)} holding ${fmt(WAITERS)} ` +
        `unanswered requests (+${fmt(((holdWith - holdBefore) * 1024) / WAITERS, 1)} KiB each), VmHWM ${mib(holdHwm)}`,
    );
    await closeAll(clients);

    const lastFromPut = median(census_.map((r) => r.fromPut.max));
    const lastFromReturn = median(census_.map((r) => r.fromReturn.max));
    const baseLast = median(base.map((b) => b.max));
    const c1 = census_[0];
    console.log(
      `RESULT blocking: ${fmt(WAITERS)} waiters; first change: last answer ${c1.fromReturn.max.toFixed(0)} ms after the PUT returned ` +
        `(target < 1000 ms), ${c1.fromPut.max.toFixed(0)} ms after it was sent (p50 ${c1.fromPut.p50.toFixed(0)}, p99 ${c1.fromPut.p99.toFixed(0)} ms); ` +
        `median of ${ROUNDS} changes ${lastFromReturn.toFixed(0)} / ${lastFromPut.toFixed(0)} ms; node:http answering as many at once: ` +
        `${baseLast.toFixed(0)} ms (ratio ${(lastFromPut / baseLast).toFixed(2)}x); agent RSS ${mib(rssBefore)} -> ${mib(rssWaiting)} ` +
        `with the waiters, peak ${mib(peak)} (node:http: +${mib(holdWith - holdBefore)} for as many); populate ${populateSeconds.toFixed(0)} s`,
    );
  } finally {
    for (const c of clients) await c.stop();
    await hold?.stop();
    await census.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
