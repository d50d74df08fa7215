// Docker check, as Consul's CheckDocker: exec ScriptArgs in a container through the Docker
// Engine API (create exec, start it attached, inspect its exit code), mapping the exit code
// like a script check. Consul passes ScriptArgs as the exec's Cmd unchanged (Shell only
// wraps the legacy single-string Script, which CheckDefinition does not carry). Output is the
// exec's stdout+stderr, last maxOutput bytes, "Captured N of M bytes\n...\n" when cut; API
// failures are critical with Consul's texts ("create exec failed for unknown container x").

import http from "node:http";
import { deadline, type Deadline } from "./dial.ts";
import { errnoText, joinHostPort, type NodeSysError } from "./goerrors.ts";
import { RingBuffer, capturedOutput, goDuration, goQuote, goQueryEscape } from "./output.ts";
import { exitStatus } from "./script.ts";
import { runTimeout } from "./timeouts.ts";
import type { Probe, ProbeResult } from "./types.ts";

export const DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";

export interface DockerEndpoint {
  proto: "unix" | "tcp";
  /** Socket path (unix) or host:port (tcp). */
  addr: string;
  basePath: string;
}

/** Consul's ParseHost (from the Docker client): "unix:///path" or "tcp://host:port[/base]". */
export function parseDockerHost(host: string): DockerEndpoint | { error: string } {
  const i = host.indexOf("://");
  if (i < 0) return { error: `unable to parse docker host \`${host}\`` };
  const proto = host.slice(0, i);
  const rest = host.slice(i + 3);
  if (proto === "unix") return { proto, addr: rest, basePath: "" };
  if (proto === "tcp") {
    const slash = rest.indexOf("/");
    return slash < 0
      ? { proto, addr: rest, basePath: "" }
      : { proto, addr: rest.slice(0, slash), basePath: rest.slice(slash) };
  }
  return { error: `unsupported docker host protocol ${goQuote(proto)}` };
}

/** Where to reach Docker: the context's socket, else $DOCKER_HOST, else Consul's default. */
export function dockerEndpoint(ctxSocket: string | undefined): DockerEndpoint | { error: string } {
  if (ctxSocket) return parseDockerHost(ctxSocket.includes("://") ? ctxSocket : `unix://${ctxSocket}`);
  return parseDockerHost(process.env.DOCKER_HOST || DEFAULT_DOCKER_HOST);
}

// API replies (JSON) are read into their own buffer: Consul reads them through the output-sized
// ring buffer, which truncates the inspect JSON when OutputMaxSize is small.
const API_BUF = 64 * 1024;

class Timeout extends Error {}

interface CallResult {
  status: number;
  body: RingBuffer;
  /** A transport error after the status line arrived (e.g. a reset while streaming). */
  lateError?: string;
}

/** The URL Go's http client names in its errors: the socket path as an escaped host. */
function goUrl(ep: DockerEndpoint, path: string): string {
  const host = ep.proto === "unix" ? encodeURIComponent(ep.addr) : ep.addr;
  return `http://${host}${ep.basePath}${path}`;
}

function transportText(ep: DockerEndpoint, err: NodeSysError): string {
  const dialTo = ep.proto === "unix" ? `unix ${ep.addr}` : `tcp ${ep.addr}`;
  if (err.syscall === "connect") {
    const to = ep.proto === "unix" ? dialTo : `tcp ${joinHostPort(err.address ?? "", err.port ?? 0)}`;
    return `dial ${to}: connect: ${errnoText(err)}`;
  }
  if (err.code === "ECONNRESET") return "read: connection reset by peer";
  return err.message;
}

/**
 * One API call; the response body goes through a ring buffer of `max` bytes. When `demux`
 * is set, the body is Docker's multiplexed stream and only the frames' payloads are kept.
 */
function call(
  ep: DockerEndpoint,
  method: string,
  path: string,
  payload: unknown,
  max: number,
  dl: Deadline,
  demux = false,
): Promise<CallResult> {
  return new Promise((resolve, reject) => {
    const body = payload === undefined ? undefined : JSON.stringify(payload) + "\n";
    // Consul names the host "docker" on a unix socket, where any name would do.
    const headers: Record<string, string> = ep.proto === "unix" ? { Host: "docker" } : {};
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      headers["Content-Length"] = String(Buffer.byteLength(body));
    }
    const target =
      ep.proto === "unix"
        ? { socketPath: ep.addr }
        : { host: ep.addr.slice(0, ep.addr.lastIndexOf(":")), port: Number(ep.addr.split(":").pop()) };
    const req = http.request({ ...target, method, path: ep.basePath + path, headers, agent: false });
    const ring = new RingBuffer(max);
    let status = 0;
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      dl.signal.removeEventListener("abort", onAbort);
      req.destroy();
      fn();
    };
    const onAbort = () => settle(() => reject(new Timeout()));
    if (dl.signal.aborted) return onAbort();
    dl.signal.addEventListener("abort", onAbort, { once: true });
    req.on("error", (err: NodeSysError) => {
      if (status !== 0)
        return settle(() => resolve({ status, body: ring, lateError: transportText(ep, err) }));
      settle(() =>
        reject(
          new Error(
            `${method[0]}${method.slice(1).toLowerCase()} ${goQuote(goUrl(ep, path))}: ${transportText(ep, err)}`,
          ),
        ),
      );
    });
    req.on("response", (res) => {
      status = res.statusCode ?? 0;
      const frames = demux ? new Demuxer(ring) : undefined;
      res.on("data", (c: Buffer) => (frames ? frames.push(c) : ring.write(c)));
      res.on("end", () => settle(() => resolve({ status, body: ring })));
      res.on("error", (err: NodeSysError) =>
        settle(() => resolve({ status, body: ring, lateError: transportText(ep, err) })),
      );
      res.on("close", () => settle(() => resolve({ status, body: ring })));
    });
    req.end(body);
  });
}

