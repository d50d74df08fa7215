// `census template`: consul-template's command line over the public HTTP API.
//   census template -template "in.tpl:out.conf:nginx -s reload" [-once] [-dry] [-wait 2s:10s]

import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseGoDuration } from "../lib/duration.ts";
import { Runner, type TemplateSpec } from "../template/runner.ts";
import { ConfigError, parseConfigText } from "./config.ts";
import { parseFlags, type FlagSpec } from "./flags.ts";

const spec = {
  template: {
    kind: "list",
    help: 'Adds a template: "source:destination[:command]". Can be given several times.',
    placeholder: "template",
  },
  config: {
    kind: "list",
    help: "A config file (HCL or JSON) with template stanzas. Repeatable.",
    placeholder: "path",
  },
  once: { kind: "bool", help: "Render each template once, run its command, and exit." },
  dry: { kind: "bool", help: "Print rendered templates to stdout instead of writing them." },
  "consul-addr": {
    kind: "string",
    help: "The agent's address (or CONSUL_HTTP_ADDR).",
    defaultText: "127.0.0.1:8500",
  },
  "consul-token": { kind: "string", help: "ACL token (or CONSUL_HTTP_TOKEN)." },
  wait: { kind: "string", help: 'Quiescence: "min[:max]" (e.g. "2s:10s"); max defaults to 4 × min.' },
  "log-level": { kind: "string", help: "trace, debug, info, warn or err.", defaultText: "info" },
} satisfies FlagSpec;

const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;
const LEVELS = ["trace", "debug", "info", "warn", "error"];

function duration(text: unknown, what: string): number {
  try {
    return typeof text === "number" ? text / 1e6 : parseGoDuration(String(text));
  } catch (err) {
    throw new ConfigError(`${what}: ${(err as Error).message}`);
  }
}

/** "min[:max]", as consul-template's -wait. */
export function parseWait(text: string): { minMs: number; maxMs: number } {
  const [min, max] = text.split(":");
  const minMs = duration(min, "-wait");
  const maxMs = max === undefined ? minMs * 4 : duration(max, "-wait");
  if (maxMs < minMs) throw new ConfigError(`-wait: max (${max}) must be at least min (${min})`);
  return { minMs, maxMs };
}

/** "source:destination[:command]"; the command may itself hold colons. */
export function parseTemplateFlag(text: string): TemplateSpec {
  const [source, destination, ...rest] = text.split(":");
  if (!source || !destination) {
    throw new ConfigError(`-template "${text}": want "source:destination[:command]"`);
  }
  return {
    source,
    destination,
    command: rest.length ? rest.join(":") : undefined,
    commandTimeoutMs: DEFAULT_COMMAND_TIMEOUT_MS,
    createDestDirs: true,
    errorOnMissingKey: false,
  };
}

const asList = (v: unknown): Record<string, any>[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v as Record<string, any>];

async function loadConfig(file: string) {
  const ext = path.extname(file);
  const text = await readFile(file, "utf8").catch((err) => {
    throw new ConfigError(`config file ${file}: ${err.message}`);
  });
  const raw: any = await parseConfigText(
    file,
    text,
    ext === ".json" ? "json" : ext === ".json5" ? "json5" : "hcl",
  );
  const templates: TemplateSpec[] = asList(raw.template).map((t, i) => {
    const where = `config file ${file}: template #${i + 1}`;
    if (!t.destination) throw new ConfigError(`${where}: destination is required`);
    if (!t.source && t.contents === undefined)
      throw new ConfigError(`${where}: source or contents is required`);
    const perms =
      t.perms === undefined ? undefined : typeof t.perms === "string" ? parseInt(t.perms, 8) : t.perms;
    return {
      source: t.source ? path.resolve(path.dirname(file), t.source) : undefined,
      contents: t.contents,
      destination: path.resolve(path.dirname(file), t.destination),
      command: Array.isArray(t.command) ? t.command.join(" ") : t.command,
      commandTimeoutMs: t.command_timeout
        ? duration(t.command_timeout, `${where}: command_timeout`)
        : DEFAULT_COMMAND_TIMEOUT_MS,
      perms,
      createDestDirs: t.create_dest_dirs ?? true,
      leftDelim: t.left_delimiter,
      rightDelim: t.right_delimiter,
      errorOnMissingKey: t.error_on_missing_key ?? false,
    };
  });
  const consul = asList(raw.consul)[0] ?? {};
  const wait = asList(raw.wait)[0];
  return {
    templates,
    address: consul.address as string | undefined,
    token: consul.token as string | undefined,
    wait: wait
      ? {
          minMs: duration(wait.min ?? "0s", "wait.min"),
          maxMs: duration(wait.max ?? wait.min ?? "0s", "wait.max"),
        }
      : undefined,
    logLevel: raw.log_level as string | undefined,
  };
}

export async function templateCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, spec);
  const templates: TemplateSpec[] = [];
  let address = values["consul-addr"];
  let token = values["consul-token"];
  let wait = values.wait ? parseWait(values.wait) : undefined;
  let level = values["log-level"];
  for (const file of values.config) {
    const c = await loadConfig(file);
    templates.push(...c.templates);
    address ??= c.address;
    token ??= c.token;
    wait ??= c.wait;
    level ??= c.logLevel;
  }
  templates.push(...values.template.map(parseTemplateFlag));
  if (templates.length === 0) throw new ConfigError("no templates: give -template or -config");
  address ??= process.env.CONSUL_HTTP_ADDR ?? "127.0.0.1:8500";
  token ??= process.env.CONSUL_HTTP_TOKEN;
  const threshold = LEVELS.indexOf(level === "err" ? "error" : (level ?? "info"));
  if (threshold < 0) throw new ConfigError(`-log-level: unknown level "${level}"`);

  const log = (lvl: "debug" | "info" | "warn" | "error", msg: string) => {
    if (LEVELS.indexOf(lvl) < threshold) return;
    process.stderr.write(`${new Date().toISOString()} [${lvl.toUpperCase()}] (runner) ${msg}\n`);
  };
  const runner = new Runner({
    templates,
    consul: { baseUrl: /^https?:\/\//.test(address) ? address : `http://${address}`, token },
    once: !!values.once,
    dry: !!values.dry,
    wait,
    log,
    stdout: (t) => process.stdout.write(t),
  });
  try {
    await runner.start();
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  const onHup = () => void runner.reload();
  const onStop = () => runner.stop(0);
  process.on("SIGHUP", onHup);
  process.once("SIGINT", onStop);
  process.once("SIGTERM", onStop);
  const code = await runner.done;
  process.off("SIGHUP", onHup);
  return code;
}
