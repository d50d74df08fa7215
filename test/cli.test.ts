// bin/census as a user types it: config files, Go-style flags, the client subcommands, signals.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { CENSUS, freePort, http, startAgent, tempDir, type RunningAgent } from "./harness.ts";

const run = promisify(execFile);

async function census(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(CENSUS, args, { env: { ...process.env, ...env }, timeout: 20_000 });
    return { code: 0, stdout, stderr };
  } catch (err: any) {
    return { code: err.code as number, stdout: String(err.stdout), stderr: String(err.stderr) };
  }
}

describe("census agent with config files", () => {
  const tmp = tempDir();
  let agent: RunningAgent;
  before(async () => {
    writeFileSync(
      path.join(tmp.dir, "a.json"),
      JSON.stringify({
        datacenter: "east",
        node_meta: { rack: "r1" },
        service: { name: "api", port: 9000, tags: ["json"] },
      }),
    );
    writeFileSync(
      path.join(tmp.dir, "b.hcl"),
      `service {\n  name = "cache"\n  port = 6379\n  check {\n    ttl = "30s"\n  }\n}\nperformance {\n  raft_multiplier = 1\n}\n`,
    );
    agent = await startAgent(["-dev", "-config-dir", tmp.dir, "-pid-file", path.join(tmp.dir, "census.pid")]);
  });
  after(async () => {
    assert.equal(await agent.stop(), 0);
    assert.ok(!existsSync(path.join(tmp.dir, "census.pid")), "the pid file is removed on shutdown");
    tmp.cleanup();
  });

  it("registers the services of JSON and HCL files with Consul's keys", async () => {
    const services = (await http(`${agent.url}/v1/agent/services`)).json;
    assert.deepEqual(Object.keys(services).sort(), ["api", "cache"]);
    assert.equal(services.api.Port, 9000);
    assert.deepEqual(services.api.Tags, ["json"]);
    assert.equal(services.cache.Port, 6379);
    const checks = (await http(`${agent.url}/v1/agent/checks`)).json;
    assert.equal(checks["service:cache"].Type, "ttl");
    assert.equal(checks["service:cache"].Status, "critical");
  });

  it("uses the datacenter and node meta of the files", async () => {
    assert.deepEqual((await http(`${agent.url}/v1/catalog/datacenters`)).json, ["east"]);
    const nodes = (await http(`${agent.url}/v1/catalog/nodes?node-meta=rack:r1`)).json;
    assert.equal(nodes.length, 1);
    assert.equal(nodes[0].Datacenter, "east");
  });

  it("logs keys that have no effect, once", () => {
    const lines = agent
      .output()
      .split("\n")
      .filter((l) => l.includes('"performance"'));
    assert.equal(lines.length, 1, agent.output());
  });

  it("writes its pid file", () => {
    assert.equal(readFileSync(path.join(tmp.dir, "census.pid"), "utf8").trim(), String(agent.proc.pid));
  });

  it("registers services from an HCL file with census services register", async () => {
    const file = path.join(tmp.dir, "svc.hcl.d");
    writeFileSync(`${file}.hcl`, `service {\n  name = "from-file"\n  id = "from-file-1"\n  port = 7000\n}\n`);
    const r = await census(["services", "register", `-http-addr=127.0.0.1:${agent.port}`, `${file}.hcl`]);
    assert.equal(r.code, 0, r.stderr);
    const entries = (await http(`${agent.url}/v1/catalog/service/from-file`)).json;
    assert.deepEqual(
      entries.map((e: any) => [e.ServiceID, e.ServicePort]),
      [["from-file-1", 7000]],
    );
    const d = await census([
      "services",
      "deregister",
      `-http-addr=127.0.0.1:${agent.port}`,
      "-id",
      "from-file-1",
    ]);
    assert.equal(d.code, 0, d.stderr);
  });

  it("answers the client subcommands", async () => {
    const env = { CONSUL_HTTP_ADDR: `127.0.0.1:${agent.port}` };
    const members = await census(["members"], env);
    assert.equal(members.code, 0, members.stderr);
    assert.match(members.stdout, /^Node\s+Address\s+Status\s+Type/);
    assert.match(members.stdout, /test-node\s+127\.0\.0\.1:8301\s+alive\s+server/);

    const reg = await census([
      "services",
      "register",
      "-name",
      "web",
      "-port",
      "80",
      "-tag",
      "a",
      `-http-addr=127.0.0.1:${agent.port}`,
    ]);
    assert.equal(reg.code, 0, reg.stderr);
    assert.match(reg.stdout, /Registered service: web/);

    const services = await census(["catalog", "services", "-tags"], env);
    assert.equal(services.code, 0, services.stderr);
    assert.deepEqual(
      services.stdout
        .trim()
        .split("\n")
        .map((l) => l.split(/\s+/)),
      [["api", "json"], ["cache"], ["consul"], ["web", "a"]],
    );
    const nodes = await census(["catalog", "nodes", "--service=web"], env);
    assert.match(nodes.stdout, /test-node\s+\w{8}\s+127\.0\.0\.1\s+east/);

    const dereg = await census(["services", "deregister", "-id", "web"], env);
    assert.equal(dereg.code, 0, dereg.stderr);
    assert.deepEqual((await http(`${agent.url}/v1/catalog/service/web`)).json, []);
  });
});

