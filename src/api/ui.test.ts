import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { FastifyInstance } from "fastify";
import type { ApiContext } from "./context.ts";
import { createServer } from "./http.ts";
import { resolveUiPath, uiRoutes } from "./ui.ts";

describe("resolveUiPath", () => {
  it("maps plain paths to files and everything else to the app", () => {
    assert.deepEqual(resolveUiPath(""), { kind: "app" });
    assert.deepEqual(resolveUiPath("assets/index-abc.js"), {
      kind: "file",
      segments: ["assets", "index-abc.js"],
    });
    assert.deepEqual(resolveUiPath("dc1/services/"), { kind: "app" });
    // A service named "a/b" is a route of the app, never a file path.
    assert.deepEqual(resolveUiPath("dc1/services/a%2Fb/instances"), { kind: "app" });
    assert.deepEqual(resolveUiPath("dc1/services/%E2%98%83%20x"), {
      kind: "file",
      segments: ["dc1", "services", "☃ x"],
    });
  });

  it("refuses dot segments, plain or encoded, NULs and bad escapes", () => {
    for (const p of [
      "..",
      "../etc/passwd",
      "assets/../../x",
      "%2e%2e/x",
      "%2E%2E%2Fx",
      "..%2f..%2fetc",
      "..%5c..%5cx",
      "a/./b",
      "x%00.js",
      "%zz",
    ]) {
      assert.deepEqual(resolveUiPath(p), { kind: "refused" }, p);
    }
  });
});

describe("UI routes", () => {
  let dir: string;
  let app: FastifyInstance;
  const INDEX = "<!doctype html><title>census</title>";

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "census-ui-"));
    mkdirSync(path.join(dir, "ui", "assets"), { recursive: true });
    writeFileSync(path.join(dir, "ui", "index.html"), INDEX);
    writeFileSync(path.join(dir, "ui", "assets", "index-Ab12.js"), "console.log(1)");
    writeFileSync(path.join(dir, "ui", "favicon.svg"), "<svg/>");
    writeFileSync(path.join(dir, "secret.txt"), "do not serve");
    app = createServer(uiRoutes({ ui: true } as ApiContext, path.join(dir, "ui")));
    await app.ready();
  });
  after(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves files with their types and cache headers, and index.html for app routes", async () => {
    const js = await app.inject({ url: "/ui/assets/index-Ab12.js" });
    assert.equal(js.statusCode, 200);
    assert.equal(js.headers["content-type"], "text/javascript; charset=utf-8");
    assert.equal(js.headers["cache-control"], "public, max-age=31536000, immutable");
    const svg = await app.inject({ url: "/ui/favicon.svg" });
    assert.equal(svg.headers["content-type"], "image/svg+xml");
    assert.equal(svg.headers["cache-control"], "no-cache");
    for (const url of ["/ui/", "/ui/dc1/services/a%2Fb/instances", "/ui/index.html", "/ui/dc1/nodes?x=1"]) {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 200, url);
      assert.equal(res.body, INDEX, url);
      assert.equal(res.headers["cache-control"], "no-cache", url);
      assert.match(String(res.headers["content-type"]), /^text\/html/);
    }
    const head = await app.inject({ method: "HEAD", url: "/ui/" });
    assert.equal(head.statusCode, 200);
    assert.equal(head.body, "");
    assert.equal((await app.inject({ url: "/ui/assets/gone-1.js" })).statusCode, 404);
    const root = await app.inject({ url: "/" });
    assert.equal(root.statusCode, 301);
    assert.equal(root.headers.location, "/ui/");
  });

  it("never serves a file outside its folder", async () => {
    for (const url of [
      "/ui/../secret.txt",
      "/ui/%2e%2e/secret.txt",
      "/ui/..%2fsecret.txt",
      "/ui/assets/../../secret.txt",
    ]) {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 404, url);
      assert.doesNotMatch(res.body, /do not serve/, url);
    }
  });

  it("registers nothing when the UI is off", () => {
    assert.deepEqual(uiRoutes({ ui: false } as ApiContext, dir), []);
  });
});
