import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createMemoryStore } from "../store/memory.ts";
import { openCatalog, registrationOps, checkStatusOps, instancesOf, deregistrationOps } from "./catalog.ts";
import type { Check, Node, Service } from "./types.ts";

const node = (name: string): Node => ({
  ID: "",
  Node: name,
  Address: "10.0.0.1",
  Datacenter: "dc1",
  TaggedAddresses: {},
  Meta: {},
});
const service = (id: string, name: string): Service => ({
  Kind: "",
  ID: id,
  Service: name,
  Tags: [],
  Address: "",
  TaggedAddresses: {},
  Meta: {},
  Port: 80,
  Weights: { Passing: 1, Warning: 1 },
  EnableTagOverride: false,
});
const check = (nodeName: string, id: string, svc?: Service): Check => ({
  Node: nodeName,
  CheckID: id,
  Name: id,
  Status: "passing",
  Notes: "",
  Output: "",
  ServiceID: svc?.ID ?? "",
  ServiceName: svc?.Service ?? "",
  ServiceTags: [],
  Type: "ttl",
  Definition: {},
});

describe("catalog view", () => {
  it("answers a write's readers at once (read-your-writes)", async () => {
    const catalog = await openCatalog(createMemoryStore());
    const rev = await catalog.commit(
      registrationOps(catalog.view, { node: node("n1"), service: service("web-1", "web") }),
    );
    assert.equal(catalog.view.revision(), rev);
    assert.deepEqual(
      instancesOf(catalog.view, "web").map((i) => i.service.value.ID),
      ["web-1"],
    );
  });

  it("wakes only the blocking queries whose scope changed", async () => {
    const catalog = await openCatalog(createMemoryStore());
    const { view } = catalog;
    const web = service("web-1", "web");
    await catalog.commit(
      registrationOps(view, { node: node("n1"), service: web, checks: [check("n1", "c1", web)] }),
    );
    const webIndex = view.index(["svc:web"]);
    let webWoken = false;
    let dbWoken = false;
    const webWait = view.block(["svc:web"], webIndex, 5_000).then(() => (webWoken = true));
    const dbWait = view.block(["svc:db"], view.index(["svc:db"]), 300).then(() => (dbWoken = true));

    // Another service, and a check of another service: web's waiter sleeps on.
    await catalog.commit(registrationOps(view, { node: node("n2"), service: service("db-1", "db") }));
    await new Promise((r) => setImmediate(r));
    assert.equal(webWoken, false);
    assert.equal(dbWoken, true, "db's waiter woke for db's registration");
    await dbWait;

    // A check status change of web's instance wakes it, with a higher index.
    await catalog.commit(checkStatusOps(view, "n1", "c1", "critical", "down"));
    await webWait;
    assert.equal(webWoken, true);
    assert.ok(view.index(["svc:web"]) > webIndex);
  });

  it("counts a node-level check and a node change for every service on the node", async () => {
    const catalog = await openCatalog(createMemoryStore());
    const { view } = catalog;
    await catalog.commit(registrationOps(view, { node: node("n1"), service: service("a-1", "a") }));
    await catalog.commit(registrationOps(view, { node: node("n1"), service: service("b-1", "b") }));
    const a = view.index(["svc:a"]);
    const b = view.index(["svc:b"]);
    await catalog.commit(registrationOps(view, { node: node("n1"), checks: [check("n1", "node-check")] }));
    assert.ok(view.index(["svc:a"]) > a);
    assert.ok(view.index(["svc:b"]) > b);
  });

  it("keeps a deleted service's index moving forward, so its waiters see the deletion", async () => {
    const catalog = await openCatalog(createMemoryStore());
    const { view } = catalog;
    await catalog.commit(registrationOps(view, { node: node("n1"), service: service("web-1", "web") }));
    const before = view.index(["svc:web"]);
    const woken = view.block(["svc:web"], before, 5_000);
    await catalog.commit(deregistrationOps(view, { node: "n1", serviceId: "web-1" }));
    await woken;
    assert.ok(view.index(["svc:web"]) > before);
    assert.deepEqual(instancesOf(view, "web"), []);
  });

  it("times out a blocking query after its wait with nothing changed", async () => {
    const catalog = await openCatalog(createMemoryStore());
    const started = Date.now();
    await catalog.view.block(["svc:nothing"], catalog.view.index(["svc:nothing"]), 200);
    assert.ok(Date.now() - started >= 190);
  });

  it("does not rewrite a record that did not change", async () => {
    const catalog = await openCatalog(createMemoryStore());
    const { view } = catalog;
    const reg = { node: node("n1"), service: service("web-1", "web") };
    const rev = await catalog.commit(registrationOps(view, reg));
    assert.deepEqual(registrationOps(view, reg), []);
    assert.equal(await catalog.commit(registrationOps(view, reg)), rev);
  });

  it("rebuilds from the store after a restart, with the records' own indexes", async () => {
    const store = createMemoryStore();
    const first = await openCatalog(store);
    await first.commit(registrationOps(first.view, { node: node("n1"), service: service("web-1", "web") }));
    const idx = first.view.index(["svc:web"]);
    await first.close();
    const second = await openCatalog(store);
    assert.equal(second.view.index(["svc:web"]), idx);
    assert.equal(instancesOf(second.view, "web")[0].service.modifyIndex, idx);
  });
});
