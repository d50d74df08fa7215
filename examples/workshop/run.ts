// `npm run workshop`: the whole workshop on one machine: a dev agent, N avatar instances that
// register themselves, Debian's nginx on a free port, and `census template` rendering nginx's
// site and index page from the catalog and reloading nginx when they change.
//
//   npm run workshop -- -n 3 [-port 8080] [-interval 10s] [-accounts a,b,c]

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseFlags } from "../../src/cli/flags.ts";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
const CENSUS = path.join(ROOT, "bin", "census");
const ACCOUNTS = ["octocat", "defunkt", "mojombo", "pjhyett", "wycats", "ezmobius", "ivey", "evanphx"];

export const NGINX_BIN = process.env.NGINX ?? "/usr/sbin/nginx";

const { values } = parseFlags(process.argv.slice(2), {
  n: { kind: "int", help: "How many avatar instances to start.", defaultText: "3" },
  port: { kind: "int", help: "nginx's port (a free one by default)." },
  interval: { kind: "string", help: "The instances' check interval.", defaultText: "10s" },
  accounts: { kind: "string", help: "Comma-separated account names for the instances." },
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const children: ChildProcess[] = [];
function start(name: string, cmd: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(cmd, args, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", "inherit"],
  });
  child.on("exit", (code, signal) => {
    if (!stopping) console.error(`workshop: ${name} exited (${signal ?? code})`);
  });
  children.push(child);
  return child;
}

async function waitFor(url: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let stopping = false;
function stopAll(code: number) {
  if (stopping) return;
  stopping = true;
  for (const c of [...children].reverse()) if (c.exitCode === null) c.kill("SIGTERM");
  setTimeout(() => process.exit(code), 1500).unref();
  Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.on("exit", r))))).then(
    () => process.exit(code),
  );
}
process.on("SIGINT", () => stopAll(0));
process.on("SIGTERM", () => stopAll(0));

async function main() {
  if (spawnSync(NGINX_BIN, ["-v"]).error) {
    console.error(
      `workshop: nginx is not installed (${NGINX_BIN}); install it with: sudo apt-get install -y nginx-light`,
    );
    process.exit(1);
  }
  const n = values.n ?? 3;
  const accounts = values.accounts ? values.accounts.split(",") : ACCOUNTS.slice(0, n);
  if (accounts.length < n) throw new Error(`-accounts names ${accounts.length} accounts for -n ${n}`);

  const agentPort = await freePort();
  const consul = `127.0.0.1:${agentPort}`;
  start("census agent", CENSUS, [
    "agent",
    "-dev",
    "-http-port",
    String(agentPort),
    "-dns-port",
    "-1",
    "-log-level",
    "warn",
  ]);
  await waitFor(`http://${consul}/v1/status/leader`, 20_000);

  for (const account of accounts.slice(0, n)) {
    const port = await freePort();
    const child = start(
      `instance ${account}`,
      process.execPath,
      ["--import", "tsx", path.join(HERE, "app", "main.ts")],
      {
        ACCOUNT: account,
        HOST: "127.0.0.1",
        PORT: String(port),
        CONSUL_HTTP_ADDR: consul,
        CHECK_INTERVAL: values.interval ?? "10s",
      },
    );
    console.log(`workshop: instance ${account} pid ${child.pid} port ${port}`);
  }

  // nginx in a prefix of its own: config, pid, logs and temp files, nothing system-wide.
  const prefix = mkdtempSync(path.join(os.tmpdir(), "census-workshop-"));
  chmodSync(prefix, 0o755); // nginx's workers (nobody, when started as root) read the page
  const root = path.join(prefix, "html");
  mkdirSync(root, { mode: 0o755 });
  mkdirSync(path.join(prefix, "tmp"));
  const listen = values.port ?? (await freePort());
  const conf = path.join(prefix, "nginx.conf");
  writeFileSync(conf, nginxConf(prefix));
  const env = {
    CONSUL_HTTP_ADDR: consul,
    WORKSHOP_NGINX_LISTEN: `127.0.0.1:${listen}`,
    WORKSHOP_NGINX_ROOT: root,
  };
  const templates = [
    `${path.join(HERE, "nginx", "site.conf.tpl")}:${path.join(prefix, "site.conf")}`,
    `${path.join(HERE, "nginx", "index.html.tpl")}:${path.join(root, "index.html")}`,
  ];
  // Render once so nginx starts with a site, then keep rendering and reloading nginx.
  const once = spawnSync(CENSUS, ["template", "-once", ...templates.flatMap((t) => ["-template", t])], {
    env: { ...process.env, ...env },
    stdio: "inherit",
  });
  if (once.status !== 0) throw new Error("census template could not render the nginx site");
  start("nginx", NGINX_BIN, ["-p", prefix, "-c", conf, "-g", "daemon off;"]);
  const reload = `${NGINX_BIN} -p ${prefix} -c ${conf} -s reload`;
  start(
    "census template",
    CENSUS,
    ["template", ...templates.flatMap((t, i) => ["-template", i === 0 ? `${t}:${reload}` : t])],
    env,
  );
  await waitFor(`http://127.0.0.1:${listen}/health`, 10_000);
  console.log(`workshop: nginx prefix ${prefix}`);
  console.log(
    `\nworkshop: open http://127.0.0.1:${listen}/  (agent: http://${consul}/v1/health/service/workshop, Ctrl-C stops everything)\n`,
  );
}

export function nginxConf(prefix: string): string {
  const t = (p: string) => path.join(prefix, "tmp", p);
  return `worker_processes 1;
pid ${path.join(prefix, "nginx.pid")};
error_log ${path.join(prefix, "error.log")} warn;
events { worker_connections 512; }
http {
    access_log ${path.join(prefix, "access.log")};
    client_body_temp_path ${t("body")};
    proxy_temp_path ${t("proxy")};
    fastcgi_temp_path ${t("fastcgi")};
    uwsgi_temp_path ${t("uwsgi")};
    scgi_temp_path ${t("scgi")};
    default_type text/html;
    include ${path.join(prefix, "site.conf")};
}
`;
}

main().catch((err) => {
  console.error(`workshop: ${err.message}`);
  stopAll(1);
});
