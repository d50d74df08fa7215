// `census template` end to end: the real command against a real `census agent -dev`, as
// consul-template is used in front of nginx — files rendered from the catalog, rewritten
// atomically and promptly when it changes, the command run once per write, and every kind of
// bad input answered with a message that names the template.

import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { CENSUS, freePort, http, startAgent, tempDir, type RunningAgent } from "./harness.ts";

/** How soon a change in the catalog must reach the file (blocking queries, not polling). */
const PROMPT_MS = 1000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const LIST = (service: string) =>
  `{{ range service "${service}" }}{{ .ID }} {{ .Address }}:{{ .Port }}\n{{ end }}`;

interface TemplateProc {
  proc: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  stdout(): string;
  /** How many times it logged a write. */
  writes(): number;
  exited: Promise<number | null>;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

const running = new Set<ChildProcess>();

function startTemplate(args: string[], cwd: string): TemplateProc {
  const proc = spawn(CENSUS, ["template", ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
  running.add(proc);
  let out = "";
  let stdout = "";
  proc.stdout!.on("data", (d) => {
    out += d;
    stdout += d;
  });
  proc.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((resolve) =>
    proc.on("exit", (code) => {
      running.delete(proc);
      resolve(code);
    }),
  );
  return {
    proc,
    output: () => out,
    stdout: () => stdout,
    writes: () => out.match(/\[INFO\] \(runner\) rendered /g)?.length ?? 0,
    exited,
    stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
      return exited;
    },
  };
}

/** Runs `census template args` to its end (as with -once); kills it after timeoutMs. */
async function runTemplate(
  args: string[],
  cwd: string,
  timeoutMs = 30_000,
): Promise<{ code: number | null; stdout: string; output: string }> {
  const t = startTemplate(args, cwd);
  const timer = setTimeout(() => t.proc.kill("SIGKILL"), timeoutMs);
  const code = await t.exited;
  clearTimeout(timer);
  return { code, stdout: t.stdout(), output: t.output() };
}

/** Polls (the test may; census may not) until fn returns something other than undefined. */
async function waitFor<T>(
  fn: () => T | undefined,
  ms: number,
  what: string,
  context?: () => string,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${ms} ms waiting for ${what}${context ? `\n${context()}` : ""}`);
    }
    await sleep(5);
  }
}

const read = (file: string): string | undefined => {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
};
const lines = (file: string) => (read(file) ?? "").split("\n").filter(Boolean).length;

/** Waits until file holds exactly text; returns how long that took. */
async function untilContent(file: string, text: string, ms: number, t?: TemplateProc): Promise<number> {
  const start = Date.now();
  await waitFor(
    () => (read(file) === text ? true : undefined),
    ms,
    `${file} to read ${JSON.stringify(text)}`,
    () => `it reads ${JSON.stringify(read(file))}\n${t?.output() ?? ""}`,
  );
  return Date.now() - start;
}

async function register(agent: RunningAgent, body: Record<string, unknown>) {
  const r = await http(`${agent.url}/v1/agent/service/register`, { method: "PUT", body });
  assert.equal(r.status, 200, r.text);
}
async function deregister(agent: RunningAgent, id: string) {
  const r = await http(`${agent.url}/v1/agent/service/deregister/${id}`, { method: "PUT" });
  assert.equal(r.status, 200, r.text);
}
async function ttl(agent: RunningAgent, checkId: string, state: "pass" | "fail") {
  const r = await http(`${agent.url}/v1/agent/check/${state}/${checkId}`, { method: "PUT" });
  assert.equal(r.status, 200, r.text);
}

const instance = (service: string, id: string, address: string, port: number, extra = {}) => ({
  Name: service,
  ID: id,
  Address: address,
  Port: port,
  ...extra,
});
const passingTtl = { Check: { TTL: "5m", Status: "passing" } };

describe("census template", () => {
  let agent: RunningAgent;
  let addr: string;
  const tmp = tempDir("census-template-");
  let n = 0;
  /** A fresh directory for one test. */
  const dir = (name: string) => {
    const d = path.join(tmp.dir, `${++n}-${name}`);
    mkdirSync(d, { recursive: true });
    return d;
  };

  before(async () => {
    agent = await startAgent(["-dev"]);
    addr = `127.0.0.1:${agent.port}`;
  });
  after(async () => {
    for (const p of running) p.kill("SIGKILL");
    await agent?.stop();
    tmp.cleanup();
  });

  it("renders once data arrives, rewrites promptly on register/deregister/critical, runs the command once per write, leaves the file alone when the output does not change", async () => {
    const d = dir("main");
    writeFileSync(path.join(d, "in.tpl"), LIST("web"));
    await register(agent, instance("web", "web1", "10.0.0.1", 80, passingTtl));
    const out = path.join(d, "out");
    const log = path.join(d, "cmd.log");
    const t = startTemplate(
      ["-consul-addr", addr, "-template", `in.tpl:out:echo wrote >> cmd.log && touch marker`],
      d,
    );
    await untilContent(out, "web1 10.0.0.1:80\n", 10_000, t);
    await waitFor(() => (existsSync(path.join(d, "marker")) ? true : undefined), 2000, "the command");
    assert.equal(lines(log), 1);

    const steps: [string, () => Promise<void>, string][] = [
      [
        "register web2",
        () => register(agent, instance("web", "web2", "10.0.0.2", 81, passingTtl)),
        "web1 10.0.0.1:80\nweb2 10.0.0.2:81\n",
      ],
      ["web2's TTL check fails", () => ttl(agent, "service:web2", "fail"), "web1 10.0.0.1:80\n"],
      ["web2 passes again", () => ttl(agent, "service:web2", "pass"), "web1 10.0.0.1:80\nweb2 10.0.0.2:81\n"],
      ["deregister web1", () => deregister(agent, "web1"), "web2 10.0.0.2:81\n"],
    ];
    let writes = 1;
    for (const [what, change, want] of steps) {
      const start = Date.now();
      await change();
      await untilContent(out, want, 5000, t);
      const took = Date.now() - start;
      assert.ok(took < PROMPT_MS, `${what}: the file changed after ${took} ms`);
      writes++;
      await waitFor(() => (lines(log) === writes ? true : undefined), 2000, `command run #${writes}`);
    }

    // Changes in the data that leave the output as it is: a new tag, an instance that is not
    // passing. No write (same inode, same mtime) and no command.
    const before = statSync(out);
    await register(agent, instance("web", "web2", "10.0.0.2", 81, { ...passingTtl, Tags: ["canary"] }));
    await register(agent, instance("web", "web3", "10.0.0.3", 82, { Check: { TTL: "5m" } })); // critical
    await sleep(700);
    const now = statSync(out);
    assert.equal(now.ino, before.ino, "the file was replaced");
    assert.equal(now.mtimeMs, before.mtimeMs, "the file was rewritten");
    assert.equal(read(out), "web2 10.0.0.2:81\n");
    assert.equal(lines(log), writes, "the command ran without a write");
    assert.equal(t.writes(), writes, t.output());

    assert.equal(await t.stop(), 0, t.output());
    assert.doesNotMatch(t.output(), /ERROR|WARN/);
  });

  it("writes atomically: keeps the file's mode, leaves no temporary files, and a reader never sees a partial file", async () => {
    const d = dir("atomic");
    const outDir = path.join(d, "out");
    mkdirSync(outDir);
    const out = path.join(outDir, "big.conf");
    writeFileSync(out, "old\n");
    chmodSync(out, 0o600);
    // ~2 KB a line, so that a write that is not atomic is caught half-way.
    writeFileSync(
      path.join(d, "in.tpl"),
      `BEGIN {{ len (service "atomic") }}\n{{ range service "atomic" }}{{ .ID }} {{ range loop 40 }}0123456789abcdef0123456789abcdef0123456789abcdef{{ end }}\n{{ end }}END\n`,
    );
    await register(agent, instance("atomic", "atomic-0", "10.1.0.0", 80));
    const t = startTemplate(["-consul-addr", addr, "-template", `in.tpl:${out}`], d);
    await waitFor(() => (read(out)?.startsWith("BEGIN 1\n") ? true : undefined), 10_000, "the first render");
    assert.equal(statSync(out).mode & 0o777, 0o600);

    const stop = path.join(d, "stop");
    const reader = spawn(
      process.execPath,
      [
        "-e",
        `
        const fs = require("node:fs");
        const { FILE, STOP } = process.env;
        const re = /^BEGIN (\\d+)\\n([^]*)END\\n$/;
        const line = /^atomic-\\d+ (0123456789abcdef){120}$/;
        let reads = 0, bad = 0, sample = "";
        while (!fs.existsSync(STOP)) {
          for (let i = 0; i < 20; i++) {
            let text;
            try { text = fs.readFileSync(FILE, "utf8"); } catch (e) { bad++; sample = String(e); continue; }
            reads++;
            const m = re.exec(text);
            const ls = m ? m[2].split("\\n").filter(Boolean) : [];
            if (!m || ls.length !== Number(m[1]) || !ls.every((l) => line.test(l))) {
              bad++;
              sample = text.length + " bytes: " + text.slice(0, 60) + " … " + text.slice(-60);
            }
          }
        }
        console.log(JSON.stringify({ reads, bad, sample }));
        `,
      ],
      { env: { ...process.env, FILE: out, STOP: stop }, stdio: ["ignore", "pipe", "inherit"] },
    );
    running.add(reader);
    let report = "";
    reader.stdout!.on("data", (c) => (report += c));
    const readerDone = new Promise((r) => reader.on("exit", r));

    const N = 40;
    for (let i = 1; i < N; i++) {
      await register(agent, instance("atomic", `atomic-${i}`, `10.1.0.${i}`, 80));
      await sleep(15);
    }
    await waitFor(
      () => (read(out)?.startsWith(`BEGIN ${N}\n`) ? true : undefined),
      5000,
      "the last render",
      t.output,
    );
    writeFileSync(stop, "");
    await readerDone;
    running.delete(reader);
    const r = JSON.parse(report);
    assert.equal(r.bad, 0, `the reader saw ${r.bad} bad reads of ${r.reads}, e.g. ${r.sample}`);
    assert.ok(r.reads > 50, `only ${r.reads} reads`);
    assert.ok(t.writes() >= 10, `only ${t.writes()} writes`);
    assert.equal(statSync(out).mode & 0o777, 0o600, "the destination lost its mode");
    assert.deepEqual(readdirSync(outDir), ["big.conf"], "temporary files left behind");
    assert.equal(await t.stop(), 0, t.output());
  });

  it("-wait 500ms:2s: changes in quick succession make one write", async () => {
    const d = dir("wait");
    writeFileSync(path.join(d, "in.tpl"), LIST("quiet"));
    await register(agent, instance("quiet", "quiet-0", "10.2.0.0", 80));
    const out = path.join(d, "out");
    const log = path.join(d, "cmd.log");
    const t = startTemplate(
      ["-consul-addr", addr, "-wait", "500ms:2s", "-template", "in.tpl:out:echo x >> cmd.log"],
      d,
    );
    await untilContent(out, "quiet-0 10.2.0.0:80\n", 10_000, t);
    await waitFor(() => (lines(log) === 1 ? true : undefined), 2000, "the first command");

    let want = "quiet-0 10.2.0.0:80\n";
    for (let i = 1; i <= 5; i++) {
      await register(agent, instance("quiet", `quiet-${i}`, `10.2.0.${i}`, 80));
      want += `quiet-${i} 10.2.0.${i}:80\n`;
      await sleep(40);
    }
    const last = Date.now();
    await untilContent(out, want, 3000, t);
    const after = Date.now() - last;
    assert.ok(after >= 400, `written ${after} ms after the last change, before the 500 ms quiescence`);
    await sleep(700);
    assert.equal(t.writes(), 2, t.output());
    assert.equal(lines(log), 2, "the command ran more than once");
    assert.equal(await t.stop(), 0, t.output());
  });

  it("-config (HCL): consul { address } and a template { source destination command } stanza", async () => {
    const d = dir("config");
    mkdirSync(path.join(d, "tpl"));
    writeFileSync(path.join(d, "tpl", "in.tpl"), LIST("cfg"));
    await register(agent, instance("cfg", "cfg-1", "10.3.0.1", 8080));
    const log = path.join(d, "cmd.log");
    writeFileSync(
      path.join(d, "census.hcl"),
      `consul {
  address = "${addr}"
}

template {
  source      = "tpl/in.tpl"
  destination = "rendered/out.conf"
  command     = "echo reloaded >> ${log}"
}
`,
    );
    // Relative paths in the file are relative to the file, not to where census runs.
    const r = await runTemplate(["-config", path.join(d, "census.hcl"), "-once"], tmp.dir);
    assert.equal(r.code, 0, r.output);
    assert.equal(read(path.join(d, "rendered", "out.conf")), "cfg-1 10.3.0.1:8080\n");
    assert.equal(read(log), "reloaded\n");
  });

  it("SIGHUP reloads a changed template (and keeps the old one when the new one is broken); SIGTERM exits 0", async () => {
    const d = dir("hup");
    const src = path.join(d, "in.tpl");
    writeFileSync(src, `v1 ${LIST("hup")}`);
    await register(agent, instance("hup", "hup-1", "10.4.0.1", 80));
    const out = path.join(d, "out");
    const t = startTemplate(["-consul-addr", addr, "-template", "in.tpl:out"], d);
    await untilContent(out, "v1 hup-1 10.4.0.1:80\n", 10_000, t);

    writeFileSync(src, `v2 ${LIST("hup")}`);
    t.proc.kill("SIGHUP");
    const took = await untilContent(out, "v2 hup-1 10.4.0.1:80\n", 3000, t);
    assert.ok(took < PROMPT_MS, `reloaded after ${took} ms`);

    writeFileSync(src, `v3 {{ range service "hup" }`);
    t.proc.kill("SIGHUP");
    await waitFor(
      () => (/reload failed/.test(t.output()) ? true : undefined),
      3000,
      "the reload error",
      t.output,
    );
    assert.match(t.output(), /keeping the previous templates: template: in.tpl:1: /);
    await register(agent, instance("hup", "hup-2", "10.4.0.2", 80));
    await untilContent(out, "v2 hup-1 10.4.0.1:80\nhup-2 10.4.0.2:80\n", 3000, t);

    assert.equal(t.proc.exitCode, null, "census template exited");
    assert.equal(await t.stop(), 0, t.output());
  });

  it("keeps going while the agent is away and renders again when it is back", async () => {
    const port = await freePort();
    let own = await startAgent(["-dev"], { port });
    try {
      const d = dir("restart");
      writeFileSync(path.join(d, "in.tpl"), LIST("web"));
      await register(own, instance("web", "before", "10.5.0.1", 80));
      const out = path.join(d, "out");
      const t = startTemplate(["-consul-addr", `127.0.0.1:${port}`, "-template", "in.tpl:out"], d);
      await untilContent(out, "before 10.5.0.1:80\n", 10_000, t);

      await own.kill("SIGKILL");
      await waitFor(
        () => (/WARN.*retrying/.test(t.output()) ? true : undefined),
        5000,
        "the watch error",
        t.output,
      );
      await sleep(500);
      assert.equal(read(out), "before 10.5.0.1:80\n", "the file changed while the agent was away");
      assert.equal(t.proc.exitCode, null, `census template exited:\n${t.output()}`);

      // -dev keeps nothing: the catalog is empty again until the instance registers again.
      own = await startAgent(["-dev"], { port });
      await register(own, instance("web", "after", "10.5.0.2", 81));
      await untilContent(out, "after 10.5.0.2:81\n", 15_000, t);
      assert.match(t.output(), /agent answers again/);

      // And it is live again: a further change arrives promptly.
      const start = Date.now();
      await register(own, instance("web", "after2", "10.5.0.3", 82));
      await untilContent(out, "after 10.5.0.2:81\nafter2 10.5.0.3:82\n", 5000, t);
      assert.ok(Date.now() - start < PROMPT_MS, `updated after ${Date.now() - start} ms`);
      assert.equal(await t.stop(), 0, t.output());
    } finally {
      await own.kill("SIGKILL");
    }
  });

  describe("-once, -dry and bad input", { concurrency: 3 }, () => {
    before(async () => {
      await register(agent, instance("once", "once-1", "10.6.0.1", 80));
    });

    /** A directory with in.tpl holding text. */
    const withTemplate = (name: string, text: string) => {
      const d = dir(name);
      writeFileSync(path.join(d, "in.tpl"), text);
      return { d, src: path.join(d, "in.tpl") };
    };
    const noStack = (output: string) => assert.doesNotMatch(output, /^\s+at .*:\d+:\d+\)?$/m, output);

    it("-once renders, runs the command and exits 0", async () => {
      const { d } = withTemplate("once", LIST("once"));
      const r = await runTemplate(["-consul-addr", addr, "-once", "-template", "in.tpl:out:touch marker"], d);
      assert.equal(r.code, 0, r.output);
      assert.equal(read(path.join(d, "out")), "once-1 10.6.0.1:80\n");
      assert.ok(existsSync(path.join(d, "marker")), "the command did not run");
    });

    it("tags and consul-template's ServiceTags methods (.Tags.Contains …)", async () => {
      await register(agent, instance("tagged", "tagged-1", "10.6.1.1", 80, { Tags: ["v2", "canary"] }));
      await register(agent, instance("tagged", "tagged-2", "10.6.1.2", 80, { Tags: ["v1"] }));
      const { d } = withTemplate(
        "tags",
        `{{ range service "tagged" }}{{ .ID }} {{ .Tags }} {{ .Tags.Contains "canary" }} ` +
          `{{ .Tags.ContainsAll (split "," "v2,canary") }} {{ .Tags.ContainsAny (split "," "v1,x") }} ` +
          `{{ .Tags.ContainsNone (split "," "v1") }}\n{{ end }}` +
          `{{ range service "canary.tagged" }}canary: {{ .ID }}\n{{ end }}`,
      );
      const r = await runTemplate(["-consul-addr", addr, "-once", "-template", "in.tpl:out"], d);
      assert.equal(r.code, 0, r.output);
      assert.equal(
        read(path.join(d, "out")),
        "tagged-1 [canary v2] true true false true\n" +
          "tagged-2 [v1] false false true false\n" +
          "canary: tagged-1\n",
      );
    });

    it("-dry prints '> dest' and the content, and writes nothing", async () => {
      const { d } = withTemplate("dry", LIST("once"));
      const r = await runTemplate(
        ["-consul-addr", addr, "-once", "-dry", "-template", "in.tpl:out:touch marker"],
        d,
      );
      assert.equal(r.code, 0, r.output);
      assert.equal(r.stdout, "> out\nonce-1 10.6.0.1:80\n");
      assert.deepEqual(readdirSync(d), ["in.tpl"]);
    });

    it("a syntax error: exits non-zero naming the template file and line, creates nothing", async () => {
      const { d, src } = withTemplate(
        "syntax",
        `line one\n{{ range service "once" }}\n{{ .ID }\n{{ end }}\n`,
      );
      const r = await runTemplate(["-consul-addr", addr, "-template", `${src}:out`], d);
      assert.notEqual(r.code, 0);
      assert.match(r.output, new RegExp(`template: ${src}:3: unexpected "}" in operand`));
      assert.ok(!existsSync(path.join(d, "out")));
      noStack(r.output);
    });

    it("an unknown function: exits non-zero naming the template file, line and function", async () => {
      const { d, src } = withTemplate("func", `a\n\n{{ nosuchfunc "x" }}\n`);
      const r = await runTemplate(["-consul-addr", addr, "-template", `${src}:out`], d);
      assert.notEqual(r.code, 0);
      assert.match(r.output, new RegExp(`template: ${src}:3: function "nosuchfunc" not defined`));
      assert.ok(!existsSync(path.join(d, "out")));
      noStack(r.output);
    });

    it("an execution error: logged with template, line and action; -once exits 1; nothing written", async () => {
      const { d, src } = withTemplate("exec", `a\n{{ range service "once" }}{{ .NoSuchField }}{{ end }}\n`);
      const r = await runTemplate(["-consul-addr", addr, "-once", "-template", `${src}:out`], d);
      assert.equal(r.code, 1, r.output);
      assert.match(r.output, new RegExp(`template: ${src}:2:\\d+: executing "${src}" at <.NoSuchField>`));
      assert.ok(!existsSync(path.join(d, "out")));
      noStack(r.output);
    });

    it("KV functions: a clear error that the key/value store is not available", async () => {
      const { d, src } = withTemplate("kv", `{{ key "service/web/config" }}\n`);
      const r = await runTemplate(["-consul-addr", addr, "-once", "-template", `${src}:out`], d);
      assert.equal(r.code, 1, r.output);
      assert.match(r.output, new RegExp(`template: ${src}:1:\\d+: .*error calling key: .*key/value store`));
      assert.ok(!existsSync(path.join(d, "out")));
    });

    it("a failing command: logged with the template name and its output; -once exits 1", async () => {
      const { d, src } = withTemplate("cmdfail", LIST("once"));
      const r = await runTemplate(
        ["-consul-addr", addr, "-once", "-template", `${src}:out:echo boom >&2; exit 1`],
        d,
      );
      assert.equal(r.code, 1, r.output);
      assert.equal(read(path.join(d, "out")), "once-1 10.6.0.1:80\n", "the file is written all the same");
      assert.match(r.output, new RegExp(`template ${src}: command "echo boom >&2; exit 1" exited 1: boom`));
    });

    it("a hanging command is killed at command_timeout and logged", async () => {
      const { d, src } = withTemplate("hang", LIST("once"));
      const pidFile = path.join(d, "cmd.pid");
      writeFileSync(
        path.join(d, "hang.hcl"),
        `consul {
  address = "${addr}"
}
template {
  source          = "in.tpl"
  destination     = "out"
  command         = "echo $$ > ${pidFile}; exec sleep 30"
  command_timeout = "1s"
}
`,
      );
      const r = await runTemplate(["-config", path.join(d, "hang.hcl"), "-once"], d);
      assert.equal(r.code, 1, r.output);
      assert.match(r.output, new RegExp(`template ${src}: command ".*sleep 30" timed out after 1000 ms`));
      // From the write to the kill, by the log's own clock (start-up time does not count).
      const at = (re: RegExp) => Date.parse(re.exec(r.output)?.[1] ?? "");
      const took = at(/^(\S+) \[ERROR\].*timed out/m) - at(/^(\S+) \[INFO\].*rendered/m);
      assert.ok(took >= 900 && took < 3000, `killed ${took} ms after the write`);
      const pid = Number(read(pidFile));
      assert.ok(pid > 0);
      assert.throws(() => process.kill(pid, 0), { code: "ESRCH" }, "the command is still running");
    });

    it("a missing destination directory is created", async () => {
      const { d } = withTemplate("mkdir", LIST("once"));
      const r = await runTemplate(["-consul-addr", addr, "-once", "-template", "in.tpl:a/b/c/out"], d);
      assert.equal(r.code, 0, r.output);
      assert.equal(read(path.join(d, "a", "b", "c", "out")), "once-1 10.6.0.1:80\n");
    });

    it("a destination under a regular file: a clear error naming the template, no crash", async () => {
      const { d, src } = withTemplate("notdir", LIST("once"));
      writeFileSync(path.join(d, "file"), "I am a file\n");
      const r = await runTemplate(["-consul-addr", addr, "-once", "-template", `${src}:file/out`], d);
      assert.equal(r.code, 1, r.output);
      assert.match(r.output, new RegExp(`template ${src}: writing file/out: .*not a directory`, "i"));
      assert.equal(read(path.join(d, "file")), "I am a file\n");
      noStack(r.output);
    });
  });
});
