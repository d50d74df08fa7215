// Each probe against real servers started here, asserting the status and the exact Output a
// Consul user would see for the same check.

import * as grpc from "@grpc/grpc-js";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import dgram from "node:dgram";
import fs from "node:fs";
import http from "node:http";
import http2 from "node:http2";
import https from "node:https";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import zlib from "node:zlib";
import type { CheckDefinition } from "../../catalog/types.ts";
import { dockerProbe } from "./docker.ts";
import { startFakeDocker, type FakeDocker } from "./fake-docker.ts";
import {
  HEALTH_CHECK_PATH,
  decodeHealthCheckRequest,
  decodeHealthCheckResponse,
  encodeHealthCheckRequest,
  encodeHealthCheckResponse,
  grpcProbe,
} from "./grpc.ts";
import { h2pingProbe } from "./h2ping.ts";
import { httpProbe } from "./http.ts";
import { goDuration } from "./output.ts";
import { scriptProbe } from "./script.ts";
import { tcpProbe } from "./tcp.ts";
import type { ProbeContext } from "./types.ts";
import { udpProbe } from "./udp.ts";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "census-probes-"));
const closers: (() => unknown)[] = [];

function ctx(timeoutMs = 2000, extra: Partial<ProbeContext> = {}): ProbeContext {
  return { signal: new AbortController().signal, timeoutMs, maxOutput: 4096, ...extra };
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  closers.push(() => {
    (server as http.Server).closeAllConnections?.();
    return new Promise((r) => server.close(r));
  });
  return (server.address() as net.AddressInfo).port;
}

/** A TCP port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A self-signed certificate for "localhost" (no IP SANs), or undefined without openssl. */
function makeCert(): { key: string; cert: string } | undefined {
  try {
    const keyFile = path.join(tmp, "key.pem");
    const certFile = path.join(tmp, "cert.pem");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        keyFile,
        "-out",
        certFile,
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=DNS:localhost",
      ],
      { stdio: "ignore" },
    );
    return { key: fs.readFileSync(keyFile, "utf8"), cert: fs.readFileSync(certFile, "utf8") };
  } catch {
    return undefined;
  }
}

// The TLS probes need a certificate; test/setup.sh installs openssl. No skipping: a missing
// openssl fails these tests loudly.
const tlsMaterial = makeCert();
if (!tlsMaterial)
  throw new Error("openssl is needed for the TLS probe tests: run `bash test/setup.sh` as root");

