// The scheduler's own logic, with scripted probe results: thresholds, TTL expiry, timeouts.
// (The probes themselves are tested against real servers in probes.test.ts.)

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Check, CheckDefinition } from "../../catalog/types.ts";
import { createScheduler, runTimeout } from "./scheduler.ts";
import type { Probe, ProbeStatus } from "./types.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function check(type: string, def: CheckDefinition, output = ""): Check {
  return {
    Node: "n",
    CheckID: "c",
    Name: "c",
    Status: "critical",
    Notes: "",
    Output: output,
    ServiceID: "",
    ServiceName: "",
    ServiceTags: [],
    Type: type,
    Definition: def,
  };
}

function harness(results: ProbeStatus[]) {
  const reports: [ProbeStatus, string][] = [];
  let run = 0;
  const probe: Probe = async () => {
    const status = results[Math.min(run, results.length - 1)];
    run++;
    return { status, output: `run ${run}` };
  };
  const scheduler = createScheduler({
    probe: (kind) => (kind === "http" ? probe : undefined),
    report: async (_id, status, output) => void reports.push([status, output]),
    random: () => 0, // first run at once
  });
  return { scheduler, reports, runs: () => run };
}

describe("check scheduler", () => {
  it("reports every result of a check without thresholds", async () => {
    const h = harness(["passing", "critical", "passing"]);
    h.scheduler.add(check("http", { Interval: 1000 }));
    await sleep(2300);
    h.scheduler.stop();
    assert.deepEqual(h.reports, [
      ["passing", "run 1"],
      ["critical", "run 2"],
      ["passing", "run 3"],
    ]);
  });

  it("waits for success_before_passing and failures_before_critical, warning in between", async () => {
    const h = harness(["passing", "passing", "critical", "critical", "critical"]);
    h.scheduler.add(
      check("http", {
        Interval: 1000,
        SuccessBeforePassing: 2,
        FailuresBeforeWarning: 1,
        FailuresBeforeCritical: 3,
      }),
    );
    await sleep(4300);
    h.scheduler.stop();
    assert.deepEqual(
      h.reports.map(([s]) => s),
      ["passing", "warning", "warning", "critical"],
    );
  });

  it("expires a TTL check with Consul's text, and restarts the TTL when touched", async () => {
    const h = harness([]);
    h.scheduler.add(check("ttl", { TTL: 300 }, "fine"));
    await sleep(200);
    h.scheduler.ttlTouched("c", "still fine");
    await sleep(200);
    assert.deepEqual(h.reports, [], "touched before it expired");
    await sleep(250);
    assert.deepEqual(h.reports, [
      ["critical", "TTL expired (last output before timeout follows): still fine"],
    ]);
    h.scheduler.add(check("ttl", { TTL: 100 }));
    await sleep(200);
    assert.deepEqual(h.reports[1], ["critical", "TTL expired"]);
    h.scheduler.stop();
  });

  it("stops running a removed check", async () => {
    const h = harness(["passing"]);
    h.scheduler.add(check("http", { Interval: 1000 }));
    await sleep(100);
    h.scheduler.remove("c");
    await sleep(1200);
    assert.equal(h.runs(), 1);
    assert.equal(h.scheduler.size(), 0);
  });

  it("spreads first runs over the interval", async () => {
    const first = new Map<string, number>();
    const started = Date.now();
    const scheduler = createScheduler({
      probe: () => async (def) => {
        const id = String(def.Body);
        if (!first.has(id)) first.set(id, Date.now() - started);
        return { status: "passing", output: "" };
      },
      report: async () => {},
    });
    for (let i = 0; i < 50; i++)
      scheduler.add({ ...check("http", { Interval: 1000, Body: `c${i}` }), CheckID: `c${i}` });
    await sleep(1050);
    scheduler.stop();
    const firsts = [...first.values()];
    assert.equal(firsts.length, 50);
    const early = firsts.filter((t) => t < 500).length;
    assert.ok(early > 10 && early < 40, `first runs not spread: ${early} of 50 in the first half`);
  });

  it("times a run out after the check's timeout, else 10 s or the interval when shorter", () => {
    assert.equal(runTimeout(check("http", { Interval: 1000 })), 1000);
    assert.equal(runTimeout(check("http", { Interval: 60_000 })), 10_000);
    assert.equal(runTimeout(check("http", { Interval: 60_000, Timeout: 2000 })), 2000);
    assert.equal(runTimeout(check("script", { Interval: 1000 })), 30_000, "scripts get Consul's 30 s");
  });
});
