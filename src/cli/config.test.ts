import assert from "node:assert/strict";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { ConfigError, agentUsage, loadAgentConfig, parseConfigText } from "./config.ts";
import { FlagError } from "./flags.ts";

let tmp: string;
before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "census-config-"));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

let counter = 0;
async function file(name: string, text: string): Promise<string> {
  const dir = path.join(tmp, `f${++counter}`);
  await mkdir(dir, { recursive: true });
  const p = path.join(dir, name);
  await writeFile(p, text);
  return p;
}

async function rejects(
  p: Promise<unknown>,
  message: string | RegExp,
  cls: abstract new (...args: never[]) => Error = ConfigError,
): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof cls, `expected ${cls.name}, got ${String(err)}`);
    if (typeof message === "string") assert.equal((err as Error).message, message);
    else assert.match((err as Error).message, message);
    return true;
  });
}

const JSON_TEXT = `{
  "node_name": "web-1",
  "node_id": "ADF4238A-882B-9DDC-4A9D-5B6758E4159E",
  "node_meta": { "rack": "r1", "zone": "a" },
  "datacenter": "east-1",
  "primary_datacenter": "east-1",
  "data_dir": "/var/lib/census",
  "client_addr": "127.0.0.1 10.0.0.5",
  "bind_addr": "10.0.0.5",
  "advertise_addr": "10.0.0.6",
  "ports": { "http": 8501, "dns": -1, "grpc": 8502 },
  "server": true,
  "bootstrap_expect": 3,
  "ui_config": { "enabled": true },
  "log_level": "WARN",
  "log_json": true,
  "pid_file": "/run/census.pid",
  "enable_script_checks": false,
  "enable_local_script_checks": true,
  "retry_join": ["10.0.0.7", "10.0.0.8"],
  "service": {
    "name": "web",
    "port": 80,
    "tags": ["a", "b"],
    "meta": { "version": "1" },
    "check": { "http": "http://localhost/health", "interval": "10s" }
  },
  "services": [
    { "name": "db", "port": 5432, "checks": [{ "tcp": "localhost:5432", "interval": "5s" }] }
  ],
  "check": { "id": "mem", "args": ["/bin/check-mem"], "interval": "30s" },
  "checks": [{ "id": "disk", "ttl": "1m" }, { "id": "cpu", "ttl": "2m" }],
  "performance": { "raft_multiplier": 1 },
  "telemetry": { "disable_hostname": true }
}
`;

const JSON5_TEXT = `// Same content as the JSON file, in JSON5.
{
  node_name: 'web-1',
  node_id: 'ADF4238A-882B-9DDC-4A9D-5B6758E4159E',
  node_meta: { rack: 'r1', zone: 'a', },
  datacenter: 'east-1',
  primary_datacenter: 'east-1',
  data_dir: '/var/lib/census',
  client_addr: '127.0.0.1 10.0.0.5',
  bind_addr: '10.0.0.5',
  advertise_addr: '10.0.0.6',
  ports: { http: 8501, dns: -1, grpc: 0x2136 },
  server: true,
  bootstrap_expect: 3,
  ui_config: { enabled: true },
  log_level: 'WARN',
  log_json: true,
  pid_file: '/run/census.pid',
  enable_script_checks: false,
  enable_local_script_checks: true,
  retry_join: ['10.0.0.7', '10.0.0.8'],
  service: {
    name: 'web',
    port: 80,
    tags: ['a', 'b'],
    meta: { version: '1' },
    check: { http: 'http://localhost/health', interval: '10s' },
  },
  services: [
    { name: 'db', port: 5432, checks: [{ tcp: 'localhost:5432', interval: '5s' }] },
  ],
  check: { id: 'mem', args: ['/bin/check-mem'], interval: '30s' },
  checks: [{ id: 'disk', ttl: '1m' }, { id: 'cpu', ttl: '2m' }],
  performance: { raft_multiplier: 1 },
  telemetry: { disable_hostname: true },
}
`;

