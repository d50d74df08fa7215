import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  CatalogServiceSpec,
  compileFilter,
  compileGoRegexp,
  FilterError,
  HealthCheckSpec,
  NodeServiceSpec,
  NodeSpec,
  ServiceNodeHealthSpec,
  type FieldSpec,
} from "./filter.ts";

const P = "Failed to create boolean expression evaluator: ";

// --- fixtures: what Consul prints -------------------------------------------------------------

const check = (node: string, id: string, status: string, service = "", tags: string[] = []) => ({
  Node: node,
  CheckID: id,
  Name: id,
  Status: status,
  Notes: "",
  Output: "",
  ServiceID: service,
  ServiceName: service,
  ServiceTags: tags,
  Type: service ? "http" : "",
  Interval: "10s",
  Timeout: "1s",
  ExposedPort: 0,
  Definition: {},
  CreateIndex: 10,
  ModifyIndex: 10,
});

const healthEntry = (
  name: string,
  opts: {
    tags: string[];
    meta: Record<string, string>;
    nodeMeta: Record<string, string>;
    port: number;
    checks: string[];
    address?: string;
  },
) => ({
  Node: {
    ID: `id-${name}`,
    Node: `node-${name}`,
    Address: opts.address ?? "10.0.0.1",
    Datacenter: "dc1",
    TaggedAddresses: { lan: "10.0.0.1", wan: "198.18.0.1" },
    Meta: opts.nodeMeta,
    CreateIndex: 5,
    ModifyIndex: 5,
  },
  Service: {
    ID: name,
    Service: "redis",
    Tags: opts.tags,
    Address: "",
    TaggedAddresses: { lan_ipv4: { Address: "10.0.0.1", Port: opts.port } },
    Meta: opts.meta,
    Port: opts.port,
    Weights: { Passing: 1, Warning: 1 },
    EnableTagOverride: false,
    Proxy: { Mode: "", MeshGateway: {}, Expose: {} },
    Connect: {},
    PeerName: "",
    CreateIndex: 7,
    ModifyIndex: 7,
  },
  Checks: opts.checks.map((status, i) =>
    check(`node-${name}`, i === 0 ? "serfHealth" : `service:${name}`, status, i === 0 ? "" : name),
  ),
});

const HEALTH = [
  healthEntry("r1", {
    tags: ["primary", "v1"],
    meta: { version: "1.2.0", env: "prod" },
    nodeMeta: { rack: "a1", "instance-type": "t2.medium" },
    port: 6379,
    checks: ["passing", "passing"],
  }),
  healthEntry("r2", {
    tags: ["secondary"],
    meta: { version: "1.3.0", env: "prod" },
    nodeMeta: { rack: "b2" },
    port: 6380,
    checks: ["passing", "critical"],
  }),
  healthEntry("r3", {
    tags: [],
    meta: {},
    nodeMeta: {},
    port: 6379,
    checks: [],
    address: "192.168.1.9",
  }),
  healthEntry("r4", {
    tags: ["primary", "canary"],
    meta: { version: "2.0.0-beta" },
    nodeMeta: { rack: "a2" },
    port: 7000,
    checks: ["warning", "warning"],
  }),
];

// /v1/agent/services values, Consul's filtering-docs example.
const AGENT = [
  {
    ID: "redis1",
    Service: "redis",
    Tags: ["primary", "production"],
    Meta: { env: "production", foo: "bar" },
    Port: 1234,
    Address: "",
    Weights: { Passing: 1, Warning: 1 },
    EnableTagOverride: false,
  },
  {
    ID: "redis2",
    Service: "redis",
    Tags: ["secondary", "production"],
    Meta: { env: "production", foo: "bar" },
    Port: 1235,
    Address: "",
    Weights: { Passing: 1, Warning: 1 },
    EnableTagOverride: false,
  },
  {
    ID: "redis3",
    Service: "redis",
    Tags: ["primary", "qa"],
    Meta: { env: "qa" },
    Port: 1234,
    Address: "",
    Weights: { Passing: 1, Warning: 1 },
    EnableTagOverride: true,
  },
];

