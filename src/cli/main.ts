// bin/census: Consul's command names, flags and exit codes.

import { readFile } from "node:fs/promises";
import path from "node:path";
import { VERSION } from "../agent/agent.ts";
import { ConfigError, parseConfigText } from "./config.ts";
import { FlagError, parseFlags, usage, type FlagSpec } from "./flags.ts";

const httpFlags = {
  "http-addr": {
    kind: "string",
    help: "The address of the census agent (or CONSUL_HTTP_ADDR).",
    defaultText: "127.0.0.1:8500",
  },
  token: { kind: "string", help: "ACL token to use in the request (or CONSUL_HTTP_TOKEN)." },
  datacenter: { kind: "string", help: "Name of the datacenter to query." },
} satisfies FlagSpec;

function baseUrl(flag: string | undefined): string {
  const addr = flag ?? process.env.CONSUL_HTTP_ADDR ?? "127.0.0.1:8500";
  return /^https?:\/\//.test(addr) ? addr.replace(/\/$/, "") : `http://${addr}`;
}

async function call(
  flags: { "http-addr"?: string; token?: string },
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const url = baseUrl(flags["http-addr"]) + path;
  const token = flags.token ?? process.env.CONSUL_HTTP_TOKEN;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: token ? { "X-Consul-Token": token } : {},
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new CliError(`Error connecting to census agent at ${url}: ${(err as any).cause?.message ?? err}`);
  }
  const text = await res.text();
  if (!res.ok) throw new CliError(`Unexpected response code: ${res.status} (${text.trim()})`);
  return text ? JSON.parse(text) : undefined;
}

class CliError extends Error {}

const pad = (rows: string[][]) => {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] + 2)))
        .join("")
        .trimEnd(),
    )
    .join("\n");
};

type Command = (argv: string[]) => Promise<number>;

