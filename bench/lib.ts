// What the benchmarks share: a real `bin/census agent` on a free port, baseline servers and
// load clients in child processes of their own (plain node, no loader), and numbers read
// from /proc.

import { fork, spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const CENSUS = path.join(ROOT, "bin", "census");
export const BENCH = path.join(ROOT, "bench");

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Milliseconds on CLOCK_MONOTONIC: comparable across processes of one machine. */
export const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface Census {
  url: string;
  port: number;
  pid: number;
  proc: ChildProcess;
  output(): string;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `bin/census agent <args>` on a free loopback port and waits until it answers.
 * BENCH_AGENT_NODE_ARGS, when set, are node's own flags for the agent, e.g.
 * "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it.
 */
export async function startCensus(args: string[]): Promise<Census> {
  const port = await freePort();
  const nodeArgs = (process.env.BENCH_AGENT_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const proc = spawn(
    process.execPath,
    [
      ...nodeArgs,
      CENSUS,
      "agent",
      ...args,
      "-node",
      "bench-node",
      "-bind",
      "127.0.0.1",
      "-client",
      "127.0.0.1",
      "-http-port",
      String(port),
      "-dns-port",
      "-1",
      "-log-level",
      "warn",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`census agent exited (${proc.exitCode}):\n${out}`);
    try {
      const res = await fetch(`${url}/v1/status/leader`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      proc.kill("SIGKILL");
      throw new Error(`census agent did not start:\n${out}`);
    }
    await sleep(50);
  }
  return {
    url,
    port,
    pid: proc.pid!,
    proc,
    output: () => out,
    stop() {
      if (proc.exitCode === null) proc.kill("SIGTERM");
      return exited;
    },
  };
}

/** A child started with bench/<script>.mjs: plain node (no tsx), talking over IPC. */
export interface Child {
  proc: ChildProcess;
  pid: number;
  /** The next message whose `type` is `type`. */
  next<T = any>(type: string, timeoutMs?: number): Promise<T>;
  send(msg: unknown): void;
  stop(): Promise<void>;
}

export function startChild(script: string, args: string[] = []): Child {
  const proc = fork(path.join(BENCH, script), args, {
    execArgv: [],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return ipcChild(proc, script, 120_000);
}

/** Wraps a child started with an IPC channel: messages queued by `type`, stop by SIGTERM. */
export function ipcChild(proc: ChildProcess, name: string, defaultTimeoutMs: number): Child {
  const inbox: any[] = [];
  const waiting: Array<{ type: string; resolve: (m: any) => void }> = [];
  proc.on("message", (m: any) => {
    const i = waiting.findIndex((w) => w.type === m?.type);
    if (i >= 0) waiting.splice(i, 1)[0].resolve(m);
    else inbox.push(m);
  });
  const exited = new Promise<void>((resolve) => proc.on("exit", () => resolve()));
  return {
    proc,
    pid: proc.pid!,
    next(type, timeoutMs = defaultTimeoutMs) {
      const i = inbox.findIndex((m) => m?.type === type);
      if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0]);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${name}: no "${type}" in ${timeoutMs} ms`)),
          timeoutMs,
        );
        const onExit = () => reject(new Error(`${name} exited while waiting for "${type}"`));
        proc.once("exit", onExit);
        waiting.push({
          type,
          resolve: (m) => {
            clearTimeout(timer);
            proc.off("exit", onExit);
            resolve(m);
          },
        });
      });
    },
    send(msg) {
      proc.send(msg as any);
    },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
      await exited;
    },
  };
}

/** A baseline server (bench/baseline-server.mjs) in a child process; resolves with its URL. */
export async function startBaseline(
  config:
    { mode: "static"; status: number; headers: string[]; body: Buffer } | { mode: "sink" } | { mode: "hold" },
): Promise<Child & { url: string }> {
  const child = startChild("baseline-server.mjs");
  const msg = config.mode === "static" ? { ...config, body: config.body.toString("base64") } : config;
  child.send({ type: "config", ...msg });
  const { port } = await child.next<{ port: number }>("listening", 20_000);
  return Object.assign(child, { url: `http://127.0.0.1:${port}` });
}

// Connection-level headers node:http writes itself.
const OWN_HEADERS = new Set(["date", "connection", "keep-alive", "transfer-encoding"]);

/** A reply's raw headers less those node:http adds itself, for a baseline to send verbatim. */
export function copyableHeaders(rawHeaders: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (!OWN_HEADERS.has(rawHeaders[i].toLowerCase())) out.push(rawHeaders[i], rawHeaders[i + 1]);
  }
  return out;
}

/** Fields of /proc/<pid>/status in KiB (VmRSS, VmHWM, …). */
export function procStatus(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of readFileSync(`/proc/${pid}/status`, "utf8").split("\n")) {
    const m = /^(\w+):\s+(\d+) kB/.exec(line);
    if (m) out[m[1]] = Number(m[2]);
  }
  return out;
}

export const rssMiB = (pid: number) => procStatus(pid).VmRSS / 1024;
export const hwmMiB = (pid: number) => procStatus(pid).VmHWM / 1024;

/** User plus system CPU time of a process, in clock ticks (usually 10 ms). */
export function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
}

/** How many of a process's file descriptors are sockets. */
export function socketCount(pid: number): number {
  let n = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith("socket:")) n++;
    } catch {
      // closed meanwhile
    }
  }
  return n;
}

/**
 * Waits until a process has been (nearly) idle for quietMs: under 5% of a core, so that a
 * profiler's own sampling does not count as work. Returns how long that took.
 */
export async function untilIdle(pid: number, quietMs = 1000, maxMs = 60_000): Promise<number> {
  const start = Date.now();
  const window = Math.max(1, Math.round(quietMs / 100));
  const ticks = [cpuTicks(pid)];
  const hz = 100; // USER_HZ: clock ticks per second on Linux
  while (Date.now() - start < maxMs) {
    await sleep(100);
    ticks.push(cpuTicks(pid));
    if (
      ticks.length > window &&
      ticks[ticks.length - 1] - ticks[ticks.length - 1 - window] <= (quietMs / 1000) * hz * 0.05
    )
      break;
  }
  return Date.now() - start;
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
}

/** One HTTP request through agent (keep-alive pools by default: none). */
export function request(
  url: string,
  opts: { method?: string; body?: string | Buffer; agent?: http.Agent } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? "GET", agent: opts.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode!,
          headers: res.headers,
          rawHeaders: res.rawHeaders,
          body: Buffer.concat(chunks),
        }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

export async function put(url: string, body: unknown, agent?: http.Agent): Promise<Reply> {
  const r = await request(url, { method: "PUT", body: JSON.stringify(body), agent });
  if (r.status !== 200) throw new Error(`PUT ${url}: ${r.status} ${r.body.toString()}`);
  return r;
}

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? "unknown cpu";
  return `${os.availableParallelism()} cores (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${os.platform()} ${os.release()}`;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