// /v1/catalog/service/:name entries, Consul's filtering-docs example.
const catalogEntry = (
  id: string,
  node: string,
  nodeMeta: Record<string, string>,
  tags: string[],
  env: string,
) => ({
  ID: id,
  Node: node,
  Address: "198.18.0.1",
  Datacenter: "dc1",
  TaggedAddresses: null,
  NodeMeta: nodeMeta,
  ServiceKind: "",
  ServiceID: "api-internal",
  ServiceName: "api-internal",
  ServiceTags: tags,
  ServiceAddress: "",
  ServiceWeights: { Passing: 1, Warning: 1 },
  ServiceMeta: { environment: env },
  ServicePort: 9090,
  ServiceEnableTagOverride: false,
  ServiceProxy: {},
  ServiceConnect: {},
  CreateIndex: 30,
  ModifyIndex: 30,
});
const CATALOG = [
  catalogEntry("n1", "node-1", { agent: "true", arch: "i386", os: "darwin", rack: "r-1" }, ["tag"], "qa"),
  catalogEntry("n2", "node-2", { arch: "arm", os: "linux", rack: "r-2" }, ["test", "tag"], "production"),
  catalogEntry("n4", "node-4", { arch: "i386", os: "freebsd" }, [], "qa"),
];

// --- helpers ------------------------------------------------------------------------------------

function ids(expr: string, entries: readonly Record<string, unknown>[], spec?: FieldSpec): string[] {
  const f = compileFilter(expr, spec);
  return entries.filter(f).map((e) => {
    const svc = e.Service as Record<string, unknown> | string;
    return typeof svc === "object" ? (svc.ID as string) : (e.ID as string);
  });
}

function errorOf(expr: string, spec?: FieldSpec): string {
  try {
    compileFilter(expr, spec);
  } catch (e) {
    assert.ok(e instanceof FilterError, `expected FilterError, got ${String(e)}`);
    return e.message;
  }
  assert.fail(`expected ${JSON.stringify(expr)} to be rejected`);
}

// --- matching -----------------------------------------------------------------------------------

