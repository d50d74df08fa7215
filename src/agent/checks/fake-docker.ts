// A TEST FAKE of the Docker Engine API, because no Docker engine runs on the machines where
// census is built and tested. It speaks the same HTTP protocol on a unix socket for exactly
// the calls a docker check makes (plus GET /_ping), with or without an API version prefix
// (/v1.41/...):
//   POST /containers/{id}/exec   create an exec: 201 {"Id"}; 404 unknown container; 409 not running
//   POST /exec/{id}/start        run it attached: 200, then the output as Docker's multiplexed
//                                stream (8-byte frame headers) on the hijacked connection
//   GET  /exec/{id}/json         inspect: {"ID","Running","ExitCode",...}
// "Containers" are just names with a state; an exec's Cmd runs on THIS machine through
// node:child_process (no shell, no isolation). Never point it at untrusted input.

import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";

export type FakeContainerState = "running" | "paused" | "exited";

interface Exec {
  id: string;
  containerID: string;
  cmd: string[];
  tty: boolean;
  running: boolean;
  started: boolean;
  exitCode: number | null;
  pid: number;
}

export interface FakeDocker {
  socketPath: string;
  /** Container ID (or name) → state; edit freely while running. */
  containers: Map<string, FakeContainerState>;
  /** Every exec created so far, by ID. */
  execs: Map<string, Exec>;
  close(): Promise<void>;
}

const API_VERSION = "1.41";

function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value) + "\n";
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(body),
    "Api-Version": API_VERSION,
  });
  res.end(body);
}

function readJson(req: http.IncomingMessage): Promise<Record<string, unknown> | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8").trim();
      if (!text) return resolve({});
      try {
        const v: unknown = JSON.parse(text);
        resolve(v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
      } catch {
        resolve(undefined);
      }
    });
  });
}

