// The workshop end to end, as a user runs it: `npm run workshop` (a dev agent, 3 avatar
// instances, Debian's nginx fed by `census template`), a real headless Chromium looking at the
// page, and curl-like load on /user while an instance is SIGKILLed.
// Screenshots of each step are kept under test-output/workshop/ for review.

import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { freePort, ROOT } from "./harness.ts";

const CHROMIUM = "/usr/bin/chromium";
const NGINX = "/usr/sbin/nginx";
const SHOTS = path.join(ROOT, "test-output", "workshop");
const INTERVAL_MS = 1000;
const TIMEOUT_MS = 1000; // the app's check timeout: its interval, capped at 5 s

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("npm run workshop", () => {
  let run: ChildProcess;
  let out = "";
  let url = "";
  let prefix = "";
  const instances: { account: string; pid: number; port: number }[] = [];
  let browser: Browser;
  let page: Page;

  before(async () => {
    for (const [what, file] of [
      ["chromium", CHROMIUM],
      ["nginx", NGINX],
    ]) {
      assert.ok(existsSync(file), `${what} is missing (${file}): run \`bash test/setup.sh\` as root`);
    }
    mkdirSync(SHOTS, { recursive: true });
    const port = await freePort();
    run = spawn(
      process.execPath,
      ["--import", "tsx", "examples/workshop/run.ts", "-n", "3", "-interval", "1s", "-port", String(port)],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    run.stdout!.on("data", (d) => (out += d));
    run.stderr!.on("data", (d) => (out += d));
    const deadline = Date.now() + 30_000;
    while (!/workshop: open (\S+)/.test(out)) {
      if (run.exitCode !== null || Date.now() > deadline)
        throw new Error(`the workshop did not start:\n${out}`);
      await sleep(100);
    }
    url = /workshop: open (\S+)/.exec(out)![1];
    prefix = /workshop: nginx prefix (\S+)/.exec(out)![1];
    for (const m of out.matchAll(/workshop: instance (\S+) pid (\d+) port (\d+)/g)) {
      instances.push({ account: m[1], pid: Number(m[2]), port: Number(m[3]) });
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = await browser.newPage({ viewport: { width: 1000, height: 600 } });
  });

  after(async () => {
    await browser?.close();
    if (run && run.exitCode === null) {
      run.kill("SIGINT");
      await new Promise((r) => run.on("exit", r));
    }
  });

  /** The tiles on the page as the user sees it: opened once, it follows the catalog by itself. */
  const shown = () => page.$$eval(".tile", (els) => els.map((e) => e.getAttribute("data-id") ?? ""));
  async function tiles(): Promise<string[]> {
    if (page.url() !== url) await page.goto(url, { waitUntil: "load" });
    return shown();
  }

  const upstreamServers = () =>
    (readFileSync(path.join(prefix, "site.conf"), "utf8").match(/^\s*server 127\.0\.0\.1:\d+/gm) ?? [])
      .length;

  it("shows a tile for each of the 3 healthy instances, each image served through nginx", async () => {
    assert.equal(instances.length, 3, out);
    const deadline = Date.now() + 15_000;
    let ids = await tiles();
    while (ids.length !== 3 && Date.now() < deadline) {
      await sleep(300);
      ids = await tiles();
    }
    assert.deepEqual(ids.sort(), instances.map((i) => `workshop-${i.account}`).sort());
    // Every avatar image loads, through nginx's /instances/<id>/ locations. The page can be
    // written a moment before nginx's reload picks up those locations; it asks again itself.
    const imagesLoaded = () =>
      page.$$eval(".tile img", (imgs) =>
        imgs.map((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0),
      );
    let loaded = await imagesLoaded();
    while (loaded.includes(false) && Date.now() < deadline) {
      await sleep(300);
      loaded = await imagesLoaded();
    }
    assert.deepEqual(loaded, [true, true, true]);
    assert.equal(upstreamServers(), 3);
    await page.screenshot({ path: path.join(SHOTS, "1-three-instances.png") });
  });

  it("round-robins /user over the instances", async () => {
    const users = new Set<string>();
    for (let i = 0; i < 9; i++) {
      const res = await fetch(`${url}user`);
      assert.equal(res.status, 200);
      users.add((await res.json()).user);
    }
    assert.deepEqual([...users].sort(), instances.map((i) => i.account).sort());
  });

  it("drops a SIGKILLed instance within interval + timeout + 2 s, with no 5xx on /user meanwhile", async () => {
    const victim = instances[0];
    let errors = 0;
    let sent = 0;
    let loading = true;
    const load = (async () => {
      // 200 requests spread over the change.
      while (loading && sent < 200) {
        sent++;
        const res = await fetch(`${url}user`).catch(() => undefined);
        if (!res || res.status >= 500) errors++;
        await res?.arrayBuffer();
        await sleep(15);
      }
    })();
    await sleep(300);
    const killed = Date.now();
    process.kill(victim.pid, "SIGKILL");
    const budget = INTERVAL_MS + TIMEOUT_MS + 2000;
    let upstreamAt = 0;
    let pageAt = 0;
    while (Date.now() - killed < budget + 3000 && (!upstreamAt || !pageAt)) {
      if (!upstreamAt && upstreamServers() === 2) upstreamAt = Date.now() - killed;
      if (upstreamAt && !pageAt && (await tiles()).length === 2) pageAt = Date.now() - killed;
      await sleep(50);
    }
    await load;
    loading = false;
    await page.screenshot({ path: path.join(SHOTS, "2-one-killed.png") });
    console.log(
      `workshop: upstream at ${upstreamAt} ms, page at ${pageAt} ms after SIGKILL; /user: ${sent} requests, ${errors} errors or 5xx`,
    );
    assert.ok(
      upstreamAt > 0 && upstreamAt <= budget,
      `upstream still had the dead instance after ${budget} ms`,
    );
    assert.ok(pageAt > 0 && pageAt <= budget, `the page still showed it after ${budget} ms (${pageAt})`);
    assert.ok(!(await tiles()).includes(`workshop-${victim.account}`));
    assert.equal(sent, 200);
    assert.equal(errors, 0, `${errors} of ${sent} requests to /user failed during the change`);
  });

  it("shows 3 again once the instance is started again", async () => {
    const victim = instances[0];
    const agent = /\(agent: (http:\/\/[\d.:]+)\//.exec(out)![1];
    const again = spawn(process.execPath, ["--import", "tsx", "examples/workshop/app/main.ts"], {
      cwd: ROOT,
      env: {
        ...process.env,
        ACCOUNT: victim.account,
        HOST: "127.0.0.1",
        PORT: String(victim.port),
        CONSUL_HTTP_ADDR: agent.replace("http://", ""),
        CHECK_INTERVAL: "1s",
      },
      stdio: "ignore",
    });
    try {
      const started = Date.now();
      let ids = await tiles();
      while (ids.length !== 3 && Date.now() - started < 10_000) {
        await sleep(200);
        ids = await tiles();
      }
      assert.deepEqual(ids.sort(), instances.map((i) => `workshop-${i.account}`).sort());
      assert.equal(upstreamServers(), 3);
      await page.screenshot({ path: path.join(SHOTS, "3-restarted.png") });
    } finally {
      again.kill("SIGTERM");
      await new Promise((r) => again.on("exit", r));
    }
  });

  it("stops everything it started on Ctrl-C", async () => {
    run.kill("SIGINT");
    const code = await new Promise<number | null>((r) => run.on("exit", (c) => r(c)));
    assert.equal(code, 0, out);
    await sleep(300);
    for (const i of instances.slice(1)) {
      assert.throws(() => process.kill(i.pid, 0), `instance ${i.account} still runs`);
    }
    const res = await fetch(url).catch(() => undefined);
    assert.equal(res, undefined, "nginx still answers");
  });
});