describe("compileFilter: /health/service entries (ServiceNodeHealthSpec)", () => {
  const cases: [string, string[]][] = [
    // slices of checks: ANY element
    ["Checks.Status == passing", ["r1", "r2"]],
    ["Checks.Status == critical", ["r2"]],
    ["Checks.Status != passing", ["r2", "r4"]], // some check is not passing; r3 has no checks
    ["not Checks.Status != passing", ["r1", "r3"]], // every check passing (vacuously for r3)
    ["critical in Checks.Status", ["r2"]], // substring of a string field
    ["Checks.CheckID == serfHealth and Checks.ServiceName == r1", ["r1"]],
    ["Checks is empty", ["r3"]],
    ["Checks is not empty", ["r1", "r2", "r4"]],
    // string lists
    ['"primary" in Service.Tags', ["r1", "r4"]],
    ["primary in Service.Tags", ["r1", "r4"]],
    ["Service.Tags contains secondary", ["r2"]],
    ['"primary" not in Service.Tags', ["r2", "r3"]],
    ["Service.Tags not contains primary", ["r2", "r3"]],
    ["Service.Tags is empty", ["r3"]],
    ["Service.Tags is not empty", ["r1", "r2", "r4"]],
    ['"prim" in Service.Tags', []], // element equality, not substring
    // maps: dotted and indexed keys; a missing key is false for ==, true for !=
    ["Service.Meta.version == `1.2.0`", ["r1"]],
    ['Service.Meta["version"] == "1.3.0"', ["r2"]],
    ['Service.Meta.version != "1.2.0"', ["r2", "r3", "r4"]],
    ['Node.Meta["instance-type"] == "t2.medium"', ["r1"]],
    ['Node.Meta["rack"] matches "^a"', ["r1", "r3", "r4"]], // r3: key missing -> true (bexpr)
    ['Node.Meta.rack not matches "^a"', ["r2", "r3"]], // r3: key missing -> true (bexpr)
    ["env in Service.Meta", ["r1", "r2"]],
    ["Service.Meta contains env", ["r1", "r2"]],
    ["env not in Service.Meta", ["r3", "r4"]],
    ["Service.Meta is empty", ["r3"]],
    ["Node.TaggedAddresses.wan == `198.18.0.1`", ["r1", "r2", "r3", "r4"]],
    ["Service.TaggedAddresses.lan_ipv4.Port == 6380", ["r2"]],
    ["Service.TaggedAddresses.wan.Port != 1", ["r1", "r2", "r3", "r4"]], // missing key
    // numbers and booleans coerce the literal like Go
    ["Service.Port == 6379", ["r1", "r3"]],
    ['Service.Port == "6379"', ["r1", "r3"]],
    ['Service.Port == "0x1b58"', ["r4"]], // strconv.ParseInt base 0 (unquoted 0x... is a syntax error)
    ["Service.Port != 6379", ["r2", "r4"]],
    ["Service.Weights.Passing == 1", ["r1", "r2", "r3", "r4"]],
    ["Service.EnableTagOverride == false", ["r1", "r2", "r3", "r4"]],
    ["Service.EnableTagOverride == T", []],
    // absent struct fields are Go zero values
    ['Service.Kind == ""', ["r1", "r2", "r3", "r4"]],
    ["Service.Proxy.DestinationServiceName != web", ["r1", "r2", "r3", "r4"]],
    ["Service.Connect.Native == false", ["r1", "r2", "r3", "r4"]],
    // regexes (RE2 syntax)
    ['Service.Meta.version matches "^1\\\\.[23]\\\\."', ["r1", "r2", "r3"]], // r3: no version key -> true
    ["version in Service.Meta and Service.Meta.version matches `^\\d+\\.\\d+\\.\\d+$`", ["r1", "r2"]],
    ["Node.Address matches `\\A192\\.168\\.`", ["r3"]],
    ["Node.Node matches `(?i)NODE-R[12]`", ["r1", "r2"]],
    ["Node.Node not matches `r[12]$`", ["r3", "r4"]],
    // string containment
    ["Node.Address contains `192.168`", ["r3"]],
    ['"10.0" in Node.Address', ["r1", "r2", "r4"]],
    // precedence: not > and > or
    ["Service.Port == 6379 or Service.Port == 7000 and Checks.Status == passing", ["r1", "r3"]],
    ["(Service.Port == 6379 or Service.Port == 7000) and Checks.Status == passing", ["r1"]],
    ["not Service.Port == 6379 and primary in Service.Tags", ["r4"]],
    ["not (Service.Port == 6379 and primary in Service.Tags)", ["r2", "r3", "r4"]],
    ["not not Service.Port == 6379", ["r1", "r3"]],
    ["primary in Service.Tags and not Checks.Status == warning or Service.Tags is empty", ["r1", "r3"]],
    ["( Service.Port == 6380 )", ["r2"]],
    ["\t\nService.Port\t==\n6380 ", ["r2"]],
    ["((Service.Port == 6380)) or (((Service.ID == r4)))", ["r2", "r4"]],
    // keywords are ordinary identifiers where a selector or value is expected
    ["Service.Service != not", ["r1", "r2", "r3", "r4"]],
  ];
  for (const [expr, want] of cases) {
    it(expr, () => assert.deepEqual(ids(expr, HEALTH, ServiceNodeHealthSpec), want));
  }

  it("gives the same answers without a spec, except where Go's zero values differ from absent JSON", () => {
    const zeroValueCases = new Set([
      'Service.Kind == ""',
      "Service.Proxy.DestinationServiceName != web",
      "Service.Connect.Native == false",
    ]);
    for (const [expr, want] of cases) {
      if (!zeroValueCases.has(expr)) assert.deepEqual(ids(expr, HEALTH), want, expr);
    }
    // Absent fields are missing keys there: == is false, != is true.
    assert.deepEqual(ids('Service.Kind == ""', HEALTH), []);
    assert.deepEqual(ids("Service.Connect.Native == false", HEALTH), []);
  });
});

