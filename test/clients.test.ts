// Real Consul clients against a real `bin/census agent -dev`: the npm `consul` package (v2,
// promise API) and Debian's python3-consul (run with /usr/bin/python3, as the workshop's
// server.py is). Every expectation is what the same call gets from Consul itself.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { EventEmitter } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import Consul from "consul";
import { http, ROOT, startAgent, type RunningAgent } from "./harness.ts";

const execFileP = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls fn until it returns a truthy value or the deadline passes; returns the last value. */
async function until<T>(fn: () => Promise<T>, ms: number, every = 50): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v || Date.now() > deadline) return v;
    await sleep(every);
  }
}

/** The npm client returns [response, body] when its ctx asks for the response (as watch does). */
const withResponse = () => Object.assign(new EventEmitter(), { includeResponse: true });

const ids = (xs: any[], key: string) => xs.map((x) => x[key]);
const sorted = (xs: string[]) => [...xs].sort();

describe("npm consul client against census agent -dev", () => {
  let agent: RunningAgent;
  let consul: any;
  let target: Server;
  let targetUrl: string;
  let targetStatus = 200;
  const targetHits: { method: string; ua: string }[] = [];

  before(async () => {
    agent = await startAgent(["-dev"]);
    consul = new Consul({ host: "127.0.0.1", port: agent.port });
    target = createServer((req, res) => {
      targetHits.push({ method: req.method ?? "", ua: String(req.headers["user-agent"] ?? "") });
      res.writeHead(targetStatus, { "content-type": "text/plain" }).end(targetStatus === 200 ? "ok" : "down");
    });
    await new Promise<void>((r) => target.listen(0, "127.0.0.1", r));
    targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/health`;
  });
  after(async () => {
    consul?.destroy();
    target?.close();
    if (agent) assert.equal(await agent.stop(), 0, agent.output());
  });

  it("status.leader and status.peers name the server's RPC address", async () => {
    assert.equal(await consul.status.leader(), "127.0.0.1:8300");
    assert.deepEqual(await consul.status.peers(), ["127.0.0.1:8300"]);
  });

  it("agent.self and agent.members describe this one server node", async () => {
    const self = await consul.agent.self();
    assert.equal(self.Config.Datacenter, "dc1");
    assert.equal(self.Config.NodeName, "test-node");
    assert.equal(self.Config.Server, true);
    assert.match(self.Config.Version, /^\d+\.\d+\.\d+/);
    assert.equal(self.Member.Name, "test-node");
    assert.equal(self.Member.Addr, "127.0.0.1");
    assert.equal(self.Member.Status, 1);

    const members = await consul.agent.members();
    assert.equal(members.length, 1);
    const m = members[0];
    assert.equal(m.Name, "test-node");
    assert.equal(m.Addr, "127.0.0.1");
    assert.equal(m.Port, 8301);
    assert.equal(m.Status, 1, "alive");
    assert.equal(m.Tags.dc, "dc1");
    assert.equal(m.Tags.role, "consul");
    assert.equal(m.Tags.port, "8300");
  });

  it("agent.service.register with tags, meta and a TTL check; agent.service.list shows it", async () => {
    const res = await consul.agent.service.register({
      name: "web",
      id: "web-1",
      address: "10.1.0.1",
      port: 8080,
      tags: ["v1", "blue"],
      meta: { version: "1.0" },
      check: { ttl: "30s" },
    });
    assert.equal(res, undefined, "an empty 200 answer");
    await consul.agent.service.register({
      name: "web",
      id: "web-2",
      address: "10.1.0.2",
      port: 8081,
      tags: ["v2"],
    });

    const list = await consul.agent.service.list();
    assert.deepEqual(Object.keys(list), sorted(Object.keys(list)), "keyed by service ID, sorted");
    assert.ok(list["web-1"] && list["web-2"], JSON.stringify(list));
    const s = list["web-1"];
    assert.equal(s.ID, "web-1");
    assert.equal(s.Service, "web");
    assert.deepEqual(s.Tags, ["v1", "blue"], "tags keep the order they were registered in");
    assert.deepEqual(s.Meta, { version: "1.0" });
    assert.equal(s.Address, "10.1.0.1");
    assert.equal(s.Port, 8080);
    // Consul's agent adds lan_ipv4/wan_ipv4 tagged addresses for an IPv4 service address.
    assert.deepEqual(s.TaggedAddresses, {
      lan_ipv4: { Address: "10.1.0.1", Port: 8080 },
      wan_ipv4: { Address: "10.1.0.1", Port: 8080 },
    });
    assert.deepEqual(s.Weights, { Passing: 1, Warning: 1 });
    assert.equal(s.EnableTagOverride, false);
    assert.equal(s.Datacenter, "dc1");

    const checks = await consul.agent.check.list();
    const c = checks["service:web-1"];
    assert.ok(c, `the service's check is named service:<id>: ${Object.keys(checks)}`);
    assert.equal(c.Name, "Service 'web' check");
    assert.equal(c.Status, "critical", "a TTL check starts critical");
    assert.equal(c.ServiceID, "web-1");
    assert.equal(c.ServiceName, "web");
    assert.equal(c.Type, "ttl");
  });

  it("catalog.service.nodes returns each instance with its Service* fields, ordered by ID", async () => {
    const nodes = await consul.catalog.service.nodes("web");
    assert.deepEqual(ids(nodes, "ServiceID"), ["web-1", "web-2"]);
    const [a, b] = nodes;
    assert.equal(a.Node, "test-node");
    assert.equal(a.Address, "127.0.0.1", "the node's address");
    assert.equal(a.Datacenter, "dc1");
    assert.equal(a.ServiceName, "web");
    assert.equal(a.ServiceAddress, "10.1.0.1");
    assert.equal(a.ServicePort, 8080);
    assert.deepEqual(a.ServiceTags, ["v1", "blue"]);
    assert.deepEqual(a.ServiceMeta, { version: "1.0" });
    assert.deepEqual(a.ServiceTaggedAddresses, {
      lan_ipv4: { Address: "10.1.0.1", Port: 8080 },
      wan_ipv4: { Address: "10.1.0.1", Port: 8080 },
    });
    assert.deepEqual(a.ServiceWeights, { Passing: 1, Warning: 1 });
    assert.equal(a.ServiceEnableTagOverride, false);
    assert.ok(a.CreateIndex > 0 && a.ModifyIndex >= a.CreateIndex);
    assert.equal(b.ServiceAddress, "10.1.0.2");
    assert.equal(b.ServicePort, 8081);
    assert.deepEqual(b.ServiceTags, ["v2"]);
    assert.deepEqual(b.ServiceMeta, {}, "no meta is {} (not null)");

    const tagged = await consul.catalog.service.nodes({ service: "web", tag: "v2" });
    assert.deepEqual(ids(tagged, "ServiceID"), ["web-2"]);
    assert.deepEqual(await consul.catalog.service.nodes("no-such-service"), []);
  });

  it("catalog.service.list maps every service name to its instances' tags", async () => {
    const list = await consul.catalog.service.list();
    assert.deepEqual(Object.keys(list), sorted(Object.keys(list)), "sorted by name");
    assert.deepEqual(list.consul, [], "the server's own consul service, untagged");
    assert.deepEqual(sorted(list.web), ["blue", "v1", "v2"], "the union of web's tags, once each");
  });

  it("catalog.node.list and catalog.node.services show the node and what runs on it", async () => {
    const nodes = await consul.catalog.node.list();
    assert.equal(nodes.length, 1);
    const n = nodes[0];
    assert.equal(n.Node, "test-node");
    assert.equal(n.Address, "127.0.0.1");
    assert.equal(n.Datacenter, "dc1");
    assert.match(n.ID, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.deepEqual(n.TaggedAddresses, {
      lan: "127.0.0.1",
      lan_ipv4: "127.0.0.1",
      wan: "127.0.0.1",
      wan_ipv4: "127.0.0.1",
    });
    assert.equal(n.Meta["consul-network-segment"], "");

    const ns = await consul.catalog.node.services("test-node");
    assert.equal(ns.Node.Node, "test-node");
    assert.equal(ns.Node.Address, "127.0.0.1");
    assert.deepEqual(sorted(Object.keys(ns.Services)), ["consul", "web-1", "web-2"]);
    assert.equal(ns.Services.consul.Service, "consul");
    assert.equal(ns.Services.consul.Port, 8300);
    const w = ns.Services["web-1"];
    assert.equal(w.ID, "web-1");
    assert.equal(w.Service, "web");
    assert.equal(w.Address, "10.1.0.1");
    assert.equal(w.Port, 8080);
    assert.deepEqual(w.Tags, ["v1", "blue"]);
    assert.deepEqual(w.Meta, { version: "1.0" });

    // Consul answers 200 with a JSON null for an unknown node, which this client resolves as undefined.
    const unknown = await http(`${agent.url}/v1/catalog/node/no-such-node`);
    assert.equal(unknown.status, 200);
    assert.equal(unknown.json, null);
    assert.equal(await consul.catalog.node.services("no-such-node"), undefined);
  });

  it("health.service({passing}) leaves out a critical instance until agent.check.pass", async () => {
    let passing = await consul.health.service({ service: "web", passing: true });
    assert.deepEqual(
      passing.map((e: any) => e.Service.ID),
      ["web-2"],
      "web-1's TTL check is still critical",
    );
    assert.equal(passing[0].Node.Node, "test-node");
    assert.equal(passing[0].Service.Address, "10.1.0.2");
    assert.equal(passing[0].Service.Port, 8081);
    assert.deepEqual(ids(passing[0].Checks, "CheckID"), ["serfHealth"]);

    const all = await consul.health.service("web");
    assert.deepEqual(
      all.map((e: any) => e.Service.ID),
      ["web-1", "web-2"],
    );
    assert.deepEqual(
      all[0].Checks.map((c: any) => [c.CheckID, c.Status]),
      [
        ["serfHealth", "passing"],
        ["service:web-1", "critical"],
      ],
      "node checks first, then the instance's own",
    );

    let critical = await consul.health.state("critical");
    assert.ok(ids(critical, "CheckID").includes("service:web-1"), JSON.stringify(critical));
    assert.deepEqual(ids(critical, "CheckID"), sorted(ids(critical, "CheckID")), "ordered by check ID");

    assert.equal(await consul.agent.check.pass({ id: "service:web-1", note: "all good" }), undefined);

    passing = await consul.health.service({ service: "web", passing: true });
    assert.deepEqual(
      passing.map((e: any) => e.Service.ID),
      ["web-1", "web-2"],
    );
    const ttl = passing[0].Checks.find((c: any) => c.CheckID === "service:web-1");
    assert.equal(ttl.Status, "passing");
    assert.equal(ttl.Output, "all good");
    critical = await consul.health.state("critical");
    assert.ok(!ids(critical, "CheckID").includes("service:web-1"));
    const passingChecks = await consul.health.state("passing");
    assert.ok(ids(passingChecks, "CheckID").includes("service:web-1"));
  });

  it("health.checks lists a service's checks; health.node a node's, serfHealth included", async () => {
    const checks = await consul.health.checks("web");
    assert.deepEqual(ids(checks, "CheckID"), ["service:web-1"], "service checks only, no node checks");
    const c = checks[0];
    assert.equal(c.Node, "test-node");
    assert.equal(c.Name, "Service 'web' check");
    assert.equal(c.Status, "passing");
    assert.equal(c.Output, "all good");
    assert.equal(c.ServiceID, "web-1");
    assert.equal(c.ServiceName, "web");
    assert.deepEqual(c.ServiceTags, ["v1", "blue"]);
    assert.equal(c.Type, "ttl");

    const node = await consul.health.node("test-node");
    const nodeIds = ids(node, "CheckID");
    assert.deepEqual(nodeIds, sorted(nodeIds), "ordered by check ID");
    assert.deepEqual(nodeIds, ["serfHealth", "service:web-1"]);
    const serf = node[0];
    assert.equal(serf.Name, "Serf Health Status");
    assert.equal(serf.Status, "passing");
    assert.equal(serf.ServiceID, "");
  });

  it("agent.check.register attaches a TTL check to a service; deregister removes it", async () => {
    await consul.agent.check.register({
      name: "web-2 heartbeat",
      id: "web-2-ttl",
      serviceid: "web-2",
      ttl: "15s",
      notes: "beats every 5s",
    });
    const list = await consul.agent.check.list();
    const c = list["web-2-ttl"];
    assert.ok(c, Object.keys(list).join(","));
    assert.equal(c.Name, "web-2 heartbeat");
    assert.equal(c.Status, "critical");
    assert.equal(c.Notes, "beats every 5s");
    assert.equal(c.ServiceID, "web-2");
    assert.equal(c.ServiceName, "web");
    assert.equal(c.Type, "ttl");

    assert.deepEqual(ids(await consul.health.checks("web"), "CheckID"), ["service:web-1", "web-2-ttl"]);
    let passing = await consul.health.service({ service: "web", passing: true });
    assert.deepEqual(
      passing.map((e: any) => e.Service.ID),
      ["web-1"],
      "web-2 now has a critical check",
    );

    assert.equal(await consul.agent.check.deregister("web-2-ttl"), undefined);
    assert.equal((await consul.agent.check.list())["web-2-ttl"], undefined);
    assert.deepEqual(ids(await consul.health.checks("web"), "CheckID"), ["service:web-1"]);
    passing = await consul.health.service({ service: "web", passing: true });
    assert.deepEqual(
      passing.map((e: any) => e.Service.ID),
      ["web-1", "web-2"],
    );

    await assert.rejects(consul.agent.check.deregister("no-such-check"), (err: any) => {
      assert.equal(err.statusCode, 404);
      assert.equal(
        err.response.body,
        'Unknown check ID "no-such-check". Ensure that the check ID is passed, not the check name.',
      );
      return true;
    });
  });

  it("an HTTP check (interval 1s) is run: the instance turns passing, then critical when it fails", async () => {
    await consul.agent.service.register({
      name: "api",
      id: "api-1",
      address: "127.0.0.1",
      port: Number(new URL(targetUrl).port),
      check: { http: targetUrl, interval: "1s" },
    });
    try {
      const [registered] = await consul.health.checks("api");
      assert.equal(registered.CheckID, "service:api-1");
      assert.equal(registered.Name, "Service 'api' check");
      assert.equal(registered.Type, "http");
      assert.equal(registered.Interval, "1s");

      // A TTL update on a non-TTL check is refused, as Consul does (500 with this message).
      await assert.rejects(consul.agent.check.pass("service:api-1"), (err: any) => {
        assert.equal(err.statusCode, 500);
        assert.equal(err.message, 'CheckID "service:api-1" does not have associated TTL');
        return true;
      });

      // Consul runs an HTTP check within its interval of registration (after a random stagger).
      const up = await until(async () => {
        const h = await consul.health.service({ service: "api", passing: true });
        return h.length === 1 ? h : undefined;
      }, 4000);
      assert.ok(up, `never passing: ${JSON.stringify(await consul.health.checks("api"))}`);
      const check = up[0].Checks.find((c: any) => c.CheckID === "service:api-1");
      assert.equal(check.Output, `HTTP GET ${targetUrl}: 200 OK Output: ok`);
      assert.ok(targetHits.length >= 1);
      assert.equal(targetHits[0].method, "GET");
      assert.equal(targetHits[0].ua, "Consul Health Check");

      targetStatus = 503;
      const down = await until(async () => {
        const [c] = await consul.health.checks("api");
        return c.Status === "critical" ? c : undefined;
      }, 3000);
      assert.ok(down, "never critical after the target failed");
      assert.equal(down.Output, `HTTP GET ${targetUrl}: 503 Service Unavailable Output: down`);
      assert.deepEqual(await consul.health.service({ service: "api", passing: true }), []);
    } finally {
      targetStatus = 200;
      await consul.agent.service.deregister("api-1");
    }
  });

  it("a TTL check that is not renewed in time turns critical with Consul's 'TTL expired' output", async () => {
    await consul.agent.service.register({ name: "hb", id: "hb-1", port: 5000, check: { ttl: "1s" } });
    try {
      await consul.agent.check.pass({ id: "service:hb-1", note: "alive" });
      assert.equal((await consul.health.service({ service: "hb", passing: true })).length, 1);
      const expired = await until(async () => {
        const [c] = await consul.health.checks("hb");
        return c.Status === "critical" ? c : undefined;
      }, 3000);
      assert.ok(expired, "still passing 3 s after a 1 s TTL was last renewed");
      assert.equal(expired.Output, "TTL expired (last output before timeout follows): alive");
      assert.deepEqual(await consul.health.service({ service: "hb", passing: true }), []);
    } finally {
      await consul.agent.service.deregister("hb-1");
    }
  });

  it("a blocking read through the client (index, wait) returns on a change, with a greater index", async () => {
    const [first, body] = await consul.health.service({ service: "blocky", ctx: withResponse() });
    assert.deepEqual(body, []);
    const index = first.headers["x-consul-index"];
    assert.match(index, /^[1-9]\d*$/);

    const started = Date.now();
    const waiting = consul.health.service({
      service: "blocky",
      passing: true,
      index,
      wait: "10s",
      ctx: withResponse(),
    });
    await sleep(300);
    await consul.agent.service.register({ name: "blocky", id: "blocky-1", port: 1234 });
    const [res, data] = await waiting;
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 290, `returned after ${elapsed} ms, before the change`);
    assert.ok(elapsed < 5000, `took ${elapsed} ms to notice the registration`);
    assert.equal(res.statusCode, 200);
    assert.ok(BigInt(res.headers["x-consul-index"]) > BigInt(index), "the index moved on");
    assert.deepEqual(
      data.map((e: any) => e.Service.ID),
      ["blocky-1"],
    );
    assert.equal(data[0].Service.Port, 1234);
  });

  it("consul.watch on health.service emits a change when an instance is registered", async () => {
    const watch = consul.watch({
      method: consul.health.service,
      options: { service: "watched", passing: true },
    });
    const changes: { data: any; index: bigint }[] = [];
    const errors: unknown[] = [];
    let notify: () => void = () => {};
    watch.on("change", (data: any, res: any) => {
      changes.push({ data, index: BigInt(res.headers["x-consul-index"]) });
      notify();
    });
    watch.on("error", (err: unknown) => errors.push(err));
    const nextChange = (n: number, ms: number) =>
      new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no change #${n} in ${ms} ms; errors: ${errors}`)), ms);
        notify = () => {
          if (changes.length >= n) {
            clearTimeout(t);
            resolve();
          }
        };
        notify();
      });
    try {
      await nextChange(1, 5000);
      assert.deepEqual(changes[0].data, [], "the first change is the current (empty) answer");
      await consul.agent.service.register({ name: "watched", id: "watched-1", port: 4000 });
      await nextChange(2, 5000);
      assert.deepEqual(
        changes[1].data.map((e: any) => e.Service.ID),
        ["watched-1"],
      );
      assert.ok(changes[1].index > changes[0].index);
      assert.deepEqual(errors, []);
    } finally {
      watch.end();
    }
  });

  it("a registration is in catalog.service.nodes within 40 ms of its register call resolving", async () => {
    const timings: number[] = [];
    for (let i = 0; i < 10; i++) {
      await consul.agent.service.register({ name: "fast", id: `fast-${i}`, port: 7000 + i });
      const t0 = performance.now();
      const seen = await until(
        async () => {
          const nodes = await consul.catalog.service.nodes("fast");
          return nodes.some((n: any) => n.ServiceID === `fast-${i}`);
        },
        1000,
        1,
      );
      timings.push(performance.now() - t0);
      assert.ok(seen, `fast-${i} never showed up in the catalog`);
    }
    const worst = Math.max(...timings);
    assert.ok(worst < 40, `visible after ${timings.map((t) => t.toFixed(1)).join(", ")} ms`);
  });

  it("agent.service.deregister removes the instance and its checks everywhere", async () => {
    assert.equal(await consul.agent.service.deregister("web-1"), undefined);
    assert.deepEqual(ids(await consul.catalog.service.nodes("web"), "ServiceID"), ["web-2"]);
    assert.equal((await consul.agent.service.list())["web-1"], undefined);
    assert.equal((await consul.agent.check.list())["service:web-1"], undefined);
    assert.deepEqual(await consul.health.checks("web"), []);
    await consul.agent.service.deregister("web-2");
    assert.deepEqual(await consul.catalog.service.nodes("web"), []);
    assert.equal((await consul.catalog.service.list()).web, undefined, "a service with no instances is gone");
  });
});

