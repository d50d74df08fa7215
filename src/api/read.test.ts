import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeJson, ResponseCache } from "./read.ts";

describe("ResponseCache", () => {
  it("serializes a response once per index, shared by every reader", () => {
    const cache = new ResponseCache();
    let builds = 0;
    const build = () => {
      builds++;
      return Buffer.from("x");
    };
    const bodies = Array.from({ length: 1000 }, () => cache.get("/v1/health/service/web?passing", 7, build));
    assert.equal(builds, 1);
    assert.ok(
      bodies.every((b) => b === bodies[0]),
      "the same bytes, not copies",
    );
    cache.get("/v1/health/service/web?passing", 8, build);
    assert.equal(builds, 2, "a new index builds again");
  });

  it("stays within its limit", () => {
    const cache = new ResponseCache(3);
    for (let i = 0; i < 10; i++) cache.get(`/k${i}`, 1, () => Buffer.from(String(i)));
    let rebuilt = false;
    cache.get("/k0", 1, () => ((rebuilt = true), Buffer.from("0")));
    assert.equal(rebuilt, true, "the oldest entries were dropped");
  });
});

describe("encodeJson", () => {
  it("escapes as Go's encoding/json does", () => {
    assert.equal(encodeJson({ a: "<b>&" }, false).toString(), '{"a":"\\u003cb\\u003e\\u0026"}');
  });

  it("indents by four spaces with a trailing newline when pretty", () => {
    assert.equal(encodeJson(["dc1"], true).toString(), '[\n    "dc1"\n]\n');
  });
});