describe("compileFilter: other Consul shapes", () => {
  it("agent services (NodeServiceSpec), the docs' example", () => {
    assert.deepEqual(ids('Meta.env == "qa"', AGENT, NodeServiceSpec), ["redis3"]);
    assert.deepEqual(ids("primary in Tags and Port == 1234", AGENT, NodeServiceSpec), ["redis1", "redis3"]);
    assert.deepEqual(ids("EnableTagOverride == true", AGENT, NodeServiceSpec), ["redis3"]);
    assert.deepEqual(ids('Meta.foo != "bar"', AGENT, NodeServiceSpec), ["redis3"]);
    assert.deepEqual(ids("ID matches `^redis[12]$`", AGENT, NodeServiceSpec), ["redis1", "redis2"]);
  });

  it("catalog service entries (CatalogServiceSpec), the docs' example", () => {
    assert.deepEqual(ids('NodeMeta.os == "linux"', CATALOG, CatalogServiceSpec), ["n2"]);
    assert.deepEqual(ids('NodeMeta["rack"] == "r-1"', CATALOG, CatalogServiceSpec), ["n1"]);
    assert.deepEqual(ids("rack in NodeMeta", CATALOG, CatalogServiceSpec), ["n1", "n2"]);
    assert.deepEqual(ids("ServiceTags is empty", CATALOG, CatalogServiceSpec), ["n4"]);
    assert.deepEqual(
      ids("test in ServiceTags or ServiceMeta.environment == qa", CATALOG, CatalogServiceSpec),
      ["n1", "n2", "n4"],
    );
    // TaggedAddresses is null: an empty map
    assert.deepEqual(ids("TaggedAddresses is empty", CATALOG, CatalogServiceSpec), ["n1", "n2", "n4"]);
    assert.deepEqual(ids("TaggedAddresses.lan == x", CATALOG, CatalogServiceSpec), []);
  });

  it("health checks (HealthCheckSpec), the docs' example", () => {
    const checks = [
      check("node-1", "node-health", "critical"),
      check("node-1", "svc-web-health", "warning", "web"),
    ];
    const f = compileFilter('ServiceName != ""', HealthCheckSpec);
    assert.deepEqual(
      checks.filter(f).map((c) => c.CheckID),
      ["svc-web-health"],
    );
  });

  it("nodes (NodeSpec)", () => {
    const nodes = HEALTH.map((e) => e.Node);
    const f = compileFilter("rack in Meta and Meta.rack matches `^a` and Datacenter == dc1", NodeSpec);
    assert.deepEqual(
      nodes.filter(f).map((n) => n.Node),
      ["node-r1", "node-r4"],
    );
  });

  it("an empty expression matches everything (Consul: no filter)", () => {
    const f = compileFilter("", ServiceNodeHealthSpec);
    assert.equal(HEALTH.filter(f).length, HEALTH.length);
  });
});

describe("compileFilter: values", () => {
  const entry = { Service: { ID: "x", Service: 'we"b\n', Meta: { path: "C:\\dir", "a b": "1" } } };
  const matches = (expr: string) => compileFilter(expr)(entry);

  it("double-quoted strings take Go escapes; backtick strings are raw", () => {
    assert.ok(matches('Service.Meta.path == "C:\\\\dir"'));
    assert.ok(matches("Service.Meta.path == `C:\\dir`"));
    assert.ok(matches('Service.Service == "we\\x22b\\n"'));
    assert.ok(matches('Service.Service == "we\\u0022b\\012"'));
    assert.ok(matches('Service.Meta["a b"] == `1`'));
    assert.ok(matches("Service.Meta[`a b`] == 1"));
  });

  it("a bare selector used as a value is its dotted text", () => {
    assert.ok(compileFilter("Service.Meta.x == foo.bar")({ Service: { Meta: { x: "foo.bar" } } }));
  });

  it("numbers, negative and float, compare numerically without a spec", () => {
    const f = compileFilter("Weight == -1.5 or Weight == 2");
    assert.deepEqual(
      [{ Weight: -1.5 }, { Weight: 2 }, { Weight: 3 }].filter(f).map((x) => x.Weight),
      [-1.5, 2],
    );
  });
});

