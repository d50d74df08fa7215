// The app's configuration: config.json5 beside the app (or --config FILE), each setting overridable
// from the environment, checked up front so that a bad value is one clear line rather than a failure later.

import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import JSON5 from "json5";

export const DEFAULT_CONFIG_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), "config.json5");

/** An error the app reports as one line (no stack trace) before exiting 1. */
export class Fatal extends Error {}

export interface Config {
  /** The GitHub account whose avatar this instance shows. */
  name: string;
  /** GitHub OAuth token, "" for anonymous requests. */
  token: string;
  /** Where the app listens, and the address it registers in the catalog. */
  host: string;
  port: number;
  /** The Consul (census) agent's HTTP address: "127.0.0.1:8500" or "http://127.0.0.1:8500". */
  consul: string;
  /** The HTTP check's interval, e.g. "10s". */
  checkInterval: string;
  /** How long the check may stay critical before the agent drops the service, e.g. "1m". */
  deregisterCriticalServiceAfter: string;
  /** Base URL of GitHub's REST API. */
  githubApi: string;
  /** How long to keep retrying an unreachable agent at start-up, in ms. */
  registerTimeoutMs: number;
}

export const DEFAULTS: Omit<Config, "name"> = {
  token: "",
  host: "127.0.0.1",
  port: 8123,
  consul: "127.0.0.1:8500",
  checkInterval: "10s",
  deregisterCriticalServiceAfter: "1m",
  githubApi: "https://api.github.com",
  registerTimeoutMs: 30_000,
};

/** Environment variable for each setting (REGISTER_TIMEOUT is environment-only). */
const ENV: Record<string, keyof Config> = {
  ACCOUNT: "name",
  OAUTH_TOKEN: "token",
  HOST: "host",
  PORT: "port",
  CONSUL_HTTP_ADDR: "consul",
  CHECK_INTERVAL: "checkInterval",
  DEREGISTER_CRITICAL_SERVICE_AFTER: "deregisterCriticalServiceAfter",
  GITHUB_API: "githubApi",
};

const FILE_KEYS = new Set<string>([
  "name",
  "token",
  "host",
  "port",
  "consul",
  "checkInterval",
  "deregisterCriticalServiceAfter",
  "githubApi",
]);

const UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** A Go duration ("10s", "1m30s", "500ms") in milliseconds; undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;
  if (text === "" || text === "0") return text === "0" ? 0 : undefined;
  let ms = 0;
  re.lastIndex = 0;
  while (re.lastIndex < text.length) {
    const m = re.exec(text);
    if (!m) return undefined;
    ms += Number(m[1]) * UNITS[m[2]];
  }
  return ms;
}

export interface Args {
  configFile: string;
  help: boolean;
}

export function parseArgs(argv: string[]): Args {
  const args: Args = { configFile: DEFAULT_CONFIG_FILE, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "-h" || a === "--help" || a === "-help") args.help = true;
    else if (a === "--config" || a === "-config") {
      if (i + 1 >= argv.length) throw new Fatal(`${a} needs a file name`);
      args.configFile = argv[++i];
    } else if (a.startsWith("--config=") || a.startsWith("-config="))
      args.configFile = a.slice(a.indexOf("=") + 1);
    else throw new Fatal(`unknown argument ${JSON.stringify(a)} (usage: main.ts [--config FILE])`);
  }
  return args;
}

export const USAGE = `usage: node --import tsx examples/workshop/app/main.ts [--config FILE]

Settings come from config.json5 beside the app (or FILE), each overridable from the environment:
  ACCOUNT            name                            GitHub account to show (required)
  OAUTH_TOKEN        token                           GitHub token (optional)
  HOST, PORT         host, port                      where to listen and what to register (127.0.0.1:8123)
  CONSUL_HTTP_ADDR   consul                          the agent's HTTP address (127.0.0.1:8500)
  CHECK_INTERVAL     checkInterval                   the HTTP check's interval (10s)
  DEREGISTER_CRITICAL_SERVICE_AFTER
                     deregisterCriticalServiceAfter  (1m)
  GITHUB_API         githubApi                       (https://api.github.com)
  REGISTER_TIMEOUT                                   how long to retry an unreachable agent (30s)`;

function readFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err: any) {
    throw new Fatal(
      `cannot read config file ${file}: ${err.code === "ENOENT" ? "no such file" : err.message}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON5.parse(text);
  } catch (err: any) {
    throw new Fatal(`config file ${file} is not valid JSON5: ${err.message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new Fatal(`config file ${file} must hold an object`);
  }
  for (const key of Object.keys(parsed)) {
    if (!FILE_KEYS.has(key)) throw new Fatal(`config file ${file}: unknown setting ${JSON.stringify(key)}`);
  }
  return parsed as Record<string, unknown>;
}

/** The effective configuration: defaults < config file < environment. Throws Fatal on a bad value. */
export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = { ...readFile(file) };
  const origin: Record<string, string> = {};
  for (const key of Object.keys(raw)) origin[key] = `${key} in ${file}`;
  for (const [variable, key] of Object.entries(ENV)) {
    const value = env[variable];
    if (value !== undefined && value !== "") {
      raw[key] = value;
      origin[key] = variable;
    }
  }
  const where = (key: string) => origin[key] ?? key;
  const str = (key: keyof Config, fallback: string): string => {
    const v = raw[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== "string") throw new Fatal(`${where(key)} must be a string`);
    return v.trim();
  };
  const duration = (key: keyof Config, fallback: string): string => {
    const v = str(key, fallback);
    const ms = parseDuration(v);
    if (ms === undefined || ms <= 0)
      throw new Fatal(`${where(key)} is not a duration like "10s": ${JSON.stringify(v)}`);
    return v;
  };

  const name = str("name", "");
  if (!name) throw new Fatal(`no account name: set "name" in ${file} or ACCOUNT in the environment`);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) || name.length > 100) {
    throw new Fatal(`${where("name")} is not a GitHub account name: ${JSON.stringify(name)}`);
  }

  let port: number;
  const p = raw.port;
  if (p === undefined || p === null) port = DEFAULTS.port;
  else if (typeof p === "number" || (typeof p === "string" && /^\s*\d+\s*$/.test(p))) port = Number(p);
  else port = NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Fatal(`${where("port")} is not a port number: ${JSON.stringify(p)}`);
  }

  const host = str("host", DEFAULTS.host);
  if (!host) throw new Fatal(`${where("host")} is empty`);

  const consul = str("consul", DEFAULTS.consul);
  consulAddress(consul, where("consul")); // validate

  const githubApi = str("githubApi", DEFAULTS.githubApi).replace(/\/+$/, "");
  if (!/^https?:\/\/[^/]/.test(githubApi) || !URL.canParse(githubApi)) {
    throw new Fatal(`${where("githubApi")} is not an http(s) URL: ${JSON.stringify(githubApi)}`);
  }

  let registerTimeoutMs = DEFAULTS.registerTimeoutMs;
  if (env.REGISTER_TIMEOUT) {
    const ms = parseDuration(env.REGISTER_TIMEOUT.trim());
    if (ms === undefined)
      throw new Fatal(`REGISTER_TIMEOUT is not a duration like "30s": ${env.REGISTER_TIMEOUT}`);
    registerTimeoutMs = ms;
  }

  return {
    name,
    token: str("token", DEFAULTS.token),
    host,
    port,
    consul,
    checkInterval: duration("checkInterval", DEFAULTS.checkInterval),
    deregisterCriticalServiceAfter: duration(
      "deregisterCriticalServiceAfter",
      DEFAULTS.deregisterCriticalServiceAfter,
    ),
    githubApi,
    registerTimeoutMs,
  };
}

/** host, port and scheme of an agent address such as "127.0.0.1:8500", "localhost" or "https://consul:8501". */
export function consulAddress(
  addr: string,
  what = "consul address",
): { host: string; port: number; secure: boolean } {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(addr) ? addr : `http://${addr}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Fatal(`${what} is not an address like "127.0.0.1:8500": ${JSON.stringify(addr)}`);
  }
  if (
    (url.protocol !== "http:" && url.protocol !== "https:") ||
    !url.hostname ||
    (url.pathname !== "/" && url.pathname !== "")
  ) {
    throw new Fatal(`${what} is not an address like "127.0.0.1:8500": ${JSON.stringify(addr)}`);
  }
  const secure = url.protocol === "https:";
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  return { host, port: url.port ? Number(url.port) : secure ? 443 : 8500, secure };
}

/** host:port for URLs, with IPv6 addresses in brackets. */
export function hostPort(host: string, port: number): string {
  return `${host.includes(":") ? `[${host}]` : host}:${port}`;
}