/**
 * Docker's stdcopy framing: [stream, 0, 0, 0, size (uint32 BE)] + payload. A stream that
 * does not start with a valid header is passed through raw (a Tty exec, or an old engine).
 */
class Demuxer {
  private pending = Buffer.alloc(0);
  private remaining = 0;
  private raw = false;
  private started = false;
  constructor(private readonly out: RingBuffer) {}

  push(chunk: Buffer): void {
    if (this.raw) return this.out.write(chunk);
    let data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    while (data.length > 0) {
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, data.length);
        this.out.write(data.subarray(0, n));
        this.remaining -= n;
        data = data.subarray(n);
        continue;
      }
      if (data.length < 8) {
        this.pending = Buffer.from(data);
        return;
      }
      const validHeader = data[0] <= 3 && data[1] === 0 && data[2] === 0 && data[3] === 0;
      if (!validHeader && !this.started) {
        this.raw = true;
        return this.out.write(data);
      }
      this.started = true;
      this.remaining = data.readUInt32BE(4);
      data = data.subarray(8);
    }
  }
}

function parseJson<T>(buf: RingBuffer): T {
  return JSON.parse(buf.toString()) as T;
}

export const dockerProbe: Probe = async (def, ctx) => {
  const crit = (output: string): ProbeResult => ({ status: "critical", output });
  const containerID = def.DockerContainerID ?? "";
  const ep = dockerEndpoint(ctx.dockerSocket);
  if ("error" in ep) return crit(ep.error);
  const cmd =
    def.ScriptArgs && def.ScriptArgs.length > 0
      ? def.ScriptArgs
      : [def.Shell || process.env.SHELL || "/bin/sh", "-c", ""];
  const timeoutMs = runTimeout("docker", def, ctx);
  const dl = deadline(ctx.signal, timeoutMs);
  const max = ctx.maxOutput;
  try {
    // Create
    let execID: string;
    {
      const payload = { AttachStdin: false, AttachStdout: true, AttachStderr: true, Tty: false, Cmd: cmd };
      let r: CallResult;
      try {
        r = await call(ep, "POST", `/containers/${goQueryEscape(containerID)}/exec`, payload, API_BUF, dl);
      } catch (e) {
        if (e instanceof Timeout) throw e;
        return crit(`create exec failed for container ${containerID}: ${(e as Error).message}`);
      }
      if (r.status === 201) {
        try {
          execID = parseJson<{ Id: string }>(r.body).Id;
        } catch (e) {
          return crit(
            `create exec response for container ${containerID} cannot be parsed: ${(e as Error).message}`,
          );
        }
      } else if (r.status === 404) {
        return crit(`create exec failed for unknown container ${containerID}`);
      } else if (r.status === 409) {
        return crit(`create exec failed since container ${containerID} is paused or stopped`);
      } else {
        return crit(
          `create exec failed for container ${containerID} with status ${r.status}: ${r.body.toString()}`,
        );
      }
    }
    // Start, attached: the response body is the command's output.
    let output: RingBuffer;
    {
      let r: CallResult;
      try {
        r = await call(ep, "POST", `/exec/${execID}/start`, { Detach: false, Tty: false }, max, dl, true);
      } catch (e) {
        if (e instanceof Timeout) throw e;
        return crit(`start exec failed for container ${containerID}: ${(e as Error).message}`);
      }
      if (r.lateError && !r.lateError.includes("connection reset by peer")) {
        return crit(`start exec failed for container ${containerID}: ${r.lateError}`);
      }
      if (r.status === 404)
        return crit(`start exec failed for container ${containerID}: invalid exec id ${execID}`);
      if (r.status === 409)
        return crit(`start exec failed since container ${containerID} is paused or stopped`);
      if (r.status !== 200) {
        return crit(
          `start exec failed for container ${containerID} with status ${r.status}: body: ${r.body.toString()} err: <nil>`,
        );
      }
      output = r.body;
    }
    // Inspect for the exit code.
    let exitCode: number;
    {
      let r: CallResult;
      try {
        r = await call(ep, "GET", `/exec/${execID}/json`, undefined, API_BUF, dl);
      } catch (e) {
        if (e instanceof Timeout) throw e;
        return crit(`inspect exec failed for container ${containerID}: ${(e as Error).message}`);
      }
      if (r.status === 404)
        return crit(`inspect exec failed for container ${containerID}: invalid exec id ${execID}`);
      if (r.status !== 200) {
        return crit(
          `inspect exec failed for container ${containerID} with status ${r.status}: ${r.body.toString()}`,
        );
      }
      try {
        // A null ExitCode (still running) decodes to 0 in Go, as here.
        exitCode = parseJson<{ ExitCode: number | null }>(r.body).ExitCode ?? 0;
      } catch (e) {
        return crit(
          `inspect exec response for container ${containerID} cannot be parsed: ${(e as Error).message}`,
        );
      }
    }
    return { status: exitStatus(exitCode), output: capturedOutput(output) };
  } catch (e) {
    if (e instanceof Timeout) return crit(`Timed out (${goDuration(timeoutMs)}) running check`);
    throw e;
  } finally {
    dl.dispose();
  }
};
