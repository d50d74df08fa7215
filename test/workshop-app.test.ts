// The workshop's avatar app (examples/workshop/app) against a real `bin/census agent -dev` and a local
// fake of GitHub's users API: registration and its HTTP check, the cached avatar, the offline
// identicon, deregistration on signals, and the one-line failures.

import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import net from "node:net";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { identiconGrid, identiconSvg } from "../examples/workshop/app/identicon.ts";
import { parseDuration } from "../examples/workshop/app/config.ts";
import { serviceDefinition } from "../examples/workshop/app/register.ts";
import { ROOT, freePort, http, startAgent, tempDir, type RunningAgent } from "./harness.ts";

const MAIN = path.join(ROOT, "examples", "workshop", "app", "main.ts");
const APP_ENV = [
  "ACCOUNT",
  "OAUTH_TOKEN",
  "HOST",
  "PORT",
  "CONSUL_HTTP_ADDR",
  "CONSUL_HTTP_TOKEN",
  "CHECK_INTERVAL",
  "DEREGISTER_CRITICAL_SERVICE_AFTER",
  "GITHUB_API",
  "REGISTER_TIMEOUT",
];

interface App {
  proc: ChildProcess;
  port: number;
  url: string;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
  waitFor(text: string, ms?: number): Promise<void>;
}