after(async () => {
  for (const close of closers.reverse()) await close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("http", () => {
  let base = "";
  let loopHits = 0;
  before(async () => {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const url = req.url ?? "/";
        if (url === "/ok") return void res.end("ok");
        if (url === "/busy") {
          res.writeHead(429);
          return void res.end("slow down");
        }
        if (url === "/fail") {
          res.writeHead(500);
          return void res.end("boom");
        }
        if (url === "/redirect") {
          res.writeHead(302, { Location: "/ok" });
          return void res.end();
        }
        if (url === "/loop") {
          loopHits++;
          res.writeHead(302, { Location: "/loop" });
          return void res.end();
        }
        if (url === "/slow") return void setTimeout(() => res.end("late"), 5000).unref();
        if (url === "/big") return void res.end("x".repeat(9_000) + "THE-END");
        if (url === "/gzip") {
          res.writeHead(200, { "Content-Encoding": "gzip" });
          return void res.end(zlib.gzipSync("unzipped body"));
        }
        if (url === "/echo") {
          res.setHeader("Content-Type", "application/json");
          return void res.end(
            JSON.stringify({
              method: req.method,
              raw: req.rawHeaders,
              body: Buffer.concat(chunks).toString(),
            }),
          );
        }
        res.writeHead(404);
        res.end();
      });
    });
    base = `http://127.0.0.1:${await listen(server)}`;
  });

  const echo = async (def: CheckDefinition) => {
    const r = await httpProbe({ HTTP: `${base}/echo`, ...def }, ctx());
    assert.equal(r.status, "passing", r.output);
    const json = r.output.slice(r.output.indexOf("Output: ") + 8);
    return JSON.parse(json) as { method: string; raw: string[]; body: string };
  };
  const headerValues = (raw: string[], name: string) =>
    raw.filter((_, i) => i % 2 === 0 && raw[i].toLowerCase() === name).map((n) => raw[raw.indexOf(n) + 1]);
  const pairs = (raw: string[]) =>
    raw.flatMap((v, i) => (i % 2 === 0 ? [[v.toLowerCase(), raw[i + 1]]] : []));

  test("2xx is passing, with Consul's Output", async () => {
    const r = await httpProbe({ HTTP: `${base}/ok` }, ctx());
    assert.deepEqual(r, { status: "passing", output: `HTTP GET ${base}/ok: 200 OK Output: ok` });
  });

  test("429 is warning, other codes critical", async () => {
    assert.deepEqual(await httpProbe({ HTTP: `${base}/busy` }, ctx()), {
      status: "warning",
      output: `HTTP GET ${base}/busy: 429 Too Many Requests Output: slow down`,
    });
    assert.deepEqual(await httpProbe({ HTTP: `${base}/fail` }, ctx()), {
      status: "critical",
      output: `HTTP GET ${base}/fail: 500 Internal Server Error Output: boom`,
    });
  });

  test("sends Consul's default User-Agent and Accept, and the method, headers and body", async () => {
    const plain = await echo({});
    assert.equal(plain.method, "GET");
    assert.deepEqual(headerValues(plain.raw, "user-agent"), ["Consul Health Check"]);
    assert.deepEqual(headerValues(plain.raw, "accept"), ["text/plain, text/*, */*"]);

    const custom = await echo({
      Method: "PUT",
      Header: { "X-Multi": ["one", "two"], "User-Agent": ["probe/1"] },
      Body: '{"ping":true}',
    });
    assert.equal(custom.method, "PUT");
    assert.equal(custom.body, '{"ping":true}');
    const sent = pairs(custom.raw);
    assert.deepEqual(
      sent.filter(([k]) => k === "x-multi"),
      [
        ["x-multi", "one"],
        ["x-multi", "two"],
      ],
    );
    assert.deepEqual(
      sent.filter(([k]) => k === "user-agent"),
      [["user-agent", "probe/1"]],
    );
  });

  test("a Host header sets the request's host", async () => {
    const r = await echo({ Header: { Host: ["svc.example"] } });
    assert.deepEqual(
      pairs(r.raw).filter(([k]) => k === "host"),
      [["host", "svc.example"]],
    );
  });

  test("follows redirects, or reports the redirect itself with DisableRedirects", async () => {
    assert.deepEqual(await httpProbe({ HTTP: `${base}/redirect` }, ctx()), {
      status: "passing",
      output: `HTTP GET ${base}/redirect: 200 OK Output: ok`,
    });
    assert.deepEqual(await httpProbe({ HTTP: `${base}/redirect`, DisableRedirects: true }, ctx()), {
      status: "critical",
      output: `HTTP GET ${base}/redirect: 302 Found Output: `,
    });
  });

  test("stops after 10 redirects as Go's client does", async () => {
    loopHits = 0;
    const r = await httpProbe({ HTTP: `${base}/loop` }, ctx());
    assert.deepEqual(r, { status: "critical", output: 'Get "/loop": stopped after 10 redirects' });
    assert.equal(loopHits, 10);
  });

  test("a timeout is critical with Go's Client.Timeout text", async () => {
    const r = await httpProbe({ HTTP: `${base}/slow` }, ctx(300));
    assert.deepEqual(r, {
      status: "critical",
      output: `Get "${base}/slow": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    });
  });

  test("a refused connection is critical with Go's dial error", async () => {
    const port = await closedPort();
    const r = await httpProbe({ HTTP: `http://127.0.0.1:${port}/health`, Method: "POST" }, ctx());
    assert.deepEqual(r, {
      status: "critical",
      output: `Post "http://127.0.0.1:${port}/health": dial tcp 127.0.0.1:${port}: connect: connection refused`,
    });
  });

  test("keeps the last maxOutput bytes of the body, and decodes gzip", async () => {
    const r = await httpProbe({ HTTP: `${base}/big` }, ctx(2000, { maxOutput: 100 }));
    assert.equal(r.output, `HTTP GET ${base}/big: 200 OK Output: ${"x".repeat(93)}THE-END`);
    const z = await httpProbe({ HTTP: `${base}/gzip` }, ctx());
    assert.equal(z.output, `HTTP GET ${base}/gzip: 200 OK Output: unzipped body`);
  });

  test("rejects URLs as Go's client does", async () => {
    assert.deepEqual(await httpProbe({ HTTP: "ftp://example.com/" }, ctx()), {
      status: "critical",
      output: 'Get "ftp://example.com/": unsupported protocol scheme "ftp"',
    });
  });

  describe("https", () => {
    let url = "";
    let port = 0;
    before(async () => {
      port = await listen(https.createServer(tlsMaterial!, (_req, res) => res.end("secure")));
      url = `https://127.0.0.1:${port}/`;
    });

    test("an unknown CA is critical unless TLSSkipVerify", async () => {
      assert.deepEqual(await httpProbe({ HTTP: url }, ctx()), {
        status: "critical",
        output: `Get "${url}": tls: failed to verify certificate: x509: certificate signed by unknown authority`,
      });
      assert.deepEqual(await httpProbe({ HTTP: url, TLSSkipVerify: true }, ctx()), {
        status: "passing",
        output: `HTTP GET ${url}: 200 OK Output: secure`,
      });
    });

    test("TLSServerName is the name verified against the certificate", async () => {
      const agentTls = { tls: { ca: tlsMaterial!.cert } };
      assert.equal(
        (await httpProbe({ HTTP: url, TLSServerName: "localhost" }, ctx(2000, agentTls))).status,
        "passing",
      );
      assert.deepEqual(await httpProbe({ HTTP: url, TLSServerName: "other.test" }, ctx(2000, agentTls)), {
        status: "critical",
        output: `Get "${url}": tls: failed to verify certificate: x509: certificate is valid for localhost, not other.test`,
      });
      assert.deepEqual(await httpProbe({ HTTP: url }, ctx(2000, agentTls)), {
        status: "critical",
        output: `Get "${url}": tls: failed to verify certificate: x509: cannot validate certificate for 127.0.0.1 because it doesn't contain any IP SANs`,
      });
    });
  });
});

