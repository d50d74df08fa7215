// Health checking end to end: a real agent runs checks against real services started here.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import net from "node:net";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { writeFileSync } from "node:fs";
import { freePort, http, startAgent, tempDir, type RunningAgent } from "./harness.ts";

const execFileP = promisify(execFile);

/** The workshop's app, as far as a health check sees it: an HTTP server on a fixed port. */
function app(port: number): Promise<Server> {
  return new Promise((resolve) => {
    const s = createServer((_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("hello"));
    s.listen(port, "127.0.0.1", () => resolve(s));
  });
}
const close = (s: Server) =>
  new Promise<void>((r) => {
    s.close(() => r());
    s.closeAllConnections();
  });

async function passingIds(agent: RunningAgent, service: string): Promise<string[]> {
  const res = await http(`${agent.url}/v1/health/service/${service}?passing`);
  return res.json.map((e: any) => e.Service.ID).sort();
}

/** Waits (by blocking queries, not polling) until pred holds for the service's health, up to ms. */
async function waitHealth(
  agent: RunningAgent,
  service: string,
  pred: (entries: any[]) => boolean,
  ms: number,
) {
  const deadline = Date.now() + ms;
  let index = 0;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`timed out waiting on ${service}`);
    const res = await http(
      `${agent.url}/v1/health/service/${service}?index=${index}&wait=${Math.ceil(left)}ms`,
    );
    if (pred(res.json)) return { entries: res.json, at: Date.now() };
    index = Number(res.headers.get("x-consul-index"));
  }
}

const checkOf = (entry: any, id: string) => entry.Checks.find((c: any) => c.CheckID === id);

