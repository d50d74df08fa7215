import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FlagError, parseFlags, parseGoInt, usage, type FlagSpec } from "./flags.ts";
import { parseGoDuration } from "../lib/duration.ts";

const spec = {
  dev: { kind: "bool", help: "Dev mode." },
  node: { kind: "string", help: "Node name." },
  "http-port": { kind: "int", help: "HTTP port." },
  "retry-join": { kind: "list", help: "Join address." },
  timeout: { kind: "duration", help: "Timeout." },
} satisfies FlagSpec;

function fails(argv: string[], message: string): void {
  assert.throws(
    () => parseFlags(argv, spec),
    (err: unknown) => err instanceof FlagError && err.message === message,
  );
}

describe("parseFlags", () => {
  it("accepts -flag value, -flag=value, --flag value and --flag=value", () => {
    for (const argv of [
      ["-node", "a", "-http-port", "1"],
      ["-node=a", "-http-port=1"],
      ["--node", "a", "--http-port", "1"],
      ["--node=a", "--http-port=1"],
    ]) {
      const { values, args } = parseFlags(argv, spec);
      assert.equal(values.node, "a");
      assert.equal(values["http-port"], 1);
      assert.deepEqual(args, []);
    }
  });

  it("leaves flags not given undefined and list flags empty", () => {
    const { values } = parseFlags([], spec);
    assert.equal(values.dev, undefined);
    assert.equal(values.node, undefined);
    assert.deepEqual(values["retry-join"], []);
  });

  it("takes no separate value for bool flags", () => {
    assert.deepEqual(parseFlags(["-dev", "x"], spec), {
      values: { dev: true, "retry-join": [] },
      args: ["x"],
      occurrences: [{ name: "dev", value: true }],
    });
    assert.equal(parseFlags(["--dev"], spec).values.dev, true);
    assert.equal(parseFlags(["-dev=false"], spec).values.dev, false);
    assert.equal(parseFlags(["-dev=0"], spec).values.dev, false);
    assert.equal(parseFlags(["-dev=T"], spec).values.dev, true);
    assert.equal(parseFlags(["-dev", "-dev=false"], spec).values.dev, false);
    fails(["-dev=yes"], 'invalid boolean value "yes" for -dev: parse error');
  });

  it("collects repeated list flags in order", () => {
    const { values, occurrences } = parseFlags(["-retry-join", "a", "-node", "n", "-retry-join=b"], spec);
    assert.deepEqual(values["retry-join"], ["a", "b"]);
    assert.deepEqual(occurrences, [
      { name: "retry-join", value: "a" },
      { name: "node", value: "n" },
      { name: "retry-join", value: "b" },
    ]);
  });

  it("lets the last of a repeated scalar flag win", () => {
    assert.equal(parseFlags(["-node", "a", "-node", "b"], spec).values.node, "b");
  });

  it("takes the next argument as the value even when it looks like a flag", () => {
    assert.equal(parseFlags(["-node", "-dev"], spec).values.node, "-dev");
    assert.equal(parseFlags(["-node="], spec).values.node, "");
    assert.equal(parseFlags(["-node=a=b"], spec).values.node, "a=b");
  });

  it("stops at the first non-flag argument (Go semantics)", () => {
    const r = parseFlags(["-dev", "services", "-node", "x"], spec);
    assert.equal(r.values.dev, true);
    assert.equal(r.values.node, undefined);
    assert.deepEqual(r.args, ["services", "-node", "x"]);
    assert.deepEqual(parseFlags(["-", "-dev"], spec).args, ["-", "-dev"]);
  });

  it("ends flags at --", () => {
    const r = parseFlags(["-dev", "--", "-node", "x"], spec);
    assert.deepEqual(r.args, ["-node", "x"]);
    assert.equal(r.values.node, undefined);
    assert.deepEqual(parseFlags(["--", "--"], spec).args, ["--"]);
  });

  it("reports unknown flags, missing values and bad syntax like Go", () => {
    fails(["-foo"], "flag provided but not defined: -foo");
    fails(["--foo=1"], "flag provided but not defined: -foo");
    fails(["-node"], "flag needs an argument: -node");
    fails(["-dev", "--retry-join"], "flag needs an argument: -retry-join");
    fails(["---node"], "bad flag syntax: ---node");
    fails(["-=x"], "bad flag syntax: -=x");
  });

  it("flags -h and -help as a help request unless defined", () => {
    for (const h of ["-h", "-help", "--help"]) {
      assert.throws(
        () => parseFlags([h], spec),
        (err: unknown) => err instanceof FlagError && err.helpRequested,
      );
    }
    const withHelp = { ...spec, help: { kind: "bool", help: "x" } } satisfies FlagSpec;
    assert.equal(parseFlags(["-help"], withHelp).values.help, true);
  });

  it("parses ints like Go's strconv.ParseInt(s, 0, 64)", () => {
    assert.equal(parseFlags(["-http-port", "8500"], spec).values["http-port"], 8500);
    assert.equal(parseFlags(["-http-port=-1"], spec).values["http-port"], -1);
    assert.equal(parseFlags(["-http-port=0x10"], spec).values["http-port"], 16);
    assert.equal(parseGoInt("+7"), 7);
    assert.equal(parseGoInt("017"), 15);
    assert.equal(parseGoInt("0b101"), 5);
    assert.equal(parseGoInt("0o1_0"), 8);
    assert.equal(parseGoInt("1_0"), "parse error");
    assert.equal(parseGoInt("99999999999999999999"), "value out of range");
    fails(["-http-port", "x"], 'invalid value "x" for flag -http-port: parse error');
    fails(["-http-port=1.5"], 'invalid value "1.5" for flag -http-port: parse error');
    fails(["-http-port="], 'invalid value "" for flag -http-port: parse error');
    fails(["-http-port=1e30"], 'invalid value "1e30" for flag -http-port: parse error');
    fails(
      ["-http-port=123456789012345678901"],
      'invalid value "123456789012345678901" for flag -http-port: value out of range',
    );
  });

  it("parses durations like Go's time.ParseDuration, in milliseconds", () => {
    assert.equal(parseFlags(["-timeout", "1.5s"], spec).values.timeout, 1500);
    assert.equal(parseGoDuration("2h45m"), 9_900_000);
    assert.equal(parseGoDuration("300ms"), 300);
    assert.equal(parseGoDuration("-1m"), -60_000);
    assert.equal(parseGoDuration("0"), 0);
    assert.equal(parseGoDuration("10us"), 0.01);
    assert.throws(() => parseGoDuration("10"));
    assert.throws(() => parseGoDuration(""));
    assert.throws(() => parseGoDuration("1d"));
    fails(["-timeout=soon"], 'invalid value "soon" for flag -timeout: parse error');
  });
});

describe("usage", () => {
  it("lists flags sorted, with placeholders and defaults", () => {
    const text = usage({
      zed: { kind: "bool", help: "Last." },
      addr: {
        kind: "string",
        help: "First line.\nSecond line.",
        placeholder: "ip",
        defaultText: "127.0.0.1",
      },
    });
    assert.equal(
      text,
      "  -addr=<ip>\n     First line.\n     Second line. (default 127.0.0.1)\n\n  -zed\n     Last.\n",
    );
  });
});