describe("tcp", () => {
  test("a listening port is passing; a closed one critical with Go's dial error", async () => {
    const port = await listen(net.createServer((s) => s.destroy()));
    assert.deepEqual(await tcpProbe({ TCP: `127.0.0.1:${port}` }, ctx()), {
      status: "passing",
      output: `TCP connect 127.0.0.1:${port}: Success`,
    });
    const closed = await closedPort();
    assert.deepEqual(await tcpProbe({ TCP: `127.0.0.1:${closed}` }, ctx()), {
      status: "critical",
      output: `dial tcp 127.0.0.1:${closed}: connect: connection refused`,
    });
    assert.deepEqual(await tcpProbe({ TCP: "127.0.0.1" }, ctx()), {
      status: "critical",
      output: "dial tcp: address 127.0.0.1: missing port in address",
    });
  });
});

describe("udp", () => {
  async function udpServer(reply: boolean): Promise<number> {
    const sock = dgram.createSocket("udp4");
    sock.on("message", (msg, rinfo) => {
      if (reply) sock.send(msg.length ? msg : Buffer.from("pong"), rinfo.port, rinfo.address);
    });
    await new Promise<void>((r) => sock.bind(0, "127.0.0.1", () => r()));
    closers.push(() => new Promise<void>((r) => sock.close(() => r())));
    return sock.address().port;
  }

  test("a reply is passing", async () => {
    const port = await udpServer(true);
    assert.deepEqual(await udpProbe({ UDP: `127.0.0.1:${port}` }, ctx()), {
      status: "passing",
      output: `UDP connect 127.0.0.1:${port}: Success`,
    });
  });

  test("silence until the timeout is passing too", async () => {
    const port = await udpServer(false);
    assert.deepEqual(await udpProbe({ UDP: `127.0.0.1:${port}` }, ctx(200)), {
      status: "passing",
      output: `UDP connect 127.0.0.1:${port}: Success`,
    });
  });

  test("port unreachable is critical with Go's read error", async () => {
    const s = dgram.createSocket("udp4");
    await new Promise<void>((r) => s.bind(0, "127.0.0.1", () => r()));
    const port = s.address().port;
    await new Promise<void>((r) => s.close(() => r()));
    const r = await udpProbe({ UDP: `127.0.0.1:${port}` }, ctx());
    assert.equal(r.status, "critical");
    assert.match(
      r.output,
      new RegExp(`^read udp 127\\.0\\.0\\.1:\\d+->127\\.0\\.0\\.1:${port}: read: connection refused$`),
    );
  });
});