describe("health checks against real services", () => {
  let agent: RunningAgent;
  const tmp = tempDir();
  before(async () => {
    writeFileSync(path.join(tmp.dir, "scripts.json"), JSON.stringify({ enable_script_checks: true }));
    agent = await startAgent(["-dev", "-config-file", path.join(tmp.dir, "scripts.json")]);
  });
  after(async () => {
    await agent.stop();
    tmp.cleanup();
  });

  it("the workshop flow over the HTTP API: passing, killed → critical and out of ?passing, restarted → passing", async () => {
    const port = await freePort();
    let server = await app(port);
    const r = await http(`${agent.url}/v1/agent/service/register`, {
      method: "PUT",
      body: { Name: "workshop", ID: "workshop-tgross", Address: "127.0.0.1", Port: port },
    });
    assert.equal(r.status, 200, r.text);
    const c = await http(`${agent.url}/v1/agent/check/register`, {
      method: "PUT",
      body: {
        Name: "tgross",
        ServiceID: "workshop-tgross",
        HTTP: `http://127.0.0.1:${port}`,
        Interval: "1s",
      },
    });
    assert.equal(c.status, 200, c.text);

    const up = await waitHealth(
      agent,
      "workshop",
      (e) => e.length === 1 && checkOf(e[0], "tgross")?.Status === "passing",
      3000,
    );
    assert.equal(
      checkOf(up.entries[0], "tgross").Output,
      `HTTP GET http://127.0.0.1:${port}: 200 OK Output: hello`,
    );
    assert.deepEqual(await passingIds(agent, "workshop"), ["workshop-tgross"]);

    const killed = Date.now();
    await close(server);
    const down = await waitHealth(
      agent,
      "workshop",
      (e) => checkOf(e[0], "tgross")?.Status === "critical",
      3000,
    );
    assert.ok(
      down.at - killed <= 1000 + 1000 + 500,
      `critical after ${down.at - killed} ms (interval + timeout)`,
    );
    assert.match(checkOf(down.entries[0], "tgross").Output, /connection refused/);
    assert.deepEqual(await passingIds(agent, "workshop"), []);

    server = await app(port);
    await waitHealth(agent, "workshop", (e) => checkOf(e[0], "tgross")?.Status === "passing", 2500);
    assert.deepEqual(await passingIds(agent, "workshop"), ["workshop-tgross"]);
    await close(server);
    await http(`${agent.url}/v1/agent/service/deregister/workshop-tgross`, { method: "PUT" });
  });

  it("the workshop flow through python3-consul (lowercase keys, Check.http)", async () => {
    const port = await freePort();
    let server = await app(port);
    const script = `
import sys, consul
c = consul.Consul("127.0.0.1", int(sys.argv[1]))
c.agent.service.register("pyshop", service_id="pyshop-1", address="127.0.0.1", port=int(sys.argv[2]))
c.agent.check.register("pycheck", check=consul.Check.http("http://127.0.0.1:%s/" % sys.argv[2], "1s"), check_id="pycheck", service_id="pyshop-1")
`;
    await execFileP("/usr/bin/python3", ["-c", script, String(agent.port), String(port)]).catch((err) => {
      throw new Error(
        `python3-consul failed (run \`bash test/setup.sh\` as root first): ${err.stderr ?? err}`,
      );
    });
    await waitHealth(agent, "pyshop", (e) => checkOf(e[0], "pycheck")?.Status === "passing", 3000);
    await close(server);
    await waitHealth(agent, "pyshop", (e) => checkOf(e[0], "pycheck")?.Status === "critical", 3000);
    assert.deepEqual(await passingIds(agent, "pyshop"), []);
    server = await app(port);
    await waitHealth(agent, "pyshop", (e) => checkOf(e[0], "pycheck")?.Status === "passing", 3000);
    await close(server);
    await http(`${agent.url}/v1/agent/service/deregister/pyshop-1`, { method: "PUT" });
  });

  it("runs TCP checks", async () => {
    const tcp = net.createServer((s) => s.end());
    await new Promise<void>((r) => tcp.listen(0, "127.0.0.1", r));
    const port = (tcp.address() as net.AddressInfo).port;
    await http(`${agent.url}/v1/agent/service/register`, {
      method: "PUT",
      body: { Name: "db", Port: port, Check: { TCP: `127.0.0.1:${port}`, Interval: "1s" } },
    });
    const up = await waitHealth(agent, "db", (e) => checkOf(e[0], "service:db")?.Status === "passing", 3000);
    assert.equal(checkOf(up.entries[0], "service:db").Output, `TCP connect 127.0.0.1:${port}: Success`);
    await new Promise((r) => tcp.close(r));
    await waitHealth(agent, "db", (e) => checkOf(e[0], "service:db")?.Status === "critical", 3000);
    await http(`${agent.url}/v1/agent/service/deregister/db`, { method: "PUT" });
  });

  it("runs script checks when enable_script_checks is on: exit 0 passing, 1 warning, else critical", async () => {
    const file = path.join(tmp.dir, "state");
    writeFileSync(file, "0");
    await http(`${agent.url}/v1/agent/service/register`, {
      method: "PUT",
      body: {
        Name: "scripted",
        Check: { Args: ["/bin/sh", "-c", `echo out; exit $(cat ${file})`], Interval: "1s" },
      },
    });
    const up = await waitHealth(
      agent,
      "scripted",
      (e) => checkOf(e[0], "service:scripted")?.Status === "passing",
      3000,
    );
    assert.match(checkOf(up.entries[0], "service:scripted").Output, /out/);
    writeFileSync(file, "1");
    await waitHealth(agent, "scripted", (e) => checkOf(e[0], "service:scripted")?.Status === "warning", 3000);
    writeFileSync(file, "2");
    await waitHealth(
      agent,
      "scripted",
      (e) => checkOf(e[0], "service:scripted")?.Status === "critical",
      3000,
    );
    await http(`${agent.url}/v1/agent/service/deregister/scripted`, { method: "PUT" });
  });

  it("mirrors another service's health with an alias check", async () => {
    await http(`${agent.url}/v1/agent/service/register`, {
      method: "PUT",
      body: { Name: "backend", Check: { TTL: "10m", CheckID: "backend-ttl", Status: "passing" } },
    });
    await http(`${agent.url}/v1/agent/service/register`, {
      method: "PUT",
      body: { Name: "frontend", Check: { AliasService: "backend", CheckID: "front-alias" } },
    });
    const up = await waitHealth(
      agent,
      "frontend",
      (e) => checkOf(e[0], "front-alias")?.Status === "passing",
      2000,
    );
    assert.equal(checkOf(up.entries[0], "front-alias").Output, "All checks passing.");
    await http(`${agent.url}/v1/agent/check/fail/backend-ttl?note=gone`, { method: "PUT" });
    const down = await waitHealth(
      agent,
      "frontend",
      (e) => checkOf(e[0], "front-alias")?.Status === "critical",
      2000,
    );
    assert.match(
      checkOf(down.entries[0], "front-alias").Output,
      /^Aliased check "Service 'backend' check" failing: gone$/,
    );
    await http(`${agent.url}/v1/agent/service/deregister/frontend`, { method: "PUT" });
    await http(`${agent.url}/v1/agent/service/deregister/backend`, { method: "PUT" });
  });

  it("puts a service and the node in maintenance, with the reason, and out again", async () => {
    await http(`${agent.url}/v1/agent/service/register`, { method: "PUT", body: { Name: "maint", Port: 1 } });
    assert.deepEqual(await passingIds(agent, "maint"), ["maint"]);
    let r = await http(`${agent.url}/v1/agent/service/maintenance/maint?enable=true&reason=upgrading`, {
      method: "PUT",
    });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(await passingIds(agent, "maint"), []);
    const entry = (await http(`${agent.url}/v1/health/service/maint`)).json[0];
    const m = checkOf(entry, "_service_maintenance:maint");
    assert.equal(m.Status, "critical");
    assert.equal(m.Notes, "upgrading");
    assert.equal(m.Name, "Service Maintenance Mode");
    r = await http(`${agent.url}/v1/agent/service/maintenance/maint?enable=false`, { method: "PUT" });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(await passingIds(agent, "maint"), ["maint"]);

    await http(`${agent.url}/v1/agent/maintenance?enable=true`, { method: "PUT" });
    assert.deepEqual(
      await passingIds(agent, "maint"),
      [],
      "a node in maintenance takes all its services out",
    );
    const node = (await http(`${agent.url}/v1/health/node/test-node`)).json;
    assert.equal(
      node.find((c: any) => c.CheckID === "_node_maintenance").Notes,
      "Maintenance mode is enabled for this node, but no reason was provided. This is a default message.",
    );
    await http(`${agent.url}/v1/agent/maintenance?enable=false`, { method: "PUT" });
    assert.deepEqual(await passingIds(agent, "maint"), ["maint"]);
    await http(`${agent.url}/v1/agent/service/deregister/maint`, { method: "PUT" });
  });

  it("removes a service whose check stays critical past deregister_critical_service_after", async () => {
    await http(`${agent.url}/v1/agent/service/register`, {
      method: "PUT",
      body: { Name: "doomed", Check: { TTL: "10m", DeregisterCriticalServiceAfter: "2s" } },
    });
    assert.equal((await http(`${agent.url}/v1/catalog/service/doomed`)).json.length, 1);
    await waitHealth(agent, "doomed", (e) => e.length === 0, 5000);
    assert.deepEqual((await http(`${agent.url}/v1/agent/services`)).json.doomed, undefined);
  });
});

