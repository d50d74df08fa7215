// GET /v1/health/service/workshop?passing (50 passing instances) against a plain node:http
// server answering the very same bytes and headers. Both servers run in processes of their
// own; autocannon loads them from this one, alternating which goes first.
//
//   node --import tsx bench/health-service.ts [--duration 10] [--connections 50] [--rounds 2]

import { parseArgs } from "node:util";
import autocannon, { type Result } from "autocannon";
import { copyableHeaders, fmt, machine, put, request, startBaseline, startCensus } from "./lib.ts";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    connections: { type: "string", default: "50" },
    rounds: { type: "string", default: "2" },
    instances: { type: "string", default: "50" },
  },
});
const DURATION = Number(values.duration);
const CONNECTIONS = Number(values.connections);
const ROUNDS = Number(values.rounds);
const INSTANCES = Number(values.instances);
const PATH = "/v1/health/service/workshop?passing";

async function load(url: string, duration: number): Promise<{ rps: number; result: Result }> {
  const result = await autocannon({ url: url + PATH, connections: CONNECTIONS, duration });
  if (result.errors || result.non2xx || result.timeouts) {
    throw new Error(
      `${url}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx answers`,
    );
  }
  return { rps: result["2xx"] / result.duration, result };
}

async function main() {
  console.log(`machine: ${machine()}`);
  const census = await startCensus(["-dev"]);
  let baseline: Awaited<ReturnType<typeof startBaseline>> | undefined;
  try {
    for (let i = 0; i < INSTANCES; i++) {
      await put(`${census.url}/v1/agent/service/register`, {
        Name: "workshop",
        ID: `workshop-${i}`,
        Address: `10.0.${i >> 8}.${i & 255}`,
        Port: 8000 + i,
        Tags: ["v1", "avatar"],
        Meta: { owner: "bench" },
        Check: { TTL: "10m", Status: "passing" },
      });
    }
    const ref = await request(census.url + PATH);
    const entries = JSON.parse(ref.body.toString());
    if (ref.status !== 200 || entries.length !== INSTANCES) {
      throw new Error(`expected ${INSTANCES} passing instances, got ${ref.status} ${entries.length}`);
    }
    const headers = copyableHeaders(ref.rawHeaders);
    baseline = await startBaseline({ mode: "static", status: ref.status, headers, body: ref.body });
    const check = await request(baseline.url + PATH);
    if (!check.body.equals(ref.body) || check.headers["x-consul-index"] !== ref.headers["x-consul-index"]) {
      throw new Error("the baseline does not answer what census answers");
    }
    console.log(
      `response: ${INSTANCES} instances, ${fmt(ref.body.length)} bytes of JSON, ${headers.length / 2} headers copied`,
    );
    console.log(`load: autocannon, ${CONNECTIONS} connections, ${DURATION} s per run, ${ROUNDS} rounds`);

    const targets = { census: census.url, baseline: baseline.url };
    // Warm both up (JIT, connection pools) before anything is counted.
    await load(targets.census, 2);
    await load(targets.baseline, 2);

    const rps: Record<"census" | "baseline", number[]> = { census: [], baseline: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const order: Array<"census" | "baseline"> =
        round % 2 === 0 ? ["census", "baseline"] : ["baseline", "census"];
      for (const name of order) {
        const { rps: r, result } = await load(targets[name], DURATION);
        rps[name].push(r);
        console.log(
          `round ${round + 1} ${name.padEnd(8)} ${fmt(r).padStart(8)} req/s  latency p50 ${result.latency.p50} ms p99 ${result.latency.p99} ms`,
        );
      }
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const c = mean(rps.census);
    const b = mean(rps.baseline);
    console.log(
      `RESULT health-service: census ${fmt(c)} req/s, baseline node:http ${fmt(b)} req/s, ratio ${(c / b).toFixed(2)}x (target >= 0.70x)`,
    );
  } finally {
    await baseline?.stop();
    await census.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