describe("grpc", () => {
  const statuses: Record<string, number> = { "": 1, sick: 2 };
  const healthService: grpc.ServiceDefinition = {
    Check: {
      path: HEALTH_CHECK_PATH,
      requestStream: false,
      responseStream: false,
      requestSerialize: encodeHealthCheckRequest,
      requestDeserialize: decodeHealthCheckRequest,
      responseSerialize: encodeHealthCheckResponse,
      responseDeserialize: decodeHealthCheckResponse,
      originalName: "check",
    },
  };
  const impl: grpc.UntypedServiceImplementation = {
    Check: (
      call: grpc.ServerUnaryCall<{ service: string }, unknown>,
      cb: grpc.sendUnaryData<{ status: number }>,
    ) => {
      const status = statuses[call.request.service];
      if (status === undefined) return cb({ code: grpc.status.NOT_FOUND, details: "unknown service" });
      cb(null, { status });
    },
  };
  async function serve(creds: grpc.ServerCredentials): Promise<number> {
    const server = new grpc.Server();
    server.addService(healthService, impl);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", creds, (err, p) => (err ? reject(err) : resolve(p))),
    );
    closers.push(() => server.forceShutdown());
    return port;
  }
  let port = 0;
  before(async () => {
    port = await serve(grpc.ServerCredentials.createInsecure());
  });

  test("SERVING is passing", async () => {
    assert.deepEqual(await grpcProbe({ GRPC: `127.0.0.1:${port}` }, ctx()), {
      status: "passing",
      output: `gRPC check 127.0.0.1:${port}: success`,
    });
  });

  test("a named service that is NOT_SERVING is critical", async () => {
    assert.deepEqual(await grpcProbe({ GRPC: `127.0.0.1:${port}/sick` }, ctx()), {
      status: "critical",
      output: `gRPC 127.0.0.1:${port}/sick serving status: NOT_SERVING`,
    });
    assert.deepEqual(await grpcProbe({ GRPC: `127.0.0.1:${port}/nope` }, ctx()), {
      status: "critical",
      output: "rpc error: code = NotFound desc = unknown service",
    });
  });

  test("a refused connection is critical with grpc-go's text", async () => {
    const closed = await closedPort();
    assert.deepEqual(await grpcProbe({ GRPC: `127.0.0.1:${closed}` }, ctx()), {
      status: "critical",
      output: `rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 127.0.0.1:${closed}: connect: connection refused"`,
    });
  });

  test("GRPCUseTLS with TLSSkipVerify", async () => {
    const tlsPort = await serve(
      grpc.ServerCredentials.createSsl(null, [
        { private_key: Buffer.from(tlsMaterial!.key), cert_chain: Buffer.from(tlsMaterial!.cert) },
      ]),
    );
    const def = { GRPC: `127.0.0.1:${tlsPort}`, GRPCUseTLS: true };
    assert.deepEqual(await grpcProbe({ ...def, TLSSkipVerify: true }, ctx()), {
      status: "passing",
      output: `gRPC check 127.0.0.1:${tlsPort}: success`,
    });
    assert.deepEqual(await grpcProbe(def, ctx()), {
      status: "critical",
      output:
        'rpc error: code = Unavailable desc = connection error: desc = "transport: authentication handshake failed: tls: failed to verify certificate: x509: certificate signed by unknown authority"',
    });
  });
});