// --- errors ------------------------------------------------------------------------------------

describe("compileFilter: errors carry Consul's messages", () => {
  const syntax: [string, string][] = [
    ['Service.Service == "12x', '1:24 (23): rule "string": Unterminated string literal'],
    ["Service.Service == `12x", '1:24 (23): rule "string": Unterminated string literal'],
    ["Service.Port == 3x", '1:18 (17): rule "number": Invalid number literal'],
    ["Service.Meta[3] == abc", '1:14 (13): rule "index": Invalid index'],
    ['x in Service.Meta["abc"', '1:24 (23): rule "index": Unclosed index expression'],
    ["x in 32", '1:6 (5): rule "match": Invalid selector'],
    ["(Service.Port == 4", '1:19 (18): rule "grouping": Unmatched parentheses'],
    ['Service.ID == "a\\qb"', '1:15 (14): rule "string": invalid syntax'],
    ["32 == 32", '1:4 (3): no match found, expected: "in", "not" or [ \\t\\r\\n]'],
    ["x in foo abc", '1:10 (9): no match found, expected: "and", "or", [ \\t\\r\\n] or EOF'],
    [
      "x in foo and ",
      '1:14 (13): no match found, expected: "(", "-", "0", "\\"", "`", "not", [ \\t\\r\\n], [1-9] or [a-zA-Z]',
    ],
    [
      "Service.Port = 80",
      '1:14 (13): no match found, expected: "!=", "==", "contains", "in", "is", "matches", "not" or [ \\t\\r\\n]',
    ],
    [
      " ",
      '1:2 (1): no match found, expected: "(", "-", "0", "\\"", "`", "not", [ \\t\\r\\n], [1-9] or [a-zA-Z]',
    ],
    ["a ==\n\tb c", '2:4 (8): no match found, expected: "and", "or", [ \\t\\r\\n] or EOF'],
  ];
  for (const [expr, want] of syntax) {
    it(`syntax: ${JSON.stringify(expr)}`, () => assert.equal(errorOf(expr), P + want));
  }

  const typed: [string, string][] = [
    ["Foo == bar", 'Selector "Foo" is not valid'],
    ["Checks.Status in critical", 'Selector "critical" is not valid'], // `in` is value-in-selector
    ["Service.Foo == bar", 'Selector "Service.Foo" is not valid'],
    ["Checks.Foo.Bar == x", 'Selector "Checks.Foo" is not valid'],
    ["Service.Meta.version.major == 1", 'Selector "Service.Meta.version.major" is not valid'],
    ['Service.Meta["a\\tb"].c == 1', 'Selector "Service.Meta.a\\tb.c" is not valid'],
    ["Service.Tags == primary", 'Invalid match operator "Equal" for selector "Service.Tags"'],
    ["Service.Weights is empty", 'Invalid match operator "Is Empty" for selector "Service.Weights"'],
    ["Service.Port contains 80", 'Invalid match operator "In" for selector "Service.Port"'],
    ["Checks.Status is empty", 'Invalid match operator "Is Empty" for selector "Checks.Status"'],
    ["Checks contains x", 'Invalid match operator "In" for selector "Checks"'],
    [
      "Service.Meta.version is not empty",
      'Invalid match operator "Is Not Empty" for selector "Service.Meta.version"',
    ],
    [
      "Service.Port == 80.5",
      'Failed to coerce value "80.5" for selector "Service.Port": strconv.ParseInt: parsing "80.5": invalid syntax',
    ],
    [
      "Service.Weights.Passing == 99999999999999999999",
      'Failed to coerce value "99999999999999999999" for selector "Service.Weights.Passing": strconv.ParseInt: parsing "99999999999999999999": value out of range',
    ],
    [
      "Service.EnableTagOverride == yes",
      'Failed to coerce value "yes" for selector "Service.EnableTagOverride": strconv.ParseBool: parsing "yes": invalid syntax',
    ],
    [
      'Service.ID matches "[a-"',
      'Failed to compile regular expression "[a-": error parsing regexp: missing closing ]: `[a-`',
    ],
    [
      'Service.ID not matches "x++"',
      'Failed to compile regular expression "x++": error parsing regexp: invalid nested repetition operator: `++`',
    ],
  ];
  for (const [expr, want] of typed) {
    it(`typed: ${expr}`, () => assert.equal(errorOf(expr, ServiceNodeHealthSpec), P + want));
  }

  it("stops at the first invalid match, left to right", () => {
    assert.equal(
      errorOf("Service.Port == 1 and Bad == 1 or Worse == 2", ServiceNodeHealthSpec),
      P + 'Selector "Bad" is not valid',
    );
  });

  it("limits an expression to 32 matches", () => {
    const expr = (n: number) => Array.from({ length: n }, (_, i) => `Service.Port == ${i}`).join(" or ");
    assert.doesNotThrow(() => compileFilter(expr(32), ServiceNodeHealthSpec));
    assert.equal(
      errorOf(expr(33), ServiceNodeHealthSpec),
      P + "Number of match expressions (33) exceeds the limit (32)",
    );
  });

  it("limits values to 512 bytes (with bexpr's garbled message)", () => {
    assert.equal(
      errorOf(`Service.ID == "${"é".repeat(257)}"`),
      P + "Value in expression with length 514 for selector 'Ȁ' exceeds maximum length of",
    );
  });

  it("deep nesting parses in linear time, and absurd nesting is a FilterError", () => {
    const nest = (n: number) => "(".repeat(n) + "Service.Port == 6379" + ")".repeat(n);
    assert.deepEqual(ids(nest(200), HEALTH, ServiceNodeHealthSpec), ["r1", "r3"]);
    assert.equal(errorOf(nest(100_000)), P + "expression is nested too deeply");
  });
});