/** stdcopy frame: [stream, 0, 0, 0, size uint32 BE] + payload. */
function frame(stream: 1 | 2, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

export async function startFakeDocker(opts: {
  socketPath: string;
  containers?: Record<string, FakeContainerState>;
}): Promise<FakeDocker> {
  const containers = new Map(Object.entries(opts.containers ?? {}));
  const execs = new Map<string, Exec>();
  const children = new Set<ChildProcess>();

  /** Runs an exec's Cmd locally; `write` receives each chunk, `done` the exit code. */
  function run(exec: Exec, write: (stream: 1 | 2, data: Buffer) => void, done: () => void): void {
    exec.running = true;
    exec.started = true;
    let child: ChildProcess;
    const fail = (err: NodeJS.ErrnoException) => {
      // What runc reports for a Cmd it cannot start, with the shell's exit codes.
      const why = err.code === "ENOENT" ? "executable file not found in $PATH" : "permission denied";
      write(
        1,
        Buffer.from(
          `OCI runtime exec failed: exec failed: unable to start container process: exec: "${exec.cmd[0]}": ${why}: unknown\r\n`,
        ),
      );
      exec.running = false;
      exec.exitCode = err.code === "ENOENT" ? 127 : 126;
      done();
    };
    try {
      // Own process group, so close() can stop everything an exec started.
      child = spawn(exec.cmd[0], exec.cmd.slice(1), { stdio: ["ignore", "pipe", "pipe"], detached: true });
    } catch (e) {
      return fail(e as NodeJS.ErrnoException);
    }
    children.add(child);
    exec.pid = child.pid ?? 0;
    child.stdout!.on("data", (c: Buffer) => write(1, c));
    child.stderr!.on("data", (c: Buffer) => write(2, c));
    child.on("error", (err) => {
      if (child.pid === undefined) {
        children.delete(child);
        fail(err);
      }
    });
    child.on("close", (code, signal) => {
      if (child.pid === undefined) return;
      children.delete(child);
      exec.running = false;
      const signo = signal
        ? (({ SIGKILL: 9, SIGTERM: 15, SIGINT: 2, SIGHUP: 1 } as Record<string, number>)[signal] ?? 0)
        : 0;
      exec.exitCode = code ?? 128 + signo;
      done();
    });
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://docker");
    const path = url.pathname.replace(/^\/v\d+\.\d+(?=\/)/, "");
    const method = req.method ?? "GET";
    let m: RegExpExecArray | null;

    if (path === "/_ping" && (method === "GET" || method === "HEAD")) {
      res.writeHead(200, {
        "Content-Type": "text/plain; charset=utf-8",
        "Api-Version": API_VERSION,
        OSType: "linux",
      });
      return void res.end(method === "HEAD" ? undefined : "OK");
    }

    if ((m = /^\/containers\/([^/]+)\/exec$/.exec(path)) && method === "POST") {
      const id = decodeURIComponent(m[1]);
      const body = await readJson(req);
      const state = containers.get(id);
      if (!state) return sendJson(res, 404, { message: `No such container: ${id}` });
      if (state === "paused") {
        return sendJson(res, 409, {
          message: `Container ${id} is paused, unpause the container before exec`,
        });
      }
      if (state !== "running") return sendJson(res, 409, { message: `Container ${id} is not running` });
      if (!body) return sendJson(res, 400, { message: "invalid JSON body" });
      const cmd = body.Cmd;
      if (!Array.isArray(cmd) || cmd.length === 0 || !cmd.every((a) => typeof a === "string")) {
        return sendJson(res, 400, { message: "No exec command specified" });
      }
      const exec: Exec = {
        id: randomBytes(32).toString("hex"),
        containerID: id,
        cmd: cmd as string[],
        tty: body.Tty === true,
        running: false,
        started: false,
        exitCode: null,
        pid: 0,
      };
      execs.set(exec.id, exec);
      return sendJson(res, 201, { Id: exec.id });
    }

    if ((m = /^\/exec\/([^/]+)\/start$/.exec(path)) && method === "POST") {
      const exec = execs.get(m[1]);
      const body = await readJson(req);
      if (!exec) return sendJson(res, 404, { message: `No such exec instance: ${m[1]}` });
      if (exec.started)
        return sendJson(res, 409, { message: `Error: Exec command ${exec.id} is already running` });
      if (containers.get(exec.containerID) !== "running") {
        return sendJson(res, 409, { message: `Container ${exec.containerID} is not running` });
      }
      if (!body) return sendJson(res, 400, { message: "invalid JSON body" });
      if (body.Detach === true) {
        run(
          exec,
          () => {},
          () => {},
        );
        res.writeHead(200, { "Content-Length": 0, "Api-Version": API_VERSION });
        return void res.end();
      }
      const tty = body.Tty === true || exec.tty;
      // Docker hijacks the connection: status line and headers, then the stream until the
      // process ends and the connection closes (no Content-Length, no chunked encoding).
      const contentType = tty
        ? "application/vnd.docker.raw-stream"
        : "application/vnd.docker.multiplexed-stream";
      res.useChunkedEncodingByDefault = false;
      res.shouldKeepAlive = false;
      res.writeHead(200, { "Content-Type": contentType, "Api-Version": API_VERSION });
      res.flushHeaders();
      run(
        exec,
        (stream, data) => {
          if (!res.destroyed) res.write(tty ? data : frame(stream, data));
        },
        () => res.end(),
      );
      return;
    }

    if ((m = /^\/exec\/([^/]+)\/json$/.exec(path)) && method === "GET") {
      const exec = execs.get(m[1]);
      if (!exec) return sendJson(res, 404, { message: `No such exec instance: ${m[1]}` });
      return sendJson(res, 200, {
        CanRemove: false,
        ContainerID: exec.containerID,
        DetachKeys: "",
        ExitCode: exec.exitCode,
        ID: exec.id,
        OpenStderr: true,
        OpenStdin: false,
        OpenStdout: true,
        ProcessConfig: {
          arguments: exec.cmd.slice(1),
          entrypoint: exec.cmd[0],
          privileged: false,
          tty: exec.tty,
          user: "",
        },
        Running: exec.running,
        Pid: exec.pid,
      });
    }

    sendJson(res, 404, { message: "page not found" });
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) sendJson(res, 500, { message: err.message });
    });
  });
  fs.rmSync(opts.socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.socketPath, () => resolve());
  });

  return {
    socketPath: opts.socketPath,
    containers,
    execs,
    close: async () => {
      for (const c of children) {
        try {
          process.kill(-c.pid!, "SIGKILL");
        } catch {
          c.kill("SIGKILL");
        }
      }
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(opts.socketPath, { force: true });
    },
  };
}
