// A load client for long polls, in a process of its own: opens many raw TCP connections, sends
// one GET on each, and records when (CLOCK_MONOTONIC, ms) each complete answer arrives and the
// X-Consul-Index it carries; "again" sends the next GET on every connection. Driven over IPC by
// bench/blocking.ts.
/* global process, Buffer */

import net from "node:net";

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

/** @type {Array<{ socket: net.Socket, chunks: Buffer[], size: number, done: boolean }>} */
let conns = [];
const answers = []; // { at, status, index }
let errors = 0;
let closedEarly = 0;
let lastError = "";

function parse(conn) {
  const buf = conn.chunks.length === 1 ? conn.chunks[0] : Buffer.concat(conn.chunks);
  conn.chunks = [buf];
  const end = buf.indexOf("\r\n\r\n");
  if (end < 0) return undefined;
  const head = buf.subarray(0, end).toString("latin1");
  const lines = head.split("\r\n");
  const status = Number(lines[0].split(" ")[1]);
  const headers = {};
  for (const l of lines.slice(1)) {
    const i = l.indexOf(":");
    headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  const bodyLen = buf.length - end - 4;
  if (headers["content-length"] !== undefined) {
    if (bodyLen < Number(headers["content-length"])) return undefined;
  } else if (headers["transfer-encoding"] === "chunked") {
    if (!buf.subarray(buf.length - 5).equals(Buffer.from("0\r\n\r\n"))) return undefined;
  }
  return { status, index: Number(headers["x-consul-index"] ?? 0) };
}

function open({ host, port, path, count, concurrency = 256 }) {
  const started = nowMs();
  const req = Buffer.from(`GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nAccept: */*\r\n\r\n`);
  let next = 0;
  let written = 0;
  let inflight = 0;
  return new Promise((resolve) => {
    const finishOne = () => {
      inflight--;
      written++;
      if (written === count) resolve({ written, errors, ms: nowMs() - started });
      else pump();
    };
    const pump = () => {
      while (inflight < concurrency && next < count) {
        next++;
        inflight++;
        const conn = { socket: undefined, chunks: [], size: 0, done: false };
        const socket = net.connect({ host, port });
        conn.socket = socket;
        conns.push(conn);
        let counted = false;
        const once = () => {
          if (!counted) {
            counted = true;
            finishOne();
          }
        };
        socket.setNoDelay(true);
        socket.on("connect", () => socket.write(req, once));
        socket.on("data", (d) => {
          if (conn.done) return;
          conn.chunks.push(d);
          const r = parse(conn);
          if (r) {
            conn.done = true;
            conn.chunks = [];
            answers.push({ at: nowMs(), status: r.status, index: r.index });
          }
        });
        socket.on("error", (e) => {
          errors++;
          lastError = String(e.message);
          once();
        });
        socket.on("close", () => {
          if (!conn.done) closedEarly++;
        });
      }
    };
    pump();
  });
}

process.on("message", async (m) => {
  switch (m?.type) {
    case "open": {
      const r = await open(m);
      process.send({ type: "opened", ...r, lastError });
      break;
    }
    case "status?":
      process.send({ type: "status", answered: answers.length, errors, closedEarly, lastError });
      break;
    case "report?":
      process.send({
        type: "report",
        times: answers.map((a) => a.at),
        statuses: answers.map((a) => a.status),
        indexes: answers.map((a) => a.index),
        errors,
        closedEarly,
      });
      break;
    case "again": {
      // The next long poll on every connection (keep-alive), as a client's blocking loop does.
      answers.length = 0;
      const req = Buffer.from(`GET ${m.path} HTTP/1.1\r\nHost: ${m.host}:${m.port}\r\nAccept: */*\r\n\r\n`);
      let written = 0;
      for (const c of conns) {
        c.done = false;
        c.chunks = [];
        c.socket.write(req, () => {
          if (++written === conns.length) process.send({ type: "rearmed", written });
        });
      }
      break;
    }
    case "close":
      for (const c of conns) c.socket.destroy();
      conns = [];
      process.send({ type: "closed" });
      break;
  }
});

process.on("SIGTERM", () => process.exit(0));
process.on("disconnect", () => process.exit(0));