const HCL_TEXT = `# Same content as the JSON file, in HCL.
node_name = "web-1"
node_id = "ADF4238A-882B-9DDC-4A9D-5B6758E4159E"
node_meta {
  rack = "r1"
  zone = "a"
}
datacenter = "east-1"
primary_datacenter = "east-1"
data_dir = "/var/lib/census"
client_addr = "127.0.0.1 10.0.0.5"
bind_addr = "10.0.0.5"
advertise_addr = "10.0.0.6"
ports {
  http = 8501
  dns = -1
  grpc = 8502
}
server = true
bootstrap_expect = 3
ui_config {
  enabled = true
}
log_level = "WARN"
log_json = true
pid_file = "/run/census.pid"
enable_script_checks = false
enable_local_script_checks = true
retry_join = ["10.0.0.7", "10.0.0.8"]
service {
  name = "web"
  port = 80
  tags = ["a", "b"]
  meta = {
    version = "1"
  }
  check {
    http = "http://localhost/health"
    interval = "10s"
  }
}
services {
  name = "db"
  port = 5432
  checks = [
    {
      tcp = "localhost:5432"
      interval = "5s"
    }
  ]
}
check {
  id = "mem"
  args = ["/bin/check-mem"]
  interval = "30s"
}
checks = [
  {
    id = "disk"
    ttl = "1m"
  },
  {
    id = "cpu"
    ttl = "2m"
  }
]
performance {
  raft_multiplier = 1
}
telemetry {
  disable_hostname = true
}
`;

describe("loadAgentConfig: config file formats", () => {
  it("gives the same AgentConfig for the same content in JSON, JSON5 and HCL", async () => {
    const results = [];
    for (const [name, text] of [
      ["a.json", JSON_TEXT],
      ["a.json5", JSON5_TEXT],
      ["a.hcl", HCL_TEXT],
    ]) {
      const logs: string[] = [];
      results.push(await loadAgentConfig(["-config-file", await file(name, text)], (m) => logs.push(m)));
      assert.deepEqual(logs, [
        'config: key "performance" is accepted but has no effect in census',
        'config: key "telemetry" is accepted but has no effect in census',
      ]);
    }
    const expected = {
      dev: false,
      server: true,
      bootstrap: false,
      bootstrapExpect: 3,
      nodeName: "web-1",
      nodeId: "adf4238a-882b-9ddc-4a9d-5b6758e4159e",
      nodeMeta: { rack: "r1", zone: "a" },
      datacenter: "east-1",
      primaryDatacenter: "east-1",
      bindAddr: "10.0.0.5",
      clientAddr: ["127.0.0.1", "10.0.0.5"],
      advertiseAddr: "10.0.0.6",
      ports: { http: 8501, https: -1, dns: -1, server: 8300, serfLan: 8301, serfWan: 8302, grpc: 8502 },
      dataDir: "/var/lib/census",
      pidFile: "/run/census.pid",
      logLevel: "warn",
      logJson: true,
      ui: true,
      enableScriptChecks: false,
      enableLocalScriptChecks: true,
      services: [
        {
          name: "web",
          port: 80,
          tags: ["a", "b"],
          meta: { version: "1" },
          check: { http: "http://localhost/health", interval: "10s" },
        },
        { name: "db", port: 5432, checks: [{ tcp: "localhost:5432", interval: "5s" }] },
      ],
      checks: [
        { id: "mem", args: ["/bin/check-mem"], interval: "30s" },
        { id: "disk", ttl: "1m" },
        { id: "cpu", ttl: "2m" },
      ],
      retryJoin: ["10.0.0.7", "10.0.0.8"],
      store: "sqlite",
      etcdEndpoints: [],
    };
    for (const r of results) assert.deepEqual(r, expected);
  });

  it("turns repeated HCL service blocks into a list of plain objects", async () => {
    const hcl = await file(
      "s.hcl",
      `data_dir = "/d"
service {
  name = "a"
  port = 1
}
service {
  name = "b"
  check {
    ttl = "10s"
  }
}
services {
  name = "c"
}
services {
  name = "d"
  checks {
    ttl = "1s"
  }
}`,
    );
    const cfg = await loadAgentConfig(["-config-file", hcl]);
    assert.deepEqual(cfg.services, [
      { name: "a", port: 1 },
      { name: "b", check: { ttl: "10s" } },
      { name: "c" },
      { name: "d", checks: [{ ttl: "1s" }] },
    ]);
  });

  it("parses inline -hcl fragments after config files", async () => {
    const json = await file("a.json", `{"data_dir": "/d", "node_name": "from-file"}`);
    const cfg = await loadAgentConfig(["-config-file", json, "-hcl", 'node_name = "from-hcl"']);
    assert.equal(cfg.nodeName, "from-hcl");
  });

  it("reports syntax errors with the file name", async () => {
    const bad = await file("bad.json", `{"node_name": `);
    await rejects(loadAgentConfig(["-config-file", bad]), new RegExp(`^config file ${bad}: invalid JSON: `));
    const badHcl = await file("bad.hcl", `node_name = = "x"`);
    await rejects(
      loadAgentConfig(["-config-file", badHcl]),
      new RegExp(`^config file ${badHcl}: invalid HCL: `),
    );
    const list = await file("list.json", `[1]`);
    await rejects(
      loadAgentConfig(["-config-file", list]),
      `config file ${list}: top level must be an object`,
    );
  });

  it("rejects unknown extensions unless -config-format is given", async () => {
    const txt = await file("a.conf", `{"data_dir": "/d", "node_name": "n"}`);
    await rejects(
      loadAgentConfig(["-config-file", txt]),
      /^config file .*a\.conf: missing or invalid file extension/,
    );
    assert.equal((await loadAgentConfig(["-config-format", "json", "-config-file", txt])).nodeName, "n");
    await rejects(loadAgentConfig(["-config-format", "yaml", "-config-file", txt]), /-config-format must be/);
  });

  it("reports a missing config file", async () => {
    await rejects(
      loadAgentConfig(["-config-file", path.join(tmp, "nope.json")]),
      /^config: cannot read .*nope\.json/,
    );
  });
});

