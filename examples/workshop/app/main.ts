// The workshop's avatar API service: shows a GitHub account's avatar, registers itself with the
// catalog (an HTTP check on /health) and deregisters when stopped. TypeScript successor of the
// workshop's Flask + python-consul app.
//
//   ACCOUNT=octocat CONSUL_HTTP_ADDR=127.0.0.1:8500 node --import tsx examples/workshop/app/main.ts [--config FILE]
//
// See README.md beside this file.

import http from "node:http";
import { AvatarSource } from "./avatar.ts";
import { Fatal, USAGE, hostPort, loadConfig, parseArgs, type Config } from "./config.ts";
import { Registrar, describeConsulError, serviceId } from "./register.ts";
import { createHandler } from "./server.ts";

const log = (line: string) => console.log(line);
let stopping = false;

function fail(message: string): never {
  console.error(`workshop app: ${message}`);
  process.exit(1);
}

function listen(server: http.Server, config: Config): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const where = `port ${config.port} on ${config.host}`;
      if (err.code === "EADDRINUSE") reject(new Fatal(`${where} is already in use`));
      else if (err.code === "EACCES") reject(new Fatal(`not allowed to listen on ${where}`));
      else if (err.code === "EADDRNOTAVAIL" || err.code === "ENOTFOUND" || err.code === "EAI_AGAIN") {
        reject(new Fatal(`cannot listen on ${where}: ${config.host} is not an address of this machine`));
      } else reject(new Fatal(`cannot listen on ${where}: ${err.message}`));
    };
    server.once("error", onError);
    server.listen(config.port, config.host, () => {
      server.off("error", onError);
      const addr = server.address();
      resolve(typeof addr === "object" && addr ? addr.port : config.port);
    });
  });
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const config = loadConfig(args.configFile);
  const registrar = new Registrar(config.consul, process.env.CONSUL_HTTP_TOKEN ?? "");

  // The avatar source needs the advertised address; the server needs the avatar source. Bind first
  // (so a port in use fails at once), then resolve the actual port (PORT=0 picks a free one).
  let handler: http.RequestListener = (_req, res) => res.writeHead(503).end();
  const server = http.createServer((req, res) => handler(req, res));
  const port = await listen(server, config);
  const base = `http://${hostPort(config.host, port)}`;
  const avatars = new AvatarSource({
    name: config.name,
    token: config.token,
    githubApi: config.githubApi,
    identiconUrl: `${base}/identicon.svg`,
    log,
  });
  handler = createHandler(config.name, avatars);
  log(`workshop app: ${config.name} listening on ${base}`);

  // Signals: deregister (once registered), stop serving, exit 0. A second signal exits at once.
  let registration: Promise<boolean> = Promise.resolve(false);
  const stop = async (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    registrar.abort();
    const registered = await registration.catch(() => false);
    if (registered) {
      try {
        await registrar.deregister(config.name);
        log(`workshop app: ${signal}: deregistered ${serviceId(config.name)}`);
      } catch (err) {
        console.error(
          `workshop app: ${signal}: could not deregister ${serviceId(config.name)}: ${describeConsulError(err)}` +
            ` (the agent drops it after ${config.deregisterCriticalServiceAfter} critical)`,
        );
      }
    }
    server.close();
    server.closeAllConnections();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));

  registration = registrar.register(
    {
      name: config.name,
      host: config.host,
      port,
      checkInterval: config.checkInterval,
      deregisterCriticalServiceAfter: config.deregisterCriticalServiceAfter,
    },
    config.registerTimeoutMs,
    log,
  );
  await Promise.all([avatars.refresh(), registration]);
}

main().catch((err) => {
  if (stopping) return; // a signal's shutdown is under way and exits by itself
  if (err instanceof Fatal) fail(err.message);
  fail(err?.stack ?? String(err));
});
