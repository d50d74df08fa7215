// Bad input gets Consul's status code and a plain one-line message, the agent keeps serving,
// and nothing already registered changes.

import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, describe, it } from "node:test";
import { http, startAgent, type RunningAgent } from "./harness.ts";

const meta65 = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, "v"]));

// [name, method, path, body, status, message pattern]
const cases: [string, string, string, unknown, number, RegExp][] = [
  [
    "malformed JSON",
    "PUT",
    "/v1/agent/service/register",
    "{not json",
    400,
    /^Request decode failed: invalid character/,
  ],
  [
    "truncated JSON",
    "PUT",
    "/v1/agent/service/register",
    '{"Name":',
    400,
    /^Request decode failed: unexpected EOF/,
  ],
  [
    "a JSON array",
    "PUT",
    "/v1/agent/service/register",
    "[1,2]",
    400,
    /^Request decode failed: .*cannot unmarshal array/,
  ],
  [
    "a JSON string",
    "PUT",
    "/v1/agent/service/register",
    '"x"',
    400,
    /^Request decode failed: .*cannot unmarshal string/,
  ],
  ["an empty body", "PUT", "/v1/agent/service/register", "", 400, /^Request decode failed: EOF/],
  ["a string port", "PUT", "/v1/agent/service/register", { Name: "x", Port: "80" }, 400, /Port of type int/],
  [
    "tags not a list",
    "PUT",
    "/v1/agent/service/register",
    { Name: "x", Tags: "a" },
    400,
    /Tags of type \[\]string/,
  ],
  ["an empty Name", "PUT", "/v1/agent/service/register", { Name: "" }, 400, /^Missing service name$/],
  ["no Name", "PUT", "/v1/agent/service/register", { Port: 80 }, 400, /^Missing service name$/],
  [
    "65 Meta pairs",
    "PUT",
    "/v1/agent/service/register",
    { Name: "x", Meta: meta65 },
    400,
    /more than 64 key\/value pairs/,
  ],
  [
    "a check without Interval",
    "PUT",
    "/v1/agent/service/register",
    { Name: "x", Check: { HTTP: "http://127.0.0.1:1/" } },
    400,
    /Interval must be > 0/,
  ],
  [
    "a bad duration",
    "PUT",
    "/v1/agent/service/register",
    { Name: "x", Check: { TTL: "10 parsecs" } },
    400,
    /invalid duration|unknown unit/,
  ],
  [
    "a check without a kind",
    "PUT",
    "/v1/agent/check/register",
    { Name: "c" },
    400,
    /^Invalid check: TTL must be > 0/,
  ],
  [
    "two kinds at once",
    "PUT",
    "/v1/agent/check/register",
    { Name: "c", HTTP: "http://x/", TCP: "x:1", Interval: "1s" },
    400,
    /^Invalid check: Only one of/,
  ],
  [
    "a check on an unknown ServiceID",
    "PUT",
    "/v1/agent/check/register",
    { Name: "c", TTL: "10s", ServiceID: "nope" },
    400,
    /^ServiceID "nope" does not exist$/,
  ],
  [
    "a script check while scripts are off",
    "PUT",
    "/v1/agent/check/register",
    { Name: "c", Args: ["true"], Interval: "1s" },
    400,
    /^Scripts are disabled on this agent/,
  ],
  [
    "deregistering an unknown service",
    "PUT",
    "/v1/agent/service/deregister/nope",
    undefined,
    404,
    /^Unknown service ID "nope"/,
  ],
  [
    "deregistering an unknown check",
    "PUT",
    "/v1/agent/check/deregister/nope",
    undefined,
    404,
    /^Unknown check ID "nope"/,
  ],
  [
    "a TTL update on a non-TTL check",
    "PUT",
    "/v1/agent/check/pass/serfHealth",
    undefined,
    404,
    /^Unknown check ID/,
  ],
  ["an unknown service", "GET", "/v1/agent/service/nope", undefined, 404, /unknown service ID: nope/],
  ["a non-numeric index", "GET", "/v1/catalog/services?index=abc", undefined, 400, /^Invalid index$/],
  [
    "an unparsable wait",
    "GET",
    "/v1/catalog/services?index=1&wait=forever",
    undefined,
    400,
    /^Invalid wait time$/,
  ],
  [
    "an unparsable filter",
    "GET",
    "/v1/health/service/x?filter=Service.ID%20%3D%3D",
    undefined,
    400,
    /^Failed to create boolean expression evaluator/,
  ],
  [
    "a filter on an unknown field",
    "GET",
    "/v1/catalog/nodes?filter=Nope%20%3D%3D%20x",
    undefined,
    400,
    /Selector "Nope" is not valid|Nope/,
  ],
  [
    "stale and consistent",
    "GET",
    "/v1/catalog/nodes?stale&consistent",
    undefined,
    400,
    /^Cannot specify \?stale with \?consistent/,
  ],
  ["an invalid health state", "GET", "/v1/health/state/purple", undefined, 400, /^Invalid check state$/],
  ["a wrong method", "GET", "/v1/agent/service/register", undefined, 405, /^method GET not allowed$/],
  [
    "a wrong method on a read",
    "DELETE",
    "/v1/catalog/services",
    undefined,
    405,
    /^method DELETE not allowed$/,
  ],
  ["an unknown endpoint", "GET", "/v1/nope", undefined, 404, /^404 page not found$/],
  [
    "a catalog registration without node",
    "PUT",
    "/v1/catalog/register",
    { Address: "1.2.3.4" },
    400,
    /^Must provide node$/,
  ],
  ["an unknown datacenter", "GET", "/v1/catalog/nodes?dc=mars", undefined, 500, /^No path to datacenter$/],
];