describe("loadAgentConfig: errors in config files", () => {
  it("names the file and key for an unknown key", async () => {
    const f = await file("a.json", `{"data_dir": "/d", "bogus_key": 1}`);
    await rejects(loadAgentConfig(["-config-file", f]), `config file ${f}: invalid config key bogus_key`);
    const g = await file("a.hcl", `ports {\n  htp = 1\n}\n`);
    await rejects(loadAgentConfig(["-config-file", g]), `config file ${g}: invalid config key ports.htp`);
    const h = await file("b.json", `{"ui_config": {"enable": true}}`);
    await rejects(
      loadAgentConfig(["-config-file", h]),
      `config file ${h}: invalid config key ui_config.enable`,
    );
  });

  it("names the file and key for a value of the wrong type", async () => {
    const cases: [string, string][] = [
      [`{"ports": {"http": "abc"}}`, `ports.http: expected an integer, got "abc"`],
      [`{"ports": {"http": 1.5}}`, `ports.http: expected an integer, got 1.5`],
      [`{"server": "yes"}`, `server: expected a boolean, got "yes"`],
      [`{"node_name": 5}`, `node_name: expected a string, got 5`],
      [`{"retry_join": "a"}`, `retry_join: expected a list of strings, got "a"`],
      [`{"retry_join": ["a", 1]}`, `retry_join[1]: expected a string, got 1`],
      [`{"node_meta": {"a": 1}}`, `node_meta.a: expected a string, got 1`],
      [`{"ports": 8500}`, `ports: expected an object, got 8500`],
      [`{"services": [{"name": "a"}, "b"]}`, `services[1]: expected an object, got "b"`],
      [`{"service": "web"}`, `service: expected an object or a list of objects, got "web"`],
    ];
    for (const [text, detail] of cases) {
      const f = await file("a.json", text);
      await rejects(loadAgentConfig(["-config-file", f]), `config file ${f}: ${detail}`);
    }
  });
});