describe("h2ping", () => {
  test("an h2c server answers the ping", async () => {
    const port = await listen(http2.createServer());
    assert.deepEqual(await h2pingProbe({ H2PING: `127.0.0.1:${port}` }, ctx()), {
      status: "passing",
      output: "HTTP2 ping was successful",
    });
  });

  test("a closed port fails to dial; an HTTP/1 server fails the ping", async () => {
    const closed = await closedPort();
    assert.deepEqual(await h2pingProbe({ H2PING: `127.0.0.1:${closed}` }, ctx()), {
      status: "critical",
      output: `Failed to dial to 127.0.0.1:${closed}: dial tcp 127.0.0.1:${closed}: connect: connection refused`,
    });
    const h1 = await listen(http.createServer((_q, s) => s.end()));
    assert.deepEqual(await h2pingProbe({ H2PING: `127.0.0.1:${h1}` }, ctx()), {
      status: "critical",
      output:
        "HTTP2 ping failed: http2: failed reading the frame payload: http2: frame too large, note that the frame header looked like an HTTP/1.1 header",
    });
  });

  test("over TLS, honouring TLSSkipVerify", async () => {
    const port = await listen(http2.createSecureServer(tlsMaterial!));
    assert.deepEqual(
      await h2pingProbe({ H2PING: `127.0.0.1:${port}`, H2PingUseTLS: true, TLSSkipVerify: true }, ctx()),
      {
        status: "passing",
        output: "HTTP2 ping was successful",
      },
    );
    assert.deepEqual(await h2pingProbe({ H2PING: `127.0.0.1:${port}`, H2PingUseTLS: true }, ctx()), {
      status: "critical",
      output: `Failed to dial to 127.0.0.1:${port}: tls: failed to verify certificate: x509: certificate signed by unknown authority`,
    });
  });
});

/** Whether a process has exited (or is a zombie nobody has reaped yet) within a second. */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 20; i++) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) return true;
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

describe("script", () => {
  const sh = (script: string): CheckDefinition => ({ ScriptArgs: ["/bin/sh", "-c", script] });

  test("exit codes map 0 passing, 1 warning, else critical; stdout and stderr both kept", async () => {
    assert.deepEqual(await scriptProbe(sh("echo fine"), ctx()), { status: "passing", output: "fine\n" });
    assert.deepEqual(await scriptProbe(sh("echo out; echo err >&2; exit 1"), ctx()), {
      status: "warning",
      output: "out\nerr\n",
    });
    assert.deepEqual(await scriptProbe(sh("exit 2"), ctx()), { status: "critical", output: "" });
  });

  test("output keeps its last maxOutput bytes, saying how much was captured", async () => {
    const r = await scriptProbe(sh("printf '%09000d' 0; printf TAIL"), ctx(2000, { maxOutput: 100 }));
    assert.equal(r.output, `Captured 100 of 9004 bytes\n...\n${"0".repeat(96)}TAIL`);
  });

  test("a timeout kills the whole process group", async () => {
    const pidFile = path.join(tmp, "child.pid");
    const r = await scriptProbe(sh(`sleep 30 & echo $! > ${pidFile}; echo started; wait`), ctx(300));
    assert.deepEqual(r, { status: "critical", output: "Timed out (300ms) running check\n\nstarted\n" });
    const child = Number(fs.readFileSync(pidFile, "utf8"));
    assert.ok(await gone(child), `background child ${child} survived the timeout`);
  });

  test("a missing executable is critical with Go's exec error", async () => {
    assert.deepEqual(await scriptProbe({ ScriptArgs: ["census-no-such-command"] }, ctx()), {
      status: "critical",
      output: 'exec: "census-no-such-command": executable file not found in $PATH',
    });
    assert.deepEqual(await scriptProbe({ ScriptArgs: ["/nonexistent/check"] }, ctx()), {
      status: "critical",
      output: "fork/exec /nonexistent/check: no such file or directory",
    });
  });
});