const commands: Record<string, { help: string; run: Command }> = {
  // Loaded when used: a client command need not load the agent's server, store and checks.
  agent: {
    help: "Runs a census agent",
    run: async (argv) => (await import("./agent-command.ts")).agentCommand(argv),
  },
  template: {
    help: "Renders files from the catalog and keeps them current (consul-template)",
    run: async (argv) => (await import("./template-command.ts")).templateCommand(argv),
  },
  version: {
    help: "Prints the census version",
    run: async () => {
      console.log(`census v${VERSION}\nConsul API compatibility: v${VERSION}`);
      return 0;
    },
  },
  members: {
    help: "Lists the members of a census cluster",
    run: async (argv) => {
      const { values } = parseFlags(argv, httpFlags);
      const members = (await call(values, "GET", "/v1/agent/members")) as any[];
      const rows = [["Node", "Address", "Status", "Type", "Build", "Protocol", "DC", "Partition", "Segment"]];
      for (const m of members) {
        rows.push([
          m.Name,
          `${m.Addr}:${m.Port}`,
          ["none", "alive", "leaving", "left", "failed"][m.Status] ?? "unknown",
          m.Tags.role === "consul" ? "server" : "client",
          (m.Tags.build ?? "").split(":")[0],
          String(m.ProtocolCur),
          m.Tags.dc,
          "default",
          m.Tags.segment ? m.Tags.segment : "<all>",
        ]);
      }
      console.log(pad(rows));
      return 0;
    },
  },
  catalog: {
    help: "Interact with the catalog (services, nodes, datacenters)",
    run: async (argv) => {
      const [sub, ...rest] = argv;
      const spec = {
        ...httpFlags,
        tags: { kind: "bool", help: "Display each service's tags." },
        service: { kind: "string", help: "Nodes providing the named service." },
      } satisfies FlagSpec;
      const { values } = parseFlags(rest, spec);
      if (sub === "services") {
        const services = (await call(values, "GET", "/v1/catalog/services")) as Record<string, string[]>;
        const names = Object.keys(services).sort();
        if (values.tags) console.log(pad(names.map((n) => [n, services[n].join(",")])));
        else for (const n of names) console.log(n);
        return 0;
      }
      if (sub === "nodes") {
        const nodes = (
          values.service
            ? (
                (await call(
                  values,
                  "GET",
                  `/v1/catalog/service/${encodeURIComponent(values.service)}`,
                )) as any[]
              ).map((s) => ({ Node: s.Node, ID: s.ID, Address: s.Address, Datacenter: s.Datacenter }))
            : ((await call(values, "GET", "/v1/catalog/nodes")) as any[])
        ) as any[];
        const rows = [["Node", "ID", "Address", "DC"]];
        for (const n of nodes) rows.push([n.Node, String(n.ID).slice(0, 8), n.Address, n.Datacenter]);
        console.log(pad(rows));
        return 0;
      }
      if (sub === "datacenters") {
        for (const dc of (await call(values, "GET", "/v1/catalog/datacenters")) as string[]) console.log(dc);
        return 0;
      }
      console.error("Usage: census catalog <services|nodes|datacenters> [options]");
      return 1;
    },
  },
  services: {
    help: "Register or deregister services",
    run: async (argv) => {
      const [sub, ...rest] = argv;
      const spec = {
        ...httpFlags,
        id: { kind: "string", help: "ID of the service." },
        name: { kind: "string", help: "Name of the service." },
        address: { kind: "string", help: "Address of the service." },
        port: { kind: "int", help: "Port of the service." },
        tag: { kind: "list", help: "Tag to add to the service (repeatable)." },
        meta: { kind: "list", help: "Metadata key=value (repeatable)." },
      } satisfies FlagSpec;
      const { values, args } = parseFlags(rest, spec);
      if (sub === "register") {
        const defs: unknown[] = [];
        if (args.length > 0) {
          for (const file of args) {
            const ext = path.extname(file);
            const format = ext === ".hcl" ? "hcl" : ext === ".json5" ? "json5" : "json";
            const parsed: any = await parseConfigText(file, await readFile(file, "utf8"), format);
            const list = parsed.services ?? (parsed.service ? parsed.service : [parsed]);
            defs.push(...(Array.isArray(list) ? list : [list]));
          }
        } else {
          if (!values.name)
            throw new CliError("Service name must be specified with -name or a file argument");
          defs.push({
            ID: values.id,
            Name: values.name,
            Address: values.address,
            Port: values.port,
            Tags: values.tag,
            Meta: Object.fromEntries(values.meta.map((m) => [m.split("=")[0], m.slice(m.indexOf("=") + 1)])),
          });
        }
        for (const d of defs) {
          await call(values, "PUT", "/v1/agent/service/register", d);
          console.log(`Registered service: ${(d as any).Name ?? (d as any).name}`);
        }
        return 0;
      }
      if (sub === "deregister") {
        const id = values.id ?? values.name;
        if (!id) throw new CliError("Service ID must be specified with -id");
        await call(values, "PUT", `/v1/agent/service/deregister/${encodeURIComponent(id)}`);
        console.log(`Deregistered service: ${id}`);
        return 0;
      }
      console.error(`Usage: census services <register|deregister> [options]\n\n${usage(spec)}`);
      return 1;
    },
  },
};

function help(): string {
  const names = Object.keys(commands).sort();
  const w = Math.max(...names.map((n) => n.length));
  return `Usage: census [--version] [--help] <command> [<args>]\n\nAvailable commands are:\n${names
    .map((n) => `    ${n.padEnd(w + 4)}${commands[n].help}`)
    .join("\n")}`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "-h" || name === "-help" || name === "--help") {
    console.error(help());
    return name ? 0 : 1;
  }
  if (name === "-v" || name === "-version" || name === "--version") return commands.version.run([]);
  const cmd = commands[name];
  if (!cmd) {
    console.error(`census: unknown command "${name}"\n\n${help()}`);
    return 1;
  }
  try {
    return await cmd.run(rest);
  } catch (err) {
    if (err instanceof FlagError) {
      if (err.helpRequested) return 0;
      console.error(err.message);
      return 1;
    }
    if (err instanceof ConfigError || err instanceof CliError) {
      console.error(`==> ${err.message}`);
      return 1;
    }
    console.error(`==> ${(err as Error).message ?? err}`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