describe("loadAgentConfig: merging", () => {
  it("merges files in order: later scalars win, lists append, maps merge", async () => {
    const a = await file(
      "a.json",
      JSON.stringify({
        data_dir: "/a",
        node_name: "a",
        log_level: "debug",
        node_meta: { x: "1", y: "1" },
        ports: { http: 1111, dns: 2222 },
        retry_join: ["ra"],
        services: [{ name: "sa" }],
        checks: [{ id: "ca" }],
      }),
    );
    const b = await file(
      "b.hcl",
      `node_name = "b"
node_meta {
  y = "2"
}
ports {
  http = 3333
}
retry_join = ["rb"]
service {
  name = "sb"
}
check {
  id = "cb"
}
`,
    );
    const cfg = await loadAgentConfig(["-config-file", a, "-config-file", b]);
    assert.equal(cfg.nodeName, "b");
    assert.equal(cfg.dataDir, "/a");
    assert.equal(cfg.logLevel, "debug");
    assert.deepEqual(cfg.nodeMeta, { x: "1", y: "2" });
    assert.equal(cfg.ports.http, 3333);
    assert.equal(cfg.ports.dns, 2222);
    assert.deepEqual(cfg.retryJoin, ["ra", "rb"]);
    assert.deepEqual(cfg.services, [{ name: "sa" }, { name: "sb" }]);
    assert.deepEqual(cfg.checks, [{ id: "ca" }, { id: "cb" }]);

    const reversed = await loadAgentConfig(["-config-file", b, "-config-file", a]);
    assert.equal(reversed.nodeName, "a");
    assert.equal(reversed.ports.http, 1111);
    assert.deepEqual(reversed.nodeMeta, { x: "1", y: "1" });
    assert.deepEqual(reversed.retryJoin, ["rb", "ra"]);
  });

  it("lets flags override config files (lists still append)", async () => {
    const a = await file(
      "a.json",
      JSON.stringify({
        data_dir: "/a",
        node_name: "a",
        datacenter: "dc-file",
        server: true,
        ports: { http: 1111, dns: 2222 },
        node_meta: { x: "1", y: "1" },
        retry_join: ["ra"],
        log_json: true,
      }),
    );
    const cfg = await loadAgentConfig([
      "-config-file",
      a,
      "-node=flag",
      "-datacenter",
      "DC-Flag",
      "-server=false",
      "-http-port",
      "9999",
      "-node-meta",
      "y:2",
      "-node-meta=z:a:b",
      "-retry-join",
      "rf",
      "-log-json=false",
      "-data-dir",
      "/flag",
      "-client",
      "0.0.0.0",
      "-bind",
      "10.1.1.1",
    ]);
    assert.equal(cfg.nodeName, "flag");
    assert.equal(cfg.datacenter, "dc-flag");
    assert.equal(cfg.server, false);
    assert.equal(cfg.ports.http, 9999);
    assert.equal(cfg.ports.dns, 2222);
    assert.deepEqual(cfg.nodeMeta, { x: "1", y: "2", z: "a:b" });
    assert.deepEqual(cfg.retryJoin, ["ra", "rf"]);
    assert.equal(cfg.logJson, false);
    assert.equal(cfg.dataDir, "/flag");
    assert.deepEqual(cfg.clientAddr, ["0.0.0.0"]);
    assert.equal(cfg.bindAddr, "10.1.1.1");
  });

  it("loads directories in lexical order, skipping other files and subdirectories", async () => {
    const dir = path.join(tmp, "conf.d");
    await mkdir(path.join(dir, "sub.json"), { recursive: true });
    await writeFile(path.join(dir, "10-b.hcl"), `node_name = "b"\nretry_join = ["b"]\n`);
    await writeFile(path.join(dir, "02-a.json"), `{"node_name": "a", "data_dir": "/d", "retry_join": ["a"]}`);
    await writeFile(path.join(dir, "20-c.json5"), `{retry_join: ['c']}`);
    await writeFile(path.join(dir, "README.md"), `not config`);
    await writeFile(path.join(dir, "30-d.json.bak"), `{`);
    const cfg = await loadAgentConfig(["-config-dir", dir]);
    assert.equal(cfg.nodeName, "b");
    assert.deepEqual(cfg.retryJoin, ["a", "b", "c"]);

    // -config-file and -config-dir interleave in command-line order.
    const last = await file("z.json", `{"node_name": "z", "retry_join": ["z"]}`);
    const first = await file("y.json", `{"node_name": "y", "retry_join": ["y"]}`);
    const mixed = await loadAgentConfig(["-config-file", first, "-config-dir", dir, "-config-file", last]);
    assert.equal(mixed.nodeName, "z");
    assert.deepEqual(mixed.retryJoin, ["y", "a", "b", "c", "z"]);
  });

  it("logs each ignored key once, however often it appears", async () => {
    const a = await file(
      "a.json",
      JSON.stringify({
        data_dir: "/d",
        performance: {},
        acl: { enabled: true },
        verify_incoming: true,
        encrypt: "x",
        leave_on_terminate: true,
        ports: { grpc_tls: 8503 },
        ui_config: { enabled: true, content_path: "/ui/" },
      }),
    );
    const b = await file("b.hcl", `performance {\n  raft_multiplier = 1\n}\nacl {\n  enabled = true\n}\n`);
    const logs: string[] = [];
    const cfg = await loadAgentConfig(["-config-file", a, "-config-file", b, "-encrypt", "k"], (m) =>
      logs.push(m),
    );
    assert.equal(cfg.ui, true);
    assert.deepEqual(logs.sort(), [
      "config: flag -encrypt is accepted but has no effect in census",
      'config: key "acl" is accepted but has no effect in census',
      'config: key "encrypt" is accepted but has no effect in census',
      'config: key "leave_on_terminate" is accepted but has no effect in census',
      'config: key "performance" is accepted but has no effect in census',
      'config: key "ports.grpc_tls" is accepted but has no effect in census',
      'config: key "ui_config.content_path" is accepted but has no effect in census',
      'config: key "verify_incoming" is accepted but has no effect in census',
    ]);
  });

  it("lets ui_config.enabled win over the deprecated ui key", async () => {
    const a = await file("a.json", `{"data_dir": "/d", "ui_config": {"enabled": false}, "ui": true}`);
    assert.equal((await loadAgentConfig(["-config-file", a])).ui, false);
    const b = await file("b.json", `{"data_dir": "/d", "ui": true}`);
    assert.equal((await loadAgentConfig(["-config-file", b])).ui, true);
  });
});

