// The web UI end to end: a real `bin/census agent -dev` serving dist/ui/ at /ui/ and a real
// headless Chromium (Debian's) looking at it while instances pass, fail, die and go; deep links,
// back/forward, odd names, a big catalog, and the agent going away and coming back.
// Screenshots of each step are kept under test-output/ui/ for review.

import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { http, ROOT, startAgent, type RunningAgent } from "./harness.ts";

const CHROMIUM = "/usr/bin/chromium";
const SHOTS = path.join(ROOT, "test-output", "ui");
const CHECK_INTERVAL_MS = 1000;
const CHECK_TIMEOUT_MS = 1000;

/** A CSS attribute selector, quoted for any value. */
const attr = (name: string, value: string) => `[${name}=${JSON.stringify(value)}]`;

/** GET with the path sent exactly as written (fetch would normalize dot segments away). */
function rawGet(port: number, rawPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: rawPath, method: "GET" }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** A tiny HTTP service for real HTTP checks; close() makes its check fail for real. */
async function healthServer(): Promise<{ port: number; server: Server }> {
  const server = createServer((_req, res) => res.end("ok"));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { port: (server.address() as { port: number }).port, server };
}

describe("web UI at /ui/", () => {
  let agent: RunningAgent;
  let browser: Browser;
  let page: Page;
  const servers: Server[] = [];

  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: false });
  const put = async (p: string, body?: unknown) => {
    const res = await http(`${agent.url}${p}`, { method: "PUT", body });
    assert.equal(res.status, 200, `PUT ${p}: ${res.text}`);
  };
  const instance = (id: string) => page.locator(`li${attr("data-instance", id)}`);
  const serviceRow = (name: string) => page.locator(`li${attr("data-service", name)}`);
  const heading = () => page.locator("main h1");

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `chromium is missing (${CHROMIUM}): run \`bash test/setup.sh\` as root`);
    assert.ok(
      existsSync(path.join(ROOT, "dist", "ui", "index.html")),
      "the UI is not built: run `npm run build`",
    );
    mkdirSync(SHOTS, { recursive: true });
    agent = await startAgent(["-dev"]);
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
    page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    page.on("pageerror", (err) => console.error("page error:", err));
  });

  after(async () => {
    await browser?.close();
    await agent?.stop();
    for (const s of servers) s.close();
  });

  it("serves the UI: / redirects, deep links get index.html, hashed assets are immutable", async () => {
    const root = await fetch(`${agent.url}/`, { redirect: "manual" });
    assert.equal(root.status, 301);
    assert.equal(root.headers.get("location"), "/ui/");

    const index = await http(`${agent.url}/ui/`);
    assert.equal(index.status, 200);
    assert.match(index.headers.get("content-type")!, /^text\/html/);
    assert.equal(index.headers.get("cache-control"), "no-cache");
    const script = /src="(\/ui\/assets\/[^"]+\.js)"/.exec(index.text)?.[1];
    const style = /href="(\/ui\/assets\/[^"]+\.css)"/.exec(index.text)?.[1];
    assert.ok(script && style, index.text);

    const js = await fetch(`${agent.url}${script}`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get("content-type")!, /^text\/javascript/);
    assert.equal(js.headers.get("cache-control"), "public, max-age=31536000, immutable");
    const css = await fetch(`${agent.url}${style}`, { method: "HEAD" });
    assert.equal(css.status, 200);
    assert.match(css.headers.get("content-type")!, /^text\/css/);
    assert.equal(css.headers.get("cache-control"), "public, max-age=31536000, immutable");

    // Revalidation of index.html is cheap.
    const again = await fetch(`${agent.url}/ui/`, {
      headers: { "If-None-Match": index.headers.get("etag")! },
    });
    assert.equal(again.status, 304);

    for (const deep of [
      "/ui/dc1/services/web/instances",
      "/ui/dc1/services/a%2Fb%20c/instances",
      "/ui/x/y",
    ]) {
      const res = await http(`${agent.url}${deep}`);
      assert.equal(res.status, 200, deep);
      assert.equal(res.text, index.text, deep);
      assert.equal(res.headers.get("cache-control"), "no-cache");
    }
    // A missing asset is a 404, not the page with a script's name.
    assert.equal((await fetch(`${agent.url}/ui/assets/missing-1234.js`)).status, 404);
  });

  it("refuses path traversal, plain or encoded", async () => {
    for (const p of [
      "/ui/../../../../etc/passwd",
      "/ui/assets/../../../package.json",
      "/ui/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
      "/ui/..%2f..%2f..%2fpackage.json",
      "/ui/assets%2f..%2f..%2f..%2fpackage.json",
      "/ui/..%5c..%5c..%5cpackage.json",
      "/ui/%2E%2E/package.json",
    ]) {
      const res = await rawGet(agent.port, p);
      assert.equal(res.status, 404, `${p}: ${res.status}`);
      assert.doesNotMatch(res.body, /root:|"name": "census"/, p);
    }
  });

  it("is off without -ui: /ui/ and / are unknown paths", async () => {
    const off = await startAgent(["-dev", "-ui=false"]);
    try {
      const ui = await http(`${off.url}/ui/`);
      assert.equal(ui.status, 404);
      assert.match(ui.text, /Invalid URL path/);
      const root = await fetch(`${off.url}/`, { redirect: "manual" });
      assert.equal(root.status, 404);
    } finally {
      await off.stop();
    }
  });

  it("shows three registered instances as three green rows", async () => {
    for (const n of [1, 2, 3]) {
      await put("/v1/agent/service/register", {
        Name: "web",
        ID: `web-${n}`,
        Address: "10.0.0.1",
        Port: 8080 + n,
        Tags: ["http", `zone-${n}`],
        Meta: { version: "1.2.3" },
        Check: { CheckID: `web-${n}-ttl`, Name: "web ttl", TTL: "10m" },
      });
      await put(`/v1/agent/check/pass/web-${n}-ttl`);
    }
    await page.goto(`${agent.url}/ui/`);
    await page.waitForURL(/\/ui\/dc1\/services$/);
    const row = serviceRow("web");
    await row.locator(".instances", { hasText: "3 instances" }).waitFor({ timeout: 5000 });
    assert.equal(await row.getAttribute("data-status"), "passing");
    // Each instance's own check and its node's serfHealth, as Consul's UI counts them.
    assert.match(await row.innerText(), /6 passing/);
    assert.doesNotMatch(await row.innerText(), /warning|critical/);
    // A service without service checks is counted too: consul's instance and its node's serfHealth.
    const consul = serviceRow("consul");
    await consul.locator(".instances", { hasText: "1 instance" }).waitFor({ timeout: 5000 });
    assert.equal(await consul.getAttribute("data-status"), "passing");
    assert.match(await consul.innerText(), /1 passing/);
    assert.doesNotMatch(await page.locator("main").innerText(), /not counted/);
    await shot("01-services");

    await row.locator("a", { hasText: "web" }).click();
    await page.waitForURL(/\/ui\/dc1\/services\/web\/instances$/);
    await page.locator(`li[data-instance][data-status="passing"]`).nth(2).waitFor({ timeout: 5000 });
    assert.equal(await page.locator("li[data-instance]").count(), 3);
    for (const n of [1, 2, 3]) {
      const text = await instance(`web-${n}`).innerText();
      assert.match(text, /test-node/);
      assert.match(text, new RegExp(`10\\.0\\.0\\.1:${8080 + n}`));
      assert.match(text, new RegExp(`zone-${n}`));
      assert.match(text, /version/);
      assert.match(text, /web ttl/);
      assert.match(text, /passing/);
      const color = await instance(`web-${n}`).evaluate((el) => getComputedStyle(el).borderLeftColor);
      assert.equal(color, "rgb(26, 127, 55)", "a green edge");
    }
    await shot("02-three-passing");
  });

  it("turns a failing instance critical (orange, with icon and word) within 1 s, without a reload", async () => {
    await page.evaluate(() => ((window as any).__sameDocument = true));
    const t0 = Date.now();
    await put("/v1/agent/check/fail/web-2-ttl?note=backend%20down");
    await page
      .locator(`li${attr("data-instance", "web-2")}[data-status="critical"]`)
      .waitFor({ timeout: 1000 });
    const elapsed = Date.now() - t0;
    assert.ok(elapsed <= 1000, `${elapsed} ms`);
    assert.equal(await page.evaluate(() => (window as any).__sameDocument), true, "the page was reloaded");
    const row = instance("web-2");
    assert.match(await row.locator(".badge").first().innerText(), /critical/);
    assert.equal((await row.locator(".badge .icon-critical").count()) > 0, true);
    assert.match(await row.innerText(), /backend down/);
    const color = await row.evaluate((el) => getComputedStyle(el).borderLeftColor);
    assert.equal(color, "rgb(226, 86, 15)", "a red-orange edge");
    // The failing instance comes first; the others stay green.
    assert.equal(await page.locator("li[data-instance]").first().getAttribute("data-instance"), "web-2");
    assert.equal(await page.locator('li[data-instance][data-status="passing"]').count(), 2);
    await shot("03-one-critical");
  });

  it("drops a deregistered instance within 1 s", async () => {
    const t0 = Date.now();
    await put("/v1/agent/service/deregister/web-2");
    await instance("web-2").waitFor({ state: "detached", timeout: 1000 });
    assert.ok(Date.now() - t0 <= 1000);
    assert.equal(await page.locator("li[data-instance]").count(), 2);
    assert.equal(await page.evaluate(() => (window as any).__sameDocument), true);
    await shot("04-deregistered");
  });

  it("shows a killed instance (a real HTTP check, interval 1s) critical within interval + timeout + 1 s", async () => {
    const backends = await Promise.all([1, 2, 3].map(() => healthServer()));
    servers.push(...backends.map((b) => b.server));
    for (const [i, b] of backends.entries()) {
      await put("/v1/agent/service/register", {
        Name: "api",
        ID: `api-${i + 1}`,
        Address: "127.0.0.1",
        Port: b.port,
        Check: { HTTP: `http://127.0.0.1:${b.port}/health`, Interval: "1s", Timeout: "1s" },
      });
    }
    await page.goto(`${agent.url}/ui/dc1/services/api/instances`);
    await page.locator('li[data-instance][data-status="passing"]').nth(2).waitFor({ timeout: 5000 });
    await shot("05-api-three-passing");

    await page.evaluate(() => ((window as any).__sameDocument = true));
    const killed = backends[1];
    const t0 = Date.now();
    killed.server.closeAllConnections();
    killed.server.close();
    const budget = CHECK_INTERVAL_MS + CHECK_TIMEOUT_MS + 1000;
    await page
      .locator(`li${attr("data-instance", "api-2")}[data-status="critical"]`)
      .waitFor({ timeout: budget });
    const elapsed = Date.now() - t0;
    assert.ok(elapsed <= budget, `${elapsed} ms`);
    assert.equal(await page.evaluate(() => (window as any).__sameDocument), true);
    assert.equal(await page.locator('li[data-instance][data-status="passing"]').count(), 2);
    await shot("06-api-killed");
  });

  it("opens deep links in the right view, and a proper view for unknown ones", async () => {
    await page.goto(`${agent.url}/ui/dc1/services/web/instances`);
    await page.locator("li[data-instance]").nth(1).waitFor({ timeout: 5000 });
    assert.equal(await heading().innerText(), "web");
    assert.equal(await page.title(), "web · census");
    await shot("07-deep-link");

    await page.goto(`${agent.url}/ui/dc1/nodes/test-node`);
    await instance("web-1").waitFor({ timeout: 5000 });
    assert.equal(await heading().innerText(), "test-node");
    assert.match(await page.locator("main").innerText(), /serfHealth|Serf Health Status/);

    await page.goto(`${agent.url}/ui/dc1/services/web`);
    await page.waitForURL(/\/ui\/dc1\/services\/web\/instances$/);

    for (const p of ["/ui/dc1/nope", "/ui/dc1/services/web/routing", "/ui/dc9/services"]) {
      await page.goto(`${agent.url}${p}`);
      await page.locator('[data-view="not-found"]').waitFor({ timeout: 5000 });
      assert.equal(await heading().innerText(), "Page not found", p);
    }
    await shot("08-not-found");

    await page.goto(`${agent.url}/ui/dc1/kv/some/key`);
    await page.locator('[data-view="kv-unavailable"]').waitFor({ timeout: 5000 });
    assert.match(await page.locator("main").innerText(), /not available in this census/);
    await shot("09-kv");

    // An unknown service is a clear empty view, not a broken page.
    await page.goto(`${agent.url}/ui/dc1/services/no-such-service/instances`);
    await page.locator('[data-empty="service"]').waitFor({ timeout: 5000 });
  });

  it("works with back and forward", async () => {
    await page.goto(`${agent.url}/ui/dc1/services`);
    await serviceRow("web").locator("a").click();
    await page.waitForURL(/\/services\/web\/instances$/);
    await instance("web-1")
      .locator(`a${attr("href", "/ui/dc1/nodes/test-node")}`)
      .click();
    await page.waitForURL(/\/nodes\/test-node$/);
    await page.locator("h2", { hasText: "Service instances" }).waitFor();

    await page.goBack();
    await page.waitForURL(/\/services\/web\/instances$/);
    await instance("web-1").waitFor();
    assert.equal(await heading().innerText(), "web");
    await page.goBack();
    await page.waitForURL(/\/ui\/dc1\/services$/);
    await serviceRow("api").waitFor();
    assert.equal(await heading().innerText(), "Services");
    await page.goForward();
    await page.waitForURL(/\/services\/web\/instances$/);
    await instance("web-3").waitFor();
    await page.goForward();
    await page.waitForURL(/\/nodes\/test-node$/);
    assert.equal(await heading().innerText(), "test-node");
  });

  it("is keyboard reachable: Tab to a service, Enter opens it and focus moves to its heading", async () => {
    await page.goto(`${agent.url}/ui/dc1/services`);
    await serviceRow("web").waitFor();
    let found = false;
    for (let i = 0; i < 20 && !found; i++) {
      await page.keyboard.press("Tab");
      found = await page.evaluate(
        () => document.activeElement?.closest("li")?.getAttribute("data-service") === "web",
      );
    }
    assert.ok(found, "Tab never reached the web row");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/services\/web\/instances$/);
    // The view renders (and takes focus) just after the URL changes.
    await page.waitForFunction(() => document.activeElement?.tagName === "H1", undefined, { timeout: 3000 });
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "web");
  });

  it("renders and links names with slashes, spaces and unicode, and markup as text", async () => {
    const odd = "team a/b ünïcødé ☃";
    const markup = '<img src=x onerror="window.__pwned=1">';
    for (const [name, id] of [
      [odd, "odd-1"],
      [markup, "markup-1"],
    ]) {
      await put("/v1/agent/service/register", {
        Name: name,
        ID: id,
        Port: 1,
        Tags: [markup],
        Meta: { note: markup },
        Check: { CheckID: `${id}-ttl`, TTL: "10m", Status: "passing" },
      });
    }
    await page.goto(`${agent.url}/ui/dc1/services`);
    const row = serviceRow(odd);
    await row.waitFor({ timeout: 5000 });
    const href = await row.locator("a").getAttribute("href");
    assert.equal(href, `/ui/dc1/services/${encodeURIComponent(odd)}/instances`);
    await row.locator("a").click();
    await page.waitForURL((u) => u.pathname === href);
    await instance("odd-1").waitFor({ timeout: 5000 });
    assert.equal(await heading().innerText(), odd);
    await shot("10-odd-name");

    // The same page from a deep link, and the name sent to the API as one path segment.
    await page.goto(`${agent.url}${href}`);
    await instance("odd-1").waitFor({ timeout: 5000 });

    await page.goto(`${agent.url}/ui/dc1/services`);
    const markupRow = serviceRow(markup);
    await markupRow.waitFor({ timeout: 5000 });
    assert.equal(await markupRow.locator("a").innerText(), markup);
    assert.equal(await page.locator("main img").count(), 0);
    await markupRow.locator("a").click();
    await instance("markup-1").waitFor({ timeout: 5000 });
    assert.equal(await heading().innerText(), markup);
    assert.match(await instance("markup-1").innerText(), /onerror/);
    assert.equal(await page.locator("main img").count(), 0);
    assert.equal(await page.evaluate(() => (window as any).__pwned), undefined);
  });

  it("reads on a phone-width screen without sideways scrolling", async () => {
    await page.setViewportSize({ width: 375, height: 760 });
    try {
      await page.goto(`${agent.url}/ui/dc1/services/web/instances`);
      await instance("web-1").waitFor({ timeout: 5000 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
      assert.ok(overflow <= 0, `${overflow}px wider than the screen`);
      await shot("11-phone-service");
      await page.goto(`${agent.url}/ui/dc1/services`);
      await serviceRow("web").waitFor({ timeout: 5000 });
      assert.ok((await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)) <= 0);
      await shot("12-phone-services");
    } finally {
      await page.setViewportSize({ width: 1100, height: 800 });
    }
  });

  it("renders 5,000 services within a few seconds, searches them, and a node with 500 services", async () => {
    let next = 0;
    const register = async () => {
      for (let i = next++; i < 5000; i = next++) {
        const id = `svc-${String(i).padStart(4, "0")}`;
        const res = await http(`${agent.url}/v1/catalog/register`, {
          method: "PUT",
          body: {
            Node: i < 500 ? "node-500" : "bulk-node",
            Address: i < 500 ? "10.1.0.5" : "10.1.0.9",
            Service: { Service: id, ID: id, Port: 9000 + (i % 500), Tags: [`shard-${i % 7}`] },
            Check: {
              CheckID: `${id}-alive`,
              Name: "alive",
              Status: i % 250 === 7 ? "warning" : "passing",
              ServiceID: id,
            },
          },
        });
        assert.equal(res.status, 200, res.text);
      }
    };
    await Promise.all(Array.from({ length: 32 }, register));

    const t0 = Date.now();
    await page.goto(`${agent.url}/ui/dc1/services`);
    await page.locator(".count", { hasText: /^50\d\d services$/ }).waitFor({ timeout: 10_000 });
    await serviceRow("svc-0000").waitFor({ timeout: 10_000 });
    const elapsed = Date.now() - t0;
    assert.ok(elapsed < 3000, `5,000 services took ${elapsed} ms to show`);
    await shot("13-5000-services");
    // The list is built a page at a time as it is scrolled: the last one is reached.
    const t1 = Date.now();
    while ((await serviceRow("svc-4999").count()) === 0) {
      assert.ok(Date.now() - t1 < 10_000, "scrolling never reached svc-4999");
      await page.mouse.wheel(0, 50_000);
      await page.waitForTimeout(30);
    }
    assert.ok((await page.locator("li[data-service]").count()) >= 5000);

    await page.getByRole("searchbox").fill("svc-4242");
    await page.waitForFunction(() => document.querySelectorAll("li[data-service]").length === 1);
    assert.equal(await page.locator("li[data-service]").getAttribute("data-service"), "svc-4242");
    assert.match(page.url(), /filter=svc-4242/);
    await page.getByRole("searchbox").fill("");
    await page.getByLabel("Health").selectOption("warning");
    await page.waitForFunction(() => document.querySelectorAll("li[data-service]").length === 20);
    assert.equal(await page.locator('li[data-service]:not([data-status="warning"])').count(), 0);
    await shot("14-5000-filtered-warning");

    await page.goto(`${agent.url}/ui/dc1/nodes/node-500`);
    await page.locator("h2", { hasText: "Service instances (500)" }).waitFor({ timeout: 5000 });
    await instance("svc-0000").waitFor();
    // Built a page at a time; the button (what a keyboard user presses) shows the rest. It is
    // pressed in place: scrolling it into view would load the rest by itself.
    await page.getByRole("button", { name: /Show more/ }).dispatchEvent("click");
    await instance("svc-0499").waitFor();
    assert.equal(await page.getByRole("button", { name: /Show more/ }).count(), 0);
    assert.equal(await page.locator("li[data-instance]").count(), 500);
    await shot("15-node-500");

    await page.goto(`${agent.url}/ui/dc1/nodes`);
    await page.locator(`li${attr("data-node", "node-500")}`).waitFor({ timeout: 5000 });
    assert.match(await page.locator(`li${attr("data-node", "test-node")}`).innerText(), /serfHealth/);
    await shot("16-nodes");
  });

  it("says when the agent goes away, and recovers by itself when it is back", async () => {
    await page.goto(`${agent.url}/ui/dc1/services/web/instances`);
    await instance("web-1").waitFor({ timeout: 5000 });
    await page.evaluate(() => ((window as any).__sameDocument = true));
    const port = agent.port;
    await agent.stop();
    const banner = page.locator('[data-banner="unreachable"]');
    await banner.waitFor({ timeout: 5000 });
    assert.match(await banner.innerText(), /unreachable/);
    // What was known stays on screen.
    assert.equal(await instance("web-1").count(), 1);
    await shot("17-agent-gone");

    agent = await startAgent(["-dev"], { port });
    await put("/v1/agent/service/register", {
      Name: "web",
      ID: "web-reborn",
      Port: 8099,
      Check: { TTL: "10m", Status: "passing" },
    });
    await instance("web-reborn").waitFor({ timeout: 10_000 });
    await banner.waitFor({ state: "detached", timeout: 10_000 });
    // The in-memory catalog started over: the old instances are gone, the new one is live.
    assert.equal(await page.locator("li[data-instance]").count(), 1);
    assert.equal(await page.evaluate(() => (window as any).__sameDocument), true);
    await shot("18-agent-back");
  });
});