describe("docker (against the fake engine)", () => {
  let fake: FakeDocker;
  let dctx: (timeoutMs?: number, maxOutput?: number) => ProbeContext;
  before(async () => {
    fake = await startFakeDocker({
      socketPath: path.join(tmp, "docker.sock"),
      containers: { web: "running", stopped: "exited" },
    });
    closers.push(() => fake.close());
    dctx = (timeoutMs = 2000, maxOutput = 4096) =>
      ctx(timeoutMs, { dockerSocket: fake.socketPath, maxOutput });
  });
  const inWeb = (script: string): CheckDefinition => ({
    DockerContainerID: "web",
    ScriptArgs: ["/bin/sh", "-c", script],
  });

  test("the fake answers /_ping with and without a version prefix", async () => {
    for (const p of ["/_ping", "/v1.41/_ping"]) {
      const body = await new Promise<string>((resolve, reject) =>
        http
          .get({ socketPath: fake.socketPath, path: p }, (res) => {
            let b = "";
            res.on("data", (c) => (b += c));
            res.on("end", () => resolve(b));
          })
          .on("error", reject),
      );
      assert.equal(body, "OK");
    }
  });

  test("exit codes and demultiplexed output, as for scripts", async () => {
    assert.deepEqual(await dockerProbe(inWeb("echo fine"), dctx()), { status: "passing", output: "fine\n" });
    assert.deepEqual(await dockerProbe(inWeb("echo out; echo err >&2; exit 1"), dctx()), {
      status: "warning",
      output: "out\nerr\n",
    });
    assert.deepEqual(await dockerProbe(inWeb("exit 3"), dctx()), { status: "critical", output: "" });
    const big = await dockerProbe(inWeb("printf '%09000d' 0; printf TAIL"), dctx(2000, 100));
    assert.equal(big.output, `Captured 100 of 9004 bytes\n...\n${"0".repeat(96)}TAIL`);
  });

  test("passes ScriptArgs as the exec's Cmd unchanged", async () => {
    await dockerProbe(
      { DockerContainerID: "web", ScriptArgs: ["echo", "a b", "c"], Shell: "/bin/bash" },
      dctx(),
    );
    const last = [...fake.execs.values()].at(-1)!;
    assert.deepEqual(last.cmd, ["echo", "a b", "c"]);
  });

  test("Consul's texts for unknown and stopped containers and an absent engine", async () => {
    assert.deepEqual(await dockerProbe({ DockerContainerID: "ghost", ScriptArgs: ["true"] }, dctx()), {
      status: "critical",
      output: "create exec failed for unknown container ghost",
    });
    assert.deepEqual(await dockerProbe({ DockerContainerID: "stopped", ScriptArgs: ["true"] }, dctx()), {
      status: "critical",
      output: "create exec failed since container stopped is paused or stopped",
    });
    const missing = path.join(tmp, "absent.sock");
    const r = await dockerProbe(
      { DockerContainerID: "web", ScriptArgs: ["true"] },
      ctx(2000, { dockerSocket: missing }),
    );
    assert.deepEqual(r, {
      status: "critical",
      output: `create exec failed for container web: Post "http://${encodeURIComponent(missing)}/containers/web/exec": dial unix ${missing}: connect: no such file or directory`,
    });
  });

  test("DOCKER_HOST selects the engine when the context names none", async () => {
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = `unix://${fake.socketPath}`;
    try {
      assert.deepEqual(await dockerProbe(inWeb("echo via env"), ctx()), {
        status: "passing",
        output: "via env\n",
      });
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  });

  test("a hung exec times out", async () => {
    assert.deepEqual(await dockerProbe(inWeb("sleep 5"), dctx(300)), {
      status: "critical",
      output: "Timed out (300ms) running check",
    });
  });
});

test("goDuration prints Go's Duration.String()", () => {
  assert.deepEqual([300, 1000, 1500, 30_000, 90_000, 3_600_000, 0].map(goDuration), [
    "300ms",
    "1s",
    "1.5s",
    "30s",
    "1m30s",
    "1h0m0s",
    "0s",
  ]);
});