describe("loadAgentConfig: defaults and validation", () => {
  it("applies -dev defaults", async () => {
    const cfg = await loadAgentConfig(["-dev"]);
    assert.deepEqual(cfg, {
      dev: true,
      server: true,
      bootstrap: true,
      bootstrapExpect: 0,
      nodeName: os.hostname(),
      nodeMeta: {},
      datacenter: "dc1",
      bindAddr: "127.0.0.1",
      clientAddr: ["127.0.0.1"],
      ports: { http: 8500, https: -1, dns: 8600, server: 8300, serfLan: 8301, serfWan: 8302, grpc: 8502 },
      logLevel: "debug",
      logJson: false,
      ui: true,
      enableScriptChecks: false,
      enableLocalScriptChecks: false,
      services: [],
      checks: [],
      retryJoin: [],
      store: "memory",
      etcdEndpoints: [],
    });
  });

  it("lets flags and files override -dev defaults", async () => {
    const cfg = await loadAgentConfig(["-dev", "-ui=false", "-log-level", "info", "-grpc-port", "-1"]);
    assert.equal(cfg.ui, false);
    assert.equal(cfg.logLevel, "info");
    assert.equal(cfg.ports.grpc, -1);
    assert.equal((await loadAgentConfig(["-dev", "-store", "sqlite", "-data-dir", "/d"])).store, "sqlite");
  });

  it("applies non-dev defaults with a data dir", async () => {
    const cfg = await loadAgentConfig(["-data-dir", "/d"]);
    assert.equal(cfg.dev, false);
    assert.equal(cfg.server, false);
    assert.equal(cfg.bootstrap, false);
    assert.equal(cfg.ui, false);
    assert.equal(cfg.logLevel, "info");
    assert.equal(cfg.ports.grpc, -1);
    assert.equal(cfg.store, "sqlite");
    assert.equal(cfg.dataDir, "/d");
    assert.match(cfg.bindAddr, /^\d+\.\d+\.\d+\.\d+$/);
  });

  it("requires a data dir outside dev mode", async () => {
    await rejects(loadAgentConfig([]), "data_dir cannot be empty");
    await rejects(loadAgentConfig(["-server"]), "data_dir cannot be empty");
  });

  it("selects the store", async () => {
    const etcd = await loadAgentConfig([
      "-store",
      "etcd",
      "-etcd-endpoints",
      "http://a:2379, http://b:2379,",
    ]);
    assert.equal(etcd.store, "etcd");
    assert.deepEqual(etcd.etcdEndpoints, ["http://a:2379", "http://b:2379"]);
    await rejects(loadAgentConfig(["-dev", "-store", "etcd"]), /^store etcd requires -etcd-endpoints/);
    await rejects(
      loadAgentConfig(["-dev", "-store", "redis"]),
      'store must be memory, sqlite or etcd, got "redis"',
    );
    const f = await file("a.json", `{"store": "etcd", "etcd_endpoints": ["http://x:2379"]}`);
    assert.deepEqual((await loadAgentConfig(["-config-file", f])).etcdEndpoints, ["http://x:2379"]);
  });

  it("validates the datacenter", async () => {
    assert.equal((await loadAgentConfig(["-dev", "-datacenter", "My_DC-2"])).datacenter, "my_dc-2");
    await rejects(
      loadAgentConfig(["-dev", "-datacenter", "dc.1"]),
      `datacenter cannot be "dc.1". Please use only [a-z0-9-_].`,
    );
    await rejects(loadAgentConfig(["-dev", "-datacenter="]), "datacenter cannot be empty");
  });

  it("validates ports", async () => {
    await rejects(
      loadAgentConfig(["-dev", "-http-port", "70000"]),
      "ports.http: invalid port 70000; must be 1-65535, or -1 to disable",
    );
    await rejects(loadAgentConfig(["-dev", "-serf-lan-port", "0"]), /^ports\.serf_lan: invalid port 0/);
    const f = await file("a.json", `{"ports": {"dns": -2}}`);
    await rejects(loadAgentConfig(["-dev", "-config-file", f]), /^ports\.dns: invalid port -2/);
    assert.equal((await loadAgentConfig(["-dev", "-http-port", "-1"])).ports.http, -1);
  });

  it("validates the log level", async () => {
    assert.equal((await loadAgentConfig(["-dev", "-log-level", "TRACE"])).logLevel, "trace");
    assert.equal((await loadAgentConfig(["-dev", "-log-level", "warning"])).logLevel, "warn");
    await rejects(loadAgentConfig(["-dev", "-log-level", "loud"]), /^log_level "loud" is not valid/);
  });

  it("validates bootstrap settings, node id, node meta and addresses", async () => {
    await rejects(
      loadAgentConfig(["-dev", "-bootstrap-expect", "3"]),
      "'bootstrap_expect > 0' not allowed in dev mode",
    );
    await rejects(
      loadAgentConfig(["-data-dir", "/d", "-bootstrap-expect", "3"]),
      "'bootstrap_expect > 0' requires server mode",
    );
    await rejects(
      loadAgentConfig(["-data-dir", "/d", "-server", "-bootstrap", "-bootstrap-expect", "3"]),
      "'bootstrap_expect > 0' and 'bootstrap = true' are mutually exclusive",
    );
    const one = await loadAgentConfig(["-data-dir", "/d", "-server", "-bootstrap-expect", "1"]);
    assert.equal(one.bootstrap, true);
    assert.equal(one.bootstrapExpect, 0);
    await rejects(loadAgentConfig(["-dev", "-node-id", "nope"]), 'node_id "nope" is not a valid UUID');
    await rejects(loadAgentConfig(["-dev", "-node-meta", "bad key:x"]), /^node_meta: invalid key "bad key"/);
    await rejects(
      loadAgentConfig(["-dev", "-advertise", "0.0.0.0"]),
      "Advertise address cannot be 0.0.0.0, :: or [::]",
    );
    await rejects(loadAgentConfig(["-dev", "-node="]), "node_name cannot be empty");
  });

  it("reports flag errors and extra arguments", async () => {
    await rejects(loadAgentConfig(["-dev", "-foo"]), "flag provided but not defined: -foo", FlagError);
    await rejects(
      loadAgentConfig(["-http-port", "x"]),
      'invalid value "x" for flag -http-port: parse error',
      FlagError,
    );
    await rejects(loadAgentConfig(["-node"]), "flag needs an argument: -node", FlagError);
    await rejects(
      loadAgentConfig(["-dev", "extra", "args"]),
      "config: Unknown extra arguments: [extra args]",
    );
  });
});

describe("parseConfigText and agentUsage", () => {
  it("keeps single HCL blocks as objects except where Consul expects lists", async () => {
    const data = await parseConfigText(
      "x.hcl",
      `ports {\n  http = 1\n}\nchecks {\n  id = "a"\n}\nservice {\n  name = "s"\n  proxy {\n    upstreams {\n      destination_name = "d"\n    }\n  }\n}\n`,
      "hcl",
    );
    assert.deepEqual(data, {
      ports: { http: 1 },
      checks: [{ id: "a" }],
      service: { name: "s", proxy: { upstreams: [{ destination_name: "d" }] } },
    });
  });

  it("documents the agent flags", () => {
    const text = agentUsage();
    assert.match(text, /^Usage: census agent \[options\]/);
    assert.match(text, /\n {2}-config-file=<path>\n/);
    assert.match(text, /\n {2}-dev\n/);
  });
});