describe("check state across a restart", () => {
  it("brings a TTL check back in its last state with -data-dir", async () => {
    const data = tempDir();
    const port = await freePort();
    const args = ["-server", "-bootstrap", "-data-dir", data.dir];
    let agent = await startAgent(args, { port });
    try {
      await http(`${agent.url}/v1/agent/service/register`, {
        method: "PUT",
        body: { Name: "kept", Check: { TTL: "1m", CheckID: "kept-ttl" } },
      });
      await http(`${agent.url}/v1/agent/check/warn/kept-ttl?note=degraded`, { method: "PUT" });
      await agent.stop();
      agent = await startAgent(args, { port });
      const entry = (await http(`${agent.url}/v1/health/service/kept`)).json[0];
      assert.equal(checkOf(entry, "kept-ttl").Status, "warning");
      assert.equal(checkOf(entry, "kept-ttl").Output, "degraded");
    } finally {
      await agent.stop();
      data.cleanup();
    }
  });
});

describe("script checks from config files", () => {
  it("run with enable_local_script_checks, while the HTTP API still refuses them", async () => {
    const tmp = tempDir();
    writeFileSync(
      path.join(tmp.dir, "local.hcl"),
      `enable_local_script_checks = true\nservice {\n  name = "local-script"\n  check {\n    args = ["/bin/sh", "-c", "echo from config"]\n    interval = "1s"\n  }\n}\n`,
    );
    const agent = await startAgent(["-dev", "-config-dir", tmp.dir]);
    try {
      const up = await waitHealth(
        agent,
        "local-script",
        (e) => checkOf(e[0], "service:local-script")?.Status === "passing",
        3000,
      );
      assert.equal(checkOf(up.entries[0], "service:local-script").Output.trim(), "from config");
      const refused = await http(`${agent.url}/v1/agent/check/register`, {
        method: "PUT",
        body: { Name: "remote", Args: ["/bin/true"], Interval: "1s" },
      });
      assert.equal(refused.status, 500);
      assert.match(refused.text, /^Scripts are disabled on this agent from remote calls/);
    } finally {
      await agent.stop();
      tmp.cleanup();
    }
  });
});
