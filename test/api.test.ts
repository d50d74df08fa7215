// The quick tour of the README against a real `bin/census agent -dev`, field for field.

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { http, startAgent, type RunningAgent } from "./harness.ts";

describe("census agent -dev: the quick tour", () => {
  let agent: RunningAgent;
  before(async () => {
    agent = await startAgent(["-dev"]);
  });
  after(async () => {
    assert.equal(await agent.stop(), 0, "SIGTERM shuts down cleanly with exit code 0");
  });

  it("prints the leader and peers", async () => {
    assert.deepEqual((await http(`${agent.url}/v1/status/leader`)).json, "127.0.0.1:8300");
    assert.deepEqual((await http(`${agent.url}/v1/status/peers`)).json, ["127.0.0.1:8300"]);
  });

  it("lists the node, its serfHealth check and the consul service", async () => {
    const nodes = (await http(`${agent.url}/v1/catalog/nodes`)).json;
    assert.equal(nodes.length, 1);
    assert.equal(nodes[0].Node, "test-node");
    assert.equal(nodes[0].Address, "127.0.0.1");
    const services = (await http(`${agent.url}/v1/catalog/services`)).json;
    assert.deepEqual(services, { consul: [] });
    const checks = (await http(`${agent.url}/v1/health/node/test-node`)).json;
    assert.equal(checks.length, 1);
    assert.equal(checks[0].CheckID, "serfHealth");
    assert.equal(checks[0].Name, "Serf Health Status");
    assert.equal(checks[0].Status, "passing");
    assert.equal(checks[0].Output, "Agent alive and reachable");
  });

  it("registers through the agent and shows it in catalog and health at once", async () => {
    const reg = await http(`${agent.url}/v1/agent/service/register`, {
      method: "PUT",
      body: '{"Name":"workshop","ID":"workshop-tgross","Address":"10.0.0.5","Port":8123}',
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    assert.equal(reg.status, 200, reg.text);
    assert.equal(reg.text, "");

    const cat = await http(`${agent.url}/v1/catalog/service/workshop`);
    assert.equal(cat.status, 200);
    assert.equal(cat.json.length, 1);
    const e = cat.json[0];
    assert.equal(e.Node, "test-node");
    assert.equal(e.ServiceID, "workshop-tgross");
    assert.equal(e.ServiceName, "workshop");
    assert.equal(e.ServiceAddress, "10.0.0.5");
    assert.equal(e.ServicePort, 8123);
    assert.deepEqual(e.ServiceTags, []);
    assert.deepEqual(e.ServiceMeta, {});
    assert.deepEqual(e.ServiceWeights, { Passing: 1, Warning: 1 });
    assert.equal(e.ServiceEnableTagOverride, false);
    assert.ok(e.CreateIndex > 0 && e.ModifyIndex >= e.CreateIndex);
    assert.ok(Number(cat.headers.get("x-consul-index")) >= e.ModifyIndex);
    assert.equal(cat.headers.get("x-consul-knownleader"), "true");
    assert.equal(cat.headers.get("x-consul-lastcontact"), "0");

    const health = await http(`${agent.url}/v1/health/service/workshop?passing`);
    assert.equal(health.status, 200);
    assert.equal(health.json.length, 1, "no checks but serfHealth: passing");
    assert.equal(health.json[0].Service.ID, "workshop-tgross");
    assert.equal(health.json[0].Node.Node, "test-node");
    assert.deepEqual(
      health.json[0].Checks.map((c: any) => c.CheckID),
      ["serfHealth"],
    );

    const local = (await http(`${agent.url}/v1/agent/services`)).json;
    assert.deepEqual(Object.keys(local), ["workshop-tgross"]);
    assert.equal(local["workshop-tgross"].Service, "workshop");
    assert.equal(local["workshop-tgross"].Port, 8123);
  });

  it("keeps a critical instance out of ?passing and shows a TTL check's changes", async () => {
    const reg = await http(`${agent.url}/v1/agent/service/register`, {
      method: "PUT",
      body: { name: "web", id: "web-1", port: 80, check: { ttl: "30s", check_id: "web-ttl" } },
    });
    assert.equal(reg.status, 200, reg.text);
    let health = (await http(`${agent.url}/v1/health/service/web?passing`)).json;
    assert.equal(health.length, 0, "a new check starts critical");
    assert.equal(
      (await http(`${agent.url}/v1/agent/check/pass/web-ttl?note=ok`, { method: "PUT" })).status,
      200,
    );
    health = (await http(`${agent.url}/v1/health/service/web?passing`)).json;
    assert.equal(health.length, 1);
    const ttl = health[0].Checks.find((c: any) => c.CheckID === "web-ttl");
    assert.equal(ttl.Status, "passing");
    assert.equal(ttl.Output, "ok");
    assert.equal(ttl.ServiceName, "web");

    const upd = await http(`${agent.url}/v1/agent/check/update/web-ttl`, {
      method: "PUT",
      body: { Status: "warning", Output: "slow" },
    });
    assert.equal(upd.status, 200, upd.text);
    const state = (await http(`${agent.url}/v1/health/state/warning`)).json;
    assert.deepEqual(
      state.map((c: any) => [c.CheckID, c.Output]),
      [["web-ttl", "slow"]],
    );
    const agentHealth = await http(`${agent.url}/v1/agent/health/service/id/web-1`);
    assert.equal(agentHealth.status, 429);
    assert.equal(agentHealth.json.AggregatedStatus, "warning");
  });

  it("wakes a blocking query on the change of its service only", async () => {
    const first = await http(`${agent.url}/v1/health/service/blocky`);
    const index = Number(first.headers.get("x-consul-index"));
    const started = Date.now();
    const waiting = http(`${agent.url}/v1/health/service/blocky?index=${index}&wait=20s`);
    // An unrelated write must not wake it.
    await http(`${agent.url}/v1/agent/service/register`, { method: "PUT", body: { Name: "other" } });
    await new Promise((r) => setTimeout(r, 300));
    await http(`${agent.url}/v1/agent/service/register`, {
      method: "PUT",
      body: { Name: "blocky", Port: 1 },
    });
    const res = await waiting;
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 300, `returned after ${elapsed} ms: woken by an unrelated write`);
    assert.ok(elapsed < 10_000);
    assert.equal(res.json.length, 1);
    assert.ok(Number(res.headers.get("x-consul-index")) > index);
  });

  it("returns after the wait when nothing changes, with the same index", async () => {
    const first = await http(`${agent.url}/v1/catalog/service/nothing`);
    const index = first.headers.get("x-consul-index");
    const started = Date.now();
    const res = await http(`${agent.url}/v1/catalog/service/nothing?index=${index}&wait=500ms`);
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 450, `blocked only ${elapsed} ms`);
    assert.equal(res.headers.get("x-consul-index"), index);
    assert.deepEqual(res.json, []);
  });

  it("deregisters", async () => {
    assert.equal(
      (await http(`${agent.url}/v1/agent/service/deregister/workshop-tgross`, { method: "PUT" })).status,
      200,
    );
    assert.deepEqual((await http(`${agent.url}/v1/catalog/service/workshop`)).json, []);
    assert.deepEqual((await http(`${agent.url}/v1/health/service/workshop`)).json, []);
  });

  it("summarizes every service for the UI at /v1/internal/ui/services, blocking until a change", async () => {
    const first = await http(`${agent.url}/v1/internal/ui/services`);
    assert.equal(first.status, 200, first.text);
    const names = first.json.map((s: any) => s.Name);
    assert.deepEqual(names, [...names].sort(), "sorted by name");
    // consul has no service checks: its one instance counts its node's serfHealth.
    assert.deepEqual(
      first.json.find((s: any) => s.Name === "consul"),
      {
        Name: "consul",
        Datacenter: "dc1",
        Tags: [],
        Nodes: ["test-node"],
        InstanceCount: 1,
        ChecksPassing: 1,
        ChecksWarning: 0,
        ChecksCritical: 0,
        Kind: "",
        ExternalSources: null,
        GatewayConfig: {},
        TransparentProxy: false,
        ConnectedWithProxy: false,
        ConnectedWithGateway: false,
      },
    );
    const index = Number(first.headers.get("x-consul-index"));
    assert.ok(index > 0);

    const started = Date.now();
    const waiting = http(`${agent.url}/v1/internal/ui/services?index=${index}&wait=20s`);
    await new Promise((r) => setTimeout(r, 300));
    for (const n of [1, 2]) {
      const reg = await http(`${agent.url}/v1/agent/service/register`, {
        method: "PUT",
        body: {
          Name: "summed",
          ID: `summed-${n}`,
          Tags: [`t${n}`],
          Check: { TTL: "30s", CheckID: `summed-${n}-ttl` },
        },
      });
      assert.equal(reg.status, 200, reg.text);
    }
    const woken = await waiting;
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 300 && elapsed < 10_000, `returned after ${elapsed} ms`);
    assert.ok(Number(woken.headers.get("x-consul-index")) > index);

    assert.equal(
      (await http(`${agent.url}/v1/agent/check/pass/summed-1-ttl`, { method: "PUT" })).status,
      200,
    );
    const after = await http(
      `${agent.url}/v1/internal/ui/services?filter=${encodeURIComponent('Name == "summed"')}`,
    );
    assert.equal(after.status, 200, after.text);
    assert.equal(after.json.length, 1);
    const summed = after.json[0];
    assert.deepEqual(summed.Tags, ["t1", "t2"]);
    assert.deepEqual(summed.Nodes, ["test-node"]);
    assert.equal(summed.InstanceCount, 2);
    // Each instance's own check plus its node's serfHealth.
    assert.equal(summed.ChecksPassing, 3);
    assert.equal(summed.ChecksWarning, 0);
    assert.equal(summed.ChecksCritical, 1, "a new TTL check starts critical");
    for (const n of [1, 2]) {
      await http(`${agent.url}/v1/agent/service/deregister/summed-${n}`, { method: "PUT" });
    }
  });

  it("pretty-prints with ?pretty", async () => {
    const res = await http(`${agent.url}/v1/catalog/datacenters?pretty`);
    assert.equal(res.text, '[\n    "dc1"\n]\n');
  });
});