describe("census command line errors", () => {
  it("prints Go's message for an unknown flag", async () => {
    const r = await census(["agent", "-dev", "-bogus"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /flag provided but not defined: -bogus/);
  });

  it("names the file and key of a bad config value", async () => {
    const tmp = tempDir();
    try {
      const file = path.join(tmp.dir, "bad.json");
      writeFileSync(file, JSON.stringify({ ports: { http: "abc" } }));
      const r = await census(["agent", "-dev", "-config-file", file]);
      assert.equal(r.code, 1);
      assert.ok(r.stderr.includes(file), r.stderr);
      assert.match(r.stderr, /ports\.http/);
    } finally {
      tmp.cleanup();
    }
  });

  it("refuses a server without a data directory", async () => {
    const r = await census(["agent", "-server"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /data_dir cannot be empty/);
  });

  it("says it cannot reach the agent", async () => {
    const port = await freePort();
    const r = await census(["members", "-http-addr", `127.0.0.1:${port}`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Error connecting to census agent/);
  });

  it("prints its version", async () => {
    const r = await census(["version"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^census v\d+\.\d+\.\d+/);
  });
});

describe("listeners", () => {
  it("runs without an HTTP listener when -http-port is -1, logging as JSON with -log-json", async () => {
    const tmp = tempDir();
    const { spawn } = await import("node:child_process");
    const pid = path.join(tmp.dir, "pid");
    const proc = spawn(CENSUS, [
      "agent",
      "-dev",
      "-http-port",
      "-1",
      "-dns-port",
      "-1",
      "-log-json",
      "-pid-file",
      pid,
    ]);
    let out = "";
    proc.stderr.on("data", (d) => (out += d));
    proc.stdout.on("data", (d) => (out += d));
    try {
      for (let i = 0; i < 200 && !existsSync(pid); i++) await new Promise((r) => setTimeout(r, 50));
      assert.ok(existsSync(pid), out);
      await new Promise((r) => setTimeout(r, 100));
      const lines = out.trim().split("\n");
      for (const l of lines) assert.doesNotThrow(() => JSON.parse(l), l);
      assert.ok(!lines.some((l) => l.includes("HTTP API listening")));
      assert.equal(proc.exitCode, null, `the agent exited by itself:\n${out}`);
    } finally {
      const exited = proc.exitCode !== null ? Promise.resolve() : new Promise((r) => proc.on("exit", r));
      proc.kill("SIGTERM");
      await exited;
      tmp.cleanup();
    }
  });
});