const PYTHON = "/usr/bin/python3";
const WORKSHOP = path.join(ROOT, "test", "clients", "workshop_register.py");

/** The environment for python-consul: no CONSUL_HTTP_* (it would override host and port), no pyenv. */
function pythonEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith("CONSUL_") || k.startsWith("PYTHON")) delete env[k];
  return env;
}

/** Fails (never skips) when Debian's python3-consul is missing. */
async function requirePythonConsul(): Promise<void> {
  try {
    await execFileP(PYTHON, ["-c", "import consul"], { env: pythonEnv() });
  } catch (err) {
    assert.fail(
      `${PYTHON} cannot import consul (Debian's python3-consul): run \`bash test/setup.sh\` (as root) first.\n` +
        String((err as Error).message),
    );
  }
}

async function workshop(agent: RunningAgent, ...args: string[]): Promise<any> {
  const { stdout } = await execFileP(PYTHON, [WORKSHOP, "127.0.0.1", String(agent.port), ...args], {
    env: pythonEnv(),
    timeout: 20_000,
  });
  return JSON.parse(stdout);
}

describe("Debian's python3-consul (the workshop's server.py) against census agent -dev", () => {
  let agent: RunningAgent;
  before(async () => {
    agent = await startAgent(["-dev"]);
  });
  after(async () => {
    if (agent) assert.equal(await agent.stop(), 0, agent.output());
  });

  it("registers without a check and reads it back from catalog, health and agent", async () => {
    await requirePythonConsul();
    const out = await workshop(agent, "register", "workshop", "workshop-a", "10.0.0.5", "8123");
    assert.equal(
      out.client_version,
      "0.7.1",
      "the deregister and ttl_pass expectations below are python-consul 0.7.1's (it sends GET)",
    );
    assert.equal(out.registered, true);

    const [catIndex, cat] = out.catalog;
    assert.match(catIndex, /^[1-9]\d*$/, "c.catalog.service returns (X-Consul-Index, nodes)");
    assert.equal(cat.length, 1);
    assert.equal(cat[0].Node, "test-node");
    assert.equal(cat[0].Address, "127.0.0.1");
    assert.equal(cat[0].ServiceID, "workshop-a");
    assert.equal(cat[0].ServiceName, "workshop");
    assert.equal(cat[0].ServiceAddress, "10.0.0.5");
    assert.equal(cat[0].ServicePort, 8123);
    assert.deepEqual(cat[0].ServiceTags, []);

    const [, passing] = out.health_passing;
    assert.equal(passing.length, 1, "no check of its own: serfHealth alone makes it passing");
    assert.equal(passing[0].Service.ID, "workshop-a");
    assert.equal(passing[0].Service.Address, "10.0.0.5");
    assert.equal(passing[0].Service.Port, 8123);
    assert.equal(passing[0].Node.Address, "127.0.0.1");
    assert.deepEqual(ids(passing[0].Checks, "CheckID"), ["serfHealth"]);

    assert.deepEqual(Object.keys(out.agent_services), ["workshop-a"]);
    assert.equal(out.agent_services["workshop-a"].Service, "workshop");
    assert.equal(out.agent_services["workshop-a"].Address, "10.0.0.5");
    assert.equal(out.agent_services["workshop-a"].Port, 8123);

    // And census serves the same over plain HTTP.
    const svc = await http(`${agent.url}/v1/agent/service/workshop-a`);
    assert.equal(svc.status, 200, svc.text);
    assert.equal(svc.json.Service, "workshop");
    assert.equal(svc.json.Address, "10.0.0.5");
    assert.equal(svc.json.Port, 8123);
    const catalog = await http(`${agent.url}/v1/catalog/service/workshop`);
    assert.deepEqual(ids(catalog.json, "ServiceID"), ["workshop-a"]);
  });

  it("registers with consul.Check.http(url, '10s'): the check is on the instance", async () => {
    await requirePythonConsul();
    const url = "http://127.0.0.1:1/health";
    const out = await workshop(agent, "register", "workshop", "workshop-b", "10.0.0.6", "8124", url, "10s");
    assert.equal(out.registered, true);
    const [, cat] = out.catalog;
    assert.deepEqual(ids(cat, "ServiceID"), ["workshop-a", "workshop-b"]);
    assert.equal(cat[1].ServiceAddress, "10.0.0.6");
    assert.equal(cat[1].ServicePort, 8124);

    const [, all] = out.health;
    const b = all.find((e: any) => e.Service.ID === "workshop-b");
    const check = b.Checks.find((c: any) => c.CheckID === "service:workshop-b");
    assert.ok(check, JSON.stringify(b.Checks));
    assert.equal(check.Name, "Service 'workshop' check");
    assert.equal(check.Type, "http");
    assert.equal(check.Interval, "10s");
    assert.equal(check.ServiceName, "workshop");
    // Nothing listens on port 1: the check can only be critical (it starts so, and fails when run).
    assert.equal(check.Status, "critical");
    const [, passing] = out.health_passing;
    assert.deepEqual(
      passing.map((e: any) => e.Service.ID),
      ["workshop-a"],
      "the instance whose check is critical is left out",
    );
    assert.deepEqual(Object.keys(out.agent_services), ["workshop-a", "workshop-b"]);

    const checks = await http(`${agent.url}/v1/health/checks/workshop`);
    assert.deepEqual(ids(checks.json, "CheckID"), ["service:workshop-b"]);
  });

  it("the deregister path: python-consul 0.7.1 deregisters with GET, which Consul refuses (405)", async () => {
    await requirePythonConsul();
    const out = await workshop(agent, "deregister", "workshop", "workshop-a");
    // python-consul 0.7.1 predates Consul 1.0's HTTP verb enforcement: its GET gets a 405, and
    // its CB.bool() turns that into False. The service stays registered, as with Consul.
    assert.equal(out.deregistered, false);
    const [, cat] = out.catalog;
    assert.deepEqual(ids(cat, "ServiceID"), ["workshop-a", "workshop-b"]);
    assert.ok(out.agent_services["workshop-a"]);

    const get = await http(`${agent.url}/v1/agent/service/deregister/workshop-a`);
    assert.equal(get.status, 405);
    assert.equal(get.text, "method GET not allowed");
    // What the workshop has to do instead: PUT.
    const put = await http(`${agent.url}/v1/agent/service/deregister/workshop-a`, { method: "PUT" });
    assert.equal(put.status, 200, put.text);
    const after = await http(`${agent.url}/v1/catalog/service/workshop`);
    assert.deepEqual(ids(after.json, "ServiceID"), ["workshop-b"]);
  });

  it("c.agent.check.register(Check.ttl('10s'), check_id, service_id) then c.agent.check.ttl_pass", async () => {
    await requirePythonConsul();
    const out = await workshop(agent, "ttl", "beat", "beat-1", "beat-1-ttl");
    assert.equal(out.registered, true);
    assert.equal(out.check_registered, true, "python-consul sends name/ttl/id/serviceid in lower case");

    const [, before] = out.checks_before;
    assert.equal(before.length, 1);
    const c = before[0];
    assert.equal(c.CheckID, "beat-1-ttl");
    assert.equal(c.Name, "beat heartbeat");
    assert.equal(c.Status, "critical");
    assert.equal(c.ServiceID, "beat-1");
    assert.equal(c.ServiceName, "beat");
    assert.equal(c.Type, "ttl");
    assert.ok(out.agent_checks["beat-1-ttl"]);

    // ttl_pass is a GET in python-consul 0.7.1: refused with 405 (False), the check stays critical.
    assert.equal(out.ttl_pass, false);
    const [, afterPass] = out.checks_after;
    assert.equal(afterPass[0].Status, "critical");
    assert.deepEqual(out.health_passing[1], []);

    const get = await http(`${agent.url}/v1/agent/check/pass/beat-1-ttl`);
    assert.equal(get.status, 405);
    const put = await http(`${agent.url}/v1/agent/check/pass/beat-1-ttl`, { method: "PUT" });
    assert.equal(put.status, 200, put.text);
    const health = await http(`${agent.url}/v1/health/service/beat?passing`);
    assert.deepEqual(
      health.json.map((e: any) => e.Service.ID),
      ["beat-1"],
    );
  });
});