function runApp(env: Record<string, string>, args: string[] = []): App {
  const clean = { ...process.env };
  for (const k of APP_ENV) delete clean[k];
  const proc = spawn(process.execPath, ["--import", "tsx", MAIN, ...args], {
    cwd: ROOT,
    env: { ...clean, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  const port = Number(env.PORT);
  return {
    proc,
    port,
    url: `http://127.0.0.1:${port}`,
    stdout: () => out,
    stderr: () => err,
    exited,
    async waitFor(text, ms = 10_000) {
      const deadline = Date.now() + ms;
      while (!out.includes(text)) {
        if (proc.exitCode !== null) throw new Error(`app exited (${proc.exitCode}):\n${out}${err}`);
        if (Date.now() > deadline)
          throw new Error(`no ${JSON.stringify(text)} within ${ms} ms:\n${out}${err}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}

async function stopApp(app: App, signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
  if (app.proc.exitCode === null && app.proc.signalCode === null) app.proc.kill(signal);
  return app.exited;
}

/** Exits within ms; the code and stderr, which must be one line with no stack trace. */
async function failsWithOneLine(app: App, ms: number): Promise<{ code: number | null; line: string }> {
  const timer = setTimeout(() => app.proc.kill("SIGKILL"), ms);
  const code = await app.exited;
  clearTimeout(timer);
  const lines = app.stderr().trim().split("\n");
  assert.equal(lines.length, 1, `one line on stderr:\n${app.stderr()}`);
  assert.doesNotMatch(app.stderr(), /^\s+at /m, "no stack trace");
  return { code, line: lines[0] };
}

async function closedPort(): Promise<number> {
  return freePort(); // nothing listens there once freePort has closed its probe
}

describe("workshop avatar app", () => {
  let agent: RunningAgent;
  let github: Server;
  let githubUrl: string;
  const hits: { url: string; headers: IncomingHttpHeaders }[] = [];
  const tmp = tempDir("census-workshop-app-");

  before(async () => {
    agent = await startAgent(["-dev"]);
    github = createServer((req, res) => {
      hits.push({ url: req.url ?? "", headers: req.headers });
      const m = /^\/users\/([^/?]+)$/.exec(req.url ?? "");
      if (!m) {
        res.writeHead(404, { "content-type": "application/json" }).end('{"message":"Not Found"}');
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ login: m[1], avatar_url: `https://avatars.example.test/u/${m[1]}?v=4` }));
    });
    await new Promise<void>((resolve) => github.listen(0, "127.0.0.1", resolve));
    githubUrl = `http://127.0.0.1:${(github.address() as net.AddressInfo).port}`;
  });
  after(async () => {
    github.close();
    tmp.cleanup();
    assert.equal(await agent.stop(), 0);
  });

  async function workshopCatalog(): Promise<any[]> {
    return (await http(`${agent.url}/v1/catalog/service/workshop`)).json;
  }

  it("registers with an HTTP check, serves the cached GitHub avatar, and deregisters on SIGTERM", async () => {
    const port = await freePort();
    const app = runApp({
      ACCOUNT: "octocat",
      OAUTH_TOKEN: "s3cret-token",
      HOST: "127.0.0.1",
      PORT: String(port),
      CONSUL_HTTP_ADDR: `127.0.0.1:${agent.port}`,
      CHECK_INTERVAL: "1s",
      GITHUB_API: githubUrl,
    });
    try {
      await app.waitFor("registered workshop-octocat");
      const registeredAt = Date.now();

      const cat = await workshopCatalog();
      assert.equal(cat.length, 1);
      assert.equal(cat[0].ServiceID, "workshop-octocat");
      assert.equal(cat[0].ServiceName, "workshop");
      assert.equal(cat[0].ServiceAddress, "127.0.0.1");
      assert.equal(cat[0].ServicePort, port);
      assert.deepEqual(cat[0].ServiceTags, ["avatar"]);
      assert.deepEqual(cat[0].ServiceMeta, { account: "octocat" });

      // The HTTP check on /health turns passing within ~2 s of registration.
      let check: any;
      for (;;) {
        const checks = (await http(`${agent.url}/v1/health/checks/workshop`)).json;
        check = checks.find((c: any) => c.ServiceID === "workshop-octocat");
        if (check?.Status === "passing") break;
        assert.ok(
          Date.now() - registeredAt < 2500,
          `check not passing within 2.5 s: ${JSON.stringify(check)}`,
        );
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(check.Type, "http");
      assert.ok(check.Output.includes(`GET http://127.0.0.1:${port}/health: 200 OK`), check.Output);
      const agentCheck = (await http(`${agent.url}/v1/agent/checks`)).json["service:workshop-octocat"];
      assert.equal(agentCheck.Interval, "1s");
      assert.equal((await http(`${agent.url}/v1/health/service/workshop?passing`)).json.length, 1);

      // /user: GitHub's avatar URL, asked for once with the token, then from the cache.
      await app.waitFor("from GitHub");
      const avatar = "https://avatars.example.test/u/octocat?v=4";
      const user = await http(`${app.url}/user`);
      assert.equal(user.status, 200);
      assert.match(user.headers.get("content-type") ?? "", /application\/json/);
      assert.deepEqual(user.json, { user: "octocat", url: avatar });
      assert.deepEqual((await http(`${app.url}/user`)).json, { user: "octocat", url: avatar });
      const mine = hits.filter((h) => h.url === "/users/octocat");
      assert.equal(mine.length, 1, "GitHub asked once; the second /user came from the cache");
      assert.equal(mine[0].headers.authorization, "token s3cret-token");
      assert.ok(mine[0].headers["user-agent"], "a User-Agent is sent");
      assert.match(
        app.stdout(),
        /avatar of octocat from GitHub: https:\/\/avatars\.example\.test\/u\/octocat/,
      );

      // The card, /health, the identicon and a 404.
      const page = await http(`${app.url}/`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get("content-type") ?? "", /text\/html/);
      assert.ok(page.text.includes(`<img src="${avatar}" alt="octocat"`), page.text);
      assert.match(page.text, /<style>/);
      assert.doesNotMatch(page.text, /<link|<script/, "self-contained");
      const health = await http(`${app.url}/health`);
      assert.equal(health.status, 200);
      assert.equal(health.text, "ok");
      const svg = await http(`${app.url}/identicon.svg`);
      assert.equal(svg.status, 200);
      assert.equal(svg.headers.get("content-type"), "image/svg+xml");
      assert.equal((await http(`${app.url}/nope`)).status, 404);
      assert.equal((await http(`${app.url}/user`, { method: "POST", body: "" })).status, 405);
      assert.equal(mine.length, 1);
    } finally {
      assert.equal(await stopApp(app), 0, app.stdout() + app.stderr());
    }
    assert.match(app.stdout(), /SIGTERM: deregistered workshop-octocat/);
    assert.deepEqual(await workshopCatalog(), [], "deregistered");
    assert.equal(app.stderr(), "");
  });

  it("works offline: /user points at its own identicon, the same for a name on every run", async () => {
    const offline = `http://127.0.0.1:${await closedPort()}`;
    const consul = `127.0.0.1:${agent.port}`;
    const octo = (port: number) =>
      runApp({ ACCOUNT: "octocat", PORT: String(port), CONSUL_HTTP_ADDR: consul, GITHUB_API: offline });
    // The other instance takes all its settings from a --config file.
    const conf = path.join(tmp.dir, "defunkt.json5");
    const defunktPort = await freePort();
    writeFileSync(
      conf,
      `{ name: "defunkt", host: "127.0.0.1", port: ${defunktPort}, consul: "${consul}",` +
        ` githubApi: "${offline}", checkInterval: "1s" }`,
    );
    const first = octo(await freePort());
    const other = runApp({ PORT: String(defunktPort) }, ["--config", conf]);
    const apps = [first, other];
    try {
      await Promise.all(apps.map((a) => a.waitFor("registered workshop-")));
      await Promise.all(apps.map((a) => a.waitFor("serving the identicon")));
      assert.match(
        first.stdout(),
        /GitHub not reachable \(.*\), serving the identicon http:\/\/127\.0\.0\.1:\d+\/identicon\.svg/,
      );

      const user = await http(`${first.url}/user`);
      assert.deepEqual(user.json, { user: "octocat", url: `${first.url}/identicon.svg` });
      const page = await http(`${first.url}/`);
      assert.ok(page.text.includes(`<img src="${first.url}/identicon.svg" alt="octocat"`));
      const svg1 = await http(`${first.url}/identicon.svg`);
      assert.equal(svg1.status, 200);
      assert.equal(svg1.headers.get("content-type"), "image/svg+xml");
      assert.match(
        svg1.text,
        /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*>/,
      );
      assert.match(svg1.text, /<\/svg>\n$/);
      assert.equal((svg1.text.match(/<rect /g) ?? []).length, (svg1.text.match(/\/>/g) ?? []).length);
      assert.ok((svg1.text.match(/<rect /g) ?? []).length > 1, "some cells are filled");

      const svgOther = await http(`${other.url}/identicon.svg`);
      assert.deepEqual((await http(`${other.url}/user`)).json, {
        user: "defunkt",
        url: `${other.url}/identicon.svg`,
      });
      assert.notEqual(svgOther.text, svg1.text, "another name, another identicon");

      // SIGINT deregisters too; a second run for the same name draws the same picture.
      assert.equal(await stopApp(first, "SIGINT"), 0);
      assert.match(first.stdout(), /SIGINT: deregistered workshop-octocat/);
      const again = octo(await freePort());
      apps.push(again);
      await again.waitFor("serving the identicon");
      assert.equal((await http(`${again.url}/identicon.svg`)).text, svg1.text, "identical across runs");
      assert.equal(svg1.text, identiconSvg("octocat"));
    } finally {
      for (const a of apps) assert.equal(await stopApp(a), 0, a.stdout() + a.stderr());
    }
    assert.deepEqual(await workshopCatalog(), []);
  });

  it("draws symmetric 5×5 identicons and builds the service definition", () => {
    for (const name of ["octocat", "defunkt", "x"]) {
      const grid = identiconGrid(name);
      assert.equal(grid.length, 5);
      for (const row of grid) assert.deepEqual(row, [...row].reverse());
    }
    assert.equal(identiconSvg("OctoCat"), identiconSvg("octocat"), "GitHub names are case-insensitive");
    assert.equal(parseDuration("1m30s"), 90_000);
    assert.equal(parseDuration("500ms"), 500);
    assert.equal(parseDuration("10"), undefined);
    const def = serviceDefinition({
      name: "octocat",
      host: "127.0.0.1",
      port: 8123,
      checkInterval: "10s",
      deregisterCriticalServiceAfter: "1m",
    });
    assert.equal(def.check.http, "http://127.0.0.1:8123/health");
    assert.equal(def.check.deregistercriticalserviceafter, "1m");
  });

  it("exits 1 with one line when its port is in use", async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const port = (busy.address() as net.AddressInfo).port;
    try {
      const app = runApp({
        ACCOUNT: "octocat",
        PORT: String(port),
        CONSUL_HTTP_ADDR: `127.0.0.1:${agent.port}`,
        GITHUB_API: `http://127.0.0.1:${await closedPort()}`,
      });
      const { code, line } = await failsWithOneLine(app, 10_000);
      assert.equal(code, 1);
      assert.equal(line, `workshop app: port ${port} on 127.0.0.1 is already in use`);
    } finally {
      busy.close();
    }
    assert.deepEqual(await workshopCatalog(), []);
  });

  it("exits 1 with one line without an account name", async () => {
    const conf = path.join(tmp.dir, "noname.json5");
    writeFileSync(conf, `{ host: "127.0.0.1", checkInterval: "1s" }`);
    const app = runApp({ PORT: String(await freePort()), CONSUL_HTTP_ADDR: `127.0.0.1:${agent.port}` }, [
      "--config",
      conf,
    ]);
    const { code, line } = await failsWithOneLine(app, 10_000);
    assert.equal(code, 1);
    assert.match(
      line,
      /^workshop app: no account name: set "name" in .*noname\.json5 or ACCOUNT in the environment$/,
    );
  });

  it("retries an unreachable agent, then exits 1 with one line", async () => {
    const addr = `127.0.0.1:${await closedPort()}`;
    const app = runApp({
      ACCOUNT: "octocat",
      PORT: String(await freePort()),
      CONSUL_HTTP_ADDR: addr,
      REGISTER_TIMEOUT: "1s",
      GITHUB_API: `http://127.0.0.1:${await closedPort()}`,
    });
    const started = Date.now();
    const { code, line } = await failsWithOneLine(app, 10_000);
    assert.equal(code, 1);
    assert.match(
      line,
      new RegExp(
        `^workshop app: could not register with the agent at ${addr} within 1s \\(\\d+ attempts\\): .*ECONNREFUSED`,
      ),
    );
    assert.ok(Date.now() - started < 6000);
    assert.match(app.stdout(), /not reachable .* retrying for up to 1s/);
  });
});
