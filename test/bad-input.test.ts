// Bad input gets Consul's status code and a plain one-line message, the agent keeps serving,
// and nothing already registered changes.

import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, describe, it } from "node:test";
import { http, startAgent, type RunningAgent } from "./harness.ts";

const meta65 = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, "v"]));

interface Case {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  status: number;
  message: RegExp;
}

const reg = "/v1/agent/service/register";
const checkReg = "/v1/agent/check/register";

// Status codes and texts as Consul answers them (500 where Consul's RPC layer reports the error).
const cases: Case[] = [
  {
    name: "malformed JSON",
    method: "PUT",
    path: reg,
    body: "{not json",
    status: 400,
    message: /^Request decode failed: invalid character 'n' looking for beginning of/,
  },
  {
    name: "truncated JSON",
    method: "PUT",
    path: reg,
    body: '{"Name":',
    status: 400,
    message: /^Request decode failed: unexpected EOF$/,
  },
  {
    name: "a JSON array",
    method: "PUT",
    path: reg,
    body: "[1,2]",
    status: 400,
    message: /^Request decode failed: .*cannot unmarshal array/,
  },
  {
    name: "a JSON string",
    method: "PUT",
    path: reg,
    body: '"x"',
    status: 400,
    message: /^Request decode failed: .*cannot unmarshal string/,
  },
  {
    name: "an empty body",
    method: "PUT",
    path: reg,
    body: "",
    status: 400,
    message: /^Request decode failed: EOF$/,
  },
  {
    name: "an unknown field",
    method: "PUT",
    path: reg,
    body: { Name: "x", Script: "rm -rf /" },
    status: 400,
    message: /^Request decode failed: json: unknown field "Script"$/,
  },
  {
    name: "a string port",
    method: "PUT",
    path: reg,
    body: { Name: "x", Port: "80" },
    status: 400,
    message: /Port of type int$/,
  },
  {
    name: "tags not a list",
    method: "PUT",
    path: reg,
    body: { Name: "x", Tags: "a" },
    status: 400,
    message: /Tags of type \[\]string$/,
  },
  {
    name: "an empty Name",
    method: "PUT",
    path: reg,
    body: { Name: "" },
    status: 400,
    message: /^Missing service name$/,
  },
  {
    name: "no Name",
    method: "PUT",
    path: reg,
    body: { Port: 80 },
    status: 400,
    message: /^Missing service name$/,
  },
  {
    name: "65 Meta pairs",
    method: "PUT",
    path: reg,
    body: { Name: "x", Meta: meta65 },
    status: 400,
    message: /^Invalid Service Meta: Node metadata cannot contain more than 64 key\/value pairs$/,
  },
  {
    name: "a bad Meta key",
    method: "PUT",
    path: reg,
    body: { Name: "x", Meta: { "a b": "c" } },
    status: 400,
    message:
      /^Invalid Service Meta: Couldn't load metadata pair \('a b', 'c'\): Key contains invalid characters$/,
  },
  {
    name: "a wildcard address",
    method: "PUT",
    path: reg,
    body: { Name: "x", Address: "0.0.0.0" },
    status: 400,
    message: /^Invalid service address$/,
  },
  {
    name: "a check without Interval",
    method: "PUT",
    path: reg,
    body: { Name: "x", Check: { HTTP: "http://127.0.0.1:1/" } },
    status: 400,
    message: /^Invalid check: Interval must be > 0 for Script, HTTP, H2PING, TCP, UDP or OSService checks$/,
  },
  {
    name: "a bad duration",
    method: "PUT",
    path: reg,
    body: { Name: "x", Check: { TTL: "10 parsecs" } },
    status: 400,
    message: /^Request decode failed: time: unknown unit " parsecs" in duration "10 parsecs"$/,
  },
  {
    name: "a bad check status",
    method: "PUT",
    path: reg,
    body: { Name: "x", Check: { TTL: "1s", Status: "great" } },
    status: 400,
    message: /^Status for checks must 'passing', 'warning', 'critical'$/,
  },
  {
    name: "a check without a kind",
    method: "PUT",
    path: checkReg,
    body: { Name: "c" },
    status: 400,
    message: /^Invalid check: TTL must be > 0 for TTL checks$/,
  },
  {
    name: "a check without a name",
    method: "PUT",
    path: checkReg,
    body: { TTL: "10s" },
    status: 400,
    message: /^Missing check name$/,
  },
  {
    name: "two kinds at once",
    method: "PUT",
    path: checkReg,
    body: { Name: "c", HTTP: "http://x/", TCP: "x:1", Interval: "1s" },
    status: 400,
    message: /^Invalid check: only one of/,
  },
  {
    name: "an unparsable URL",
    method: "PUT",
    path: checkReg,
    body: { Name: "c", HTTP: "not a url", Interval: "1s" },
    status: 400,
    message: /^Invalid check: HTTP must be an http/,
  },
  {
    name: "an address without port",
    method: "PUT",
    path: checkReg,
    body: { Name: "c", TCP: "localhost", Interval: "1s" },
    status: 400,
    message: /^Invalid check: TCP must be host:port/,
  },
  {
    name: "a check on an unknown ServiceID",
    method: "PUT",
    path: checkReg,
    body: { Name: "c", TTL: "10s", ServiceID: "nope" },
    status: 404,
    message: /^ServiceID "nope" does not exist$/,
  },
  {
    name: "a script check while scripts are off",
    method: "PUT",
    path: checkReg,
    body: { Name: "c", Args: ["true"], Interval: "1s" },
    status: 500,
    message:
      /^Scripts are disabled on this agent from remote calls; to enable, configure 'enable_script_checks' to true$/,
  },
  {
    name: "deregistering an unknown service",
    method: "PUT",
    path: "/v1/agent/service/deregister/nope",
    status: 404,
    message: /^Unknown service ID "nope". Ensure that the service ID is passed, not the service name.$/,
  },
  {
    name: "deregistering an unknown check",
    method: "PUT",
    path: "/v1/agent/check/deregister/nope",
    status: 404,
    message: /^Unknown check ID "nope". Ensure that the check ID is passed, not the check name.$/,
  },
  {
    name: "passing an unknown check",
    method: "PUT",
    path: "/v1/agent/check/pass/nope",
    status: 404,
    message: /^Unknown check ID "nope"/,
  },
  {
    name: "a bad status update",
    method: "PUT",
    path: "/v1/agent/check/update/keep-ttl",
    body: { Status: "fine" },
    status: 400,
    message: /^Invalid check status: 'fine'$/,
  },
  {
    name: "maintenance without enable",
    method: "PUT",
    path: "/v1/agent/maintenance",
    status: 400,
    message: /^Missing value for enable$/,
  },
  {
    name: "maintenance with a bad enable",
    method: "PUT",
    path: "/v1/agent/maintenance?enable=yes",
    status: 400,
    message: /^Invalid value for enable: "yes"$/,
  },
  {
    name: "an unknown service",
    method: "GET",
    path: "/v1/agent/service/nope",
    status: 404,
    message: /^unknown service ID: nope$/,
  },
  {
    name: "a non-numeric index",
    method: "GET",
    path: "/v1/catalog/services?index=abc",
    status: 400,
    message: /^Invalid index$/,
  },
  {
    name: "a negative index",
    method: "GET",
    path: "/v1/catalog/services?index=-1",
    status: 400,
    message: /^Invalid index$/,
  },
  {
    name: "an unparsable wait",
    method: "GET",
    path: "/v1/catalog/services?index=1&wait=forever",
    status: 400,
    message: /^Invalid wait time$/,
  },
  {
    name: "a wait without unit",
    method: "GET",
    path: "/v1/catalog/services?index=1&wait=10",
    status: 400,
    message: /^Invalid wait time$/,
  },
  {
    name: "an unparsable filter",
    method: "GET",
    path: "/v1/health/service/x?filter=Service.ID%20%3D%3D",
    status: 500,
    message: /^Failed to create boolean expression evaluator: /,
  },
  {
    name: "a filter on an unknown field",
    method: "GET",
    path: "/v1/catalog/nodes?filter=Nope%20%3D%3D%20x",
    status: 500,
    message: /^Failed to create boolean expression evaluator: .*Selector "Nope" is not valid/,
  },
  {
    name: "a bad ?passing",
    method: "GET",
    path: "/v1/health/service/keep?passing=maybe",
    status: 400,
    message: /^Invalid value for \?passing$/,
  },
  {
    name: "stale and consistent",
    method: "GET",
    path: "/v1/catalog/nodes?stale&consistent",
    status: 400,
    message: /^Cannot specify \?stale with \?consistent, conflicting semantics.$/,
  },
  {
    name: "a namespace",
    method: "GET",
    path: "/v1/catalog/nodes?ns=team",
    status: 400,
    message: /^Invalid query parameter: "ns" - Namespaces are a Consul Enterprise feature$/,
  },
  {
    name: "an empty service name",
    method: "GET",
    path: "/v1/health/service/",
    status: 400,
    message: /^Missing service name$/,
  },
  { name: "a wrong method", method: "GET", path: reg, status: 405, message: /^method GET not allowed$/ },
  {
    name: "a wrong method on a read",
    method: "DELETE",
    path: "/v1/catalog/services",
    status: 405,
    message: /^method DELETE not allowed$/,
  },
  {
    name: "an unknown endpoint",
    method: "GET",
    path: "/v1/nope",
    status: 404,
    message: /^Invalid URL path: not a recognized HTTP API endpoint$/,
  },
  {
    name: "a catalog registration without node",
    method: "PUT",
    path: "/v1/catalog/register",
    body: { Address: "1.2.3.4" },
    status: 500,
    message: /^Must provide node$/,
  },
  {
    name: "an unknown datacenter",
    method: "GET",
    path: "/v1/catalog/nodes?dc=mars",
    status: 500,
    message: /^No path to datacenter$/,
  },
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

  for (const { name, method, path, body, status, message } of cases) {
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
    assert.equal(res.status, 500);
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
