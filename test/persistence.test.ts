// `census agent -server -bootstrap -data-dir D` keeps the catalog and the agent's own services
// and checks in SQLite: a restart, even after SIGKILL, brings back everything acknowledged.

import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { freePort, http, startAgent, tempDir } from "./harness.ts";

describe("persistence with -data-dir", () => {
  const data = tempDir();
  after(() => data.cleanup());
  const args = () => ["-server", "-bootstrap", "-data-dir", data.dir];

  it("brings services, checks (with their status) and catalog entries back after a restart", async () => {
    const port = await freePort();
    let agent = await startAgent(args(), { port });
    let r = await http(`${agent.url}/v1/agent/service/register`, {
      method: "PUT",
      body: { Name: "web", ID: "web-1", Port: 80, Tags: ["v1"], Check: { TTL: "10m", CheckID: "web-ttl" } },
    });
    assert.equal(r.status, 200, r.text);
    r = await http(`${agent.url}/v1/agent/check/pass/web-ttl?note=all%20good`, { method: "PUT" });
    assert.equal(r.status, 200, r.text);
    r = await http(`${agent.url}/v1/catalog/register`, {
      method: "PUT",
      body: { Node: "external", Address: "10.1.1.1", Service: { Service: "db", Port: 5432 } },
    });
    assert.equal(r.status, 200, r.text);
    const indexBefore = Number(
      (await http(`${agent.url}/v1/catalog/services`)).headers.get("x-consul-index"),
    );
    assert.equal(await agent.stop(), 0);

    agent = await startAgent(args(), { port });
    try {
      const services = (await http(`${agent.url}/v1/agent/services`)).json;
      assert.deepEqual(Object.keys(services), ["web-1"]);
      assert.deepEqual(services["web-1"].Tags, ["v1"]);
      const health = (await http(`${agent.url}/v1/health/service/web?passing`)).json;
      assert.equal(health.length, 1, "the TTL check came back passing");
      const ttl = health[0].Checks.find((c: any) => c.CheckID === "web-ttl");
      assert.equal(ttl.Output, "all good");
      const db = (await http(`${agent.url}/v1/catalog/service/db`)).json;
      assert.equal(db.length, 1);
      assert.equal(db[0].Node, "external");
      assert.equal(db[0].Address, "10.1.1.1");
      const res = await http(`${agent.url}/v1/catalog/services`);
      assert.deepEqual(res.json, { consul: [], db: [], web: ["v1"] });
      assert.ok(Number(res.headers.get("x-consul-index")) >= indexBefore, "indexes never go backwards");
    } finally {
      await agent.stop();
    }
  });

  it("keeps every acknowledged registration through SIGKILL", async () => {
    const port = await freePort();
    let agent = await startAgent(args(), { port });
    const ids: string[] = [];
    await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const r = await http(`${agent.url}/v1/agent/service/register`, {
          method: "PUT",
          body: { Name: "burst", ID: `burst-${i}`, Port: 1000 + i },
        });
        if (r.status === 200) ids.push(`burst-${i}`);
      }),
    );
    assert.equal(ids.length, 50);
    await agent.kill("SIGKILL");
    agent = await startAgent(args(), { port });
    try {
      const burst = (await http(`${agent.url}/v1/catalog/service/burst`)).json;
      assert.deepEqual(burst.map((e: any) => e.ServiceID).sort(), ids.sort());
    } finally {
      await agent.stop();
    }
  });

  it("keeps nothing with -dev", async () => {
    const port = await freePort();
    let agent = await startAgent(["-dev"], { port });
    await http(`${agent.url}/v1/agent/service/register`, { method: "PUT", body: { Name: "ephemeral" } });
    await agent.stop();
    agent = await startAgent(["-dev"], { port });
    try {
      assert.deepEqual((await http(`${agent.url}/v1/catalog/services`)).json, { consul: [] });
    } finally {
      await agent.stop();
    }
  });
});