describe("bad input", () => {
  let agent: RunningAgent;
  let before_: { services: string; checks: string; catalog: string };
  const snapshot = async () => ({
    services: (await http(`${agent.url}/v1/agent/services`)).text,
    checks: (await http(`${agent.url}/v1/agent/checks`)).text,
    catalog: (await http(`${agent.url}/v1/health/service/keep`)).text,
  });

  before(async () => {
    agent = await startAgent(["-dev"]);
    const r = await http(`${agent.url}/v1/agent/service/register`, {
      method: "PUT",
      body: {
        Name: "keep",
        ID: "keep-1",
        Port: 1,
        Check: { TTL: "60s", CheckID: "keep-ttl", Status: "passing" },
      },
    });
    assert.equal(r.status, 200, r.text);
    before_ = await snapshot();
  });
  after(async () => {
    await agent.stop();
  });

  for (const [name, method, path, body, status, message] of cases) {
    it(`${name}: ${status}`, async () => {
      const res = await http(agent.url + path, { method, body });
      assert.equal(res.status, status, `${method} ${path}: ${res.text}`);
      assert.match(res.text.trim(), message);
      assert.ok(!/\n\s+at /.test(res.text), "no stack trace");
      assert.ok(!res.text.trim().includes("\n"), "one line");
    });
  }

  it("rejects a body over the limit without reading it all", async () => {
    // Sent with node:http so the early 413 is read even though the server stops reading the body.
    const body = Buffer.from(JSON.stringify({ Name: "big", Meta: { k: "x".repeat(2 << 20) } }));
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(`${agent.url}/v1/agent/service/register`, {
        method: "PUT",
        headers: { "content-length": body.length },
      });
      req.on("response", (res) => {
        let t = "";
        res.on("data", (d) => (t += d));
        res.on("end", () => resolve({ status: res.statusCode!, text: t }));
      });
      req.on("error", (err: NodeJS.ErrnoException) => {
        if (err.code !== "EPIPE" && err.code !== "ECONNRESET") reject(err);
      });
      req.end(body);
    });
    assert.equal(status, 413);
    assert.match(text, /^Request body too large/);
  });

  it("a TTL update for a check that is not a TTL check is refused", async () => {
    const r = await http(`${agent.url}/v1/agent/service/register`, {
      method: "PUT",
      body: { Name: "httpsvc", Check: { CheckID: "h", HTTP: "http://127.0.0.1:1/", Interval: "60s" } },
    });
    assert.equal(r.status, 200, r.text);
    const res = await http(`${agent.url}/v1/agent/check/pass/h`, { method: "PUT" });
    assert.equal(res.status, 400);
    assert.equal(res.text, 'CheckID "h" does not have associated TTL');
    await http(`${agent.url}/v1/agent/service/deregister/httpsvc`, { method: "PUT" });
  });

  it("changed nothing and kept serving", async () => {
    assert.deepEqual(await snapshot(), before_);
    const health = JSON.parse(before_.catalog);
    assert.equal(health.length, 1);
    assert.equal(health[0].Checks.find((c: any) => c.CheckID === "keep-ttl").Status, "passing");
  });
});