describe("compileGoRegexp", () => {
  const cases: [string, string, boolean][] = [
    ["^a.c$", "abc", true],
    ["^a.c$", "a\nc", false],
    ["(?s)^a.c$", "a\nc", true],
    ["\\Aab\\z", "ab", true],
    ["\\Aab\\z", "ab\n", false],
    ["\\Qa.b\\E", "a.b", true],
    ["\\Qa.b\\E", "axb", false],
    ["^[[:alpha:]_]+$", "ab_c", true],
    ["^[[:digit:]]+$", "12a", false],
    ["(?P<major>\\d+)\\.x", "10.x", true],
    ["\\pL+", "héllo", true],
    ["\\p{Greek}", "αβ", true],
    ["^\\s$", "\u00a0", false], // Go's \s is ASCII-only
    ["a{2}b{1,}?", "aab", true],
    ["x[-a]y", "x-y", true],
    ["[\\d-z]", "-", true],
    ["\\-\\#", "-#", true],
  ];
  for (const [re, input, want] of cases) {
    it(`${re} on ${JSON.stringify(input)}`, () => assert.equal(compileGoRegexp(re).test(input), want));
  }
});

describe("compileFilter: performance", () => {
  it("evaluates 100,000 health entries quickly", () => {
    const entries = Array.from({ length: 100_000 }, (_, i) => HEALTH[i % HEALTH.length]);
    const f = compileFilter(
      'Checks.Status == passing and "primary" in Service.Tags and Service.Meta.version matches "^1\\\\." and Node.Meta.rack != b2',
      ServiceNodeHealthSpec,
    );
    const start = performance.now();
    const n = entries.filter(f).length;
    const ms = performance.now() - start;
    assert.equal(n, 25_000);
    assert.ok(ms < 500, `took ${ms.toFixed(1)} ms`);
  });
});
