// The baseline: a plain node:http server, in a process of its own, configured over IPC.
//   static: answers every request with the same status, headers and bytes
//   sink:   reads the request body, answers 200 with an empty body
//   hold:   reads the request and answers only when told to release (an idle long poll), then
//           answers every held request at once with the status, headers and bytes it is sent
/* global process, Buffer */

import http from "node:http";

process.once("message", (config) => {
  let handler;
  const held = new Set();
  if (config.mode === "static") {
    const body = Buffer.from(config.body, "base64");
    handler = (req, res) => {
      req.resume();
      res.writeHead(config.status, config.headers);
      res.end(body);
    };
  } else if (config.mode === "sink") {
    handler = (req, res) => {
      let n = 0;
      req.on("data", (c) => (n += c.length));
      req.on("end", () => {
        res.writeHead(200, { "Content-Length": "0" });
        res.end();
      });
    };
  } else if (config.mode === "hold") {
    handler = (req, res) => {
      req.resume();
      held.add(res);
      res.on("close", () => held.delete(res));
    };
  } else {
    throw new Error(`unknown mode ${config.mode}`);
  }
  const server = http.createServer({ keepAliveTimeout: 75_000 }, handler);
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  server.listen({ host: "127.0.0.1", port: 0, backlog: 4096 }, () => {
    process.send({ type: "listening", port: server.address().port });
  });
  process.on("message", (m) => {
    if (m?.type === "held?") process.send({ type: "held", count: held.size });
    if (m?.type === "release") {
      const body = Buffer.from(m.body, "base64");
      const all = [...held];
      held.clear();
      for (const res of all) {
        res.writeHead(m.status, m.headers);
        res.end(body);
      }
      process.send({ type: "released", count: all.length });
    }
  });
});

process.on("SIGTERM", () => process.exit(0));
process.on("disconnect", () => process.exit(0));
