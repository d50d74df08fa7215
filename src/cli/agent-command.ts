// `census agent`: opens the store, starts the catalog view, the agent and the HTTP API, and
// shuts them down cleanly on SIGINT/SIGTERM.

import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startAgent } from "../agent/agent.ts";
import { PROBES } from "../agent/checks/probes.ts";
import type { ProbeKind } from "../agent/checks/timeouts.ts";
import { decodeCheckSpec, decodeServiceSpec } from "../agent/definitions.ts";
import { createApi, ResponseCache } from "../api/index.ts";
import { openCatalog } from "../catalog/catalog.ts";
import { createMemoryStore } from "../store/memory.ts";
import { openSqliteStore } from "../store/sqlite.ts";
import type { Store } from "../store/types.ts";
import { loadAgentConfig } from "./config.ts";
import { createLogger } from "./log.ts";
import type { AgentConfig } from "./config-types.ts";

/** A stable node ID: kept in <data-dir>/node-id as Consul does, random per run in -dev. */
function nodeIdFor(config: AgentConfig): string {
  if (config.nodeId) return config.nodeId;
  if (!config.dataDir) return randomUUID();
  const file = path.join(config.dataDir, "node-id");
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    const id = randomUUID();
    writeFileSync(file, id);
    return id;
  }
}

function openStore(config: AgentConfig): Store {
  switch (config.store) {
    case "memory":
      return createMemoryStore();
    case "sqlite":
      mkdirSync(config.dataDir!, { recursive: true });
      return openSqliteStore(path.join(config.dataDir!, "census.db"));
    case "etcd":
      throw new Error("the etcd store is not available in this build yet; use -data-dir (SQLite) or -dev");
  }
}

export async function agentCommand(argv: string[]): Promise<number> {
  const early: string[] = [];
  const config = await loadAgentConfig(argv, (m) => early.push(m));
  const log = createLogger(config.logLevel, config.logJson);
  for (const m of early) log.warn(m);

  if (config.dataDir) mkdirSync(config.dataDir, { recursive: true });
  const store = openStore(config);
  const catalog = await openCatalog(store);
  const address = config.advertiseAddr ?? config.bindAddr;
  const agent = await startAgent(catalog, {
    nodeName: config.nodeName,
    nodeId: nodeIdFor(config),
    datacenter: config.datacenter,
    address,
    server: config.server,
    serverPort: config.ports.server,
    nodeMeta: config.nodeMeta,
    enableScriptChecks: config.enableScriptChecks,
    enableLocalScriptChecks: config.enableLocalScriptChecks,
    probe: (kind) => PROBES[kind as ProbeKind],
  });
  for (const s of config.services) await agent.registerService(decodeServiceSpec(s), { fromConfig: true });
  for (const c of config.checks) await agent.registerCheck(decodeCheckSpec(c), { fromConfig: true });

  const servers: { close(): Promise<unknown> }[] = [];
  if (config.ports.http !== -1) {
    for (const host of config.clientAddr) {
      const app = createApi({
        agent,
        catalog,
        view: catalog.view,
        cache: new ResponseCache(),
        prettyByDefault: config.dev,
        datacenter: config.datacenter,
        serverAddr: `${address}:${config.ports.server}`,
        serfLanPort: config.ports.serfLan,
        config: { ...config },
        ui: config.ui,
      });
      await app.listen({ host, port: config.ports.http });
      servers.push(app);
      log.info({ addr: `${host}:${config.ports.http}` }, "HTTP API listening");
    }
  }
  if (config.pidFile) writeFileSync(config.pidFile, `${process.pid}\n`);
  log.info(
    { node: config.nodeName, datacenter: config.datacenter, server: config.server, store: config.store },
    "census agent running",
  );

  // Run until signalled, even with every listener off (-http-port -1): the check timers are
  // unref'd and nothing else would hold the event loop open.
  const alive = setInterval(() => {}, 1 << 30);
  await new Promise<void>((resolve) => {
    const stop = (sig: string) => {
      log.info({ signal: sig }, "shutting down");
      resolve();
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
  clearInterval(alive);
  agent.stop();
  await Promise.all(servers.map((s) => s.close()));
  await catalog.close();
  await store.close();
  if (config.pidFile) {
    try {
      unlinkSync(config.pidFile);
    } catch {
      // already gone
    }
  }
  log.flush();
  return 0;
}
