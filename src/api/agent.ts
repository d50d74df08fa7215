// /v1/agent/*: this agent's own services and checks, and the agent itself.

import { VERSION } from "../agent/agent.ts";
import { decodeCheckSpec, decodeServiceSpec } from "../agent/definitions.ts";
import { aggregateStatus, checksOfInstance } from "../catalog/catalog.ts";
import { NotFoundError } from "../catalog/errors.ts";
import type { HealthStatus, Service } from "../catalog/types.ts";
import { decodeObject, type Schema } from "../lib/decode.ts";
import type { ApiContext } from "./context.ts";
import { HealthCheckSpec, NodeServiceSpec } from "./filter.ts";
import type { FastifyReply } from "fastify";
import { HttpError, objectBody, type Access, type Req, type Route } from "./http.ts";
import { filterOf, queryOptions, sendJson } from "./read.ts";
import { wireAgentService, wireCheck } from "./wire.ts";

const CheckUpdateSchema: Schema = { name: "checkUpdate", fields: { Status: "string", Output: "string" } };

/** Consul truncates check output written through the TTL endpoints to 4 KiB. */
const MAX_OUTPUT = 4096;

/** Consul honours ?replace-existing-checks only as a bare key or "=true". */
const flagParam = (q: Record<string, string>, k: string) => q[k] === "" || q[k] === "true";

export function agentRoutes(ctx: ApiContext): Route[] {
  const { agent, view } = ctx;
  const node = () => agent.node();
  /** `service:<name> read|write` for the local service named by the :id parameter. */
  const ownService =
    (level: Access["level"]) =>
    (req: Req): Access => ({ resource: "service", segment: agent.service(req.params.id)?.Service, level });
  const dc = ctx.datacenter;

  const ttl = (status: HealthStatus) => async (req: Req, reply: FastifyReply) => {
    const note = (req.query.note ?? "").slice(0, MAX_OUTPUT);
    await agent.updateTTL(req.params.id, status, note);
    return reply.send();
  };

  /**
   * Consul's /v1/agent/health/service answer: 200 passing, 429 warning, 503 otherwise, 404 none;
   * text with ?format=text or Accept: text/plain; X-Consul-Reason always.
   */
  const healthOf = (req: Req, reply: FastifyReply, services: Service[], byId: boolean, notFound: string) => {
    const text = req.query.format === "text" || String(req.headers.accept ?? "").startsWith("text/plain");
    if (services.length === 0) {
      reply.code(404).header("X-Consul-Reason", notFound);
      if (text) return reply.type("text/plain").send(notFound);
      return sendJson(
        ctx,
        req,
        reply,
        byId ? { AggregatedStatus: "critical", Service: null, Checks: null } : [],
      );
    }
    const entries = services.map((s) => {
      const checks = checksOfInstance(view, node().Node, s.ID).filter(
        (c) => c.value.CheckID !== "serfHealth",
      );
      return {
        AggregatedStatus: aggregateStatus(checks),
        Service: wireAgentService(s, dc),
        Checks: checks.map((c) => ({ ...wireCheck(c.value), Type: "" })),
      };
    });
    const rank = { passing: 0, warning: 1, critical: 2, maintenance: 2 } as const;
    const worst = entries.reduce(
      (w, e) => (rank[e.AggregatedStatus] > rank[w] ? e.AggregatedStatus : w),
      "passing" as HealthStatus,
    );
    reply.code(worst === "passing" ? 200 : worst === "warning" ? 429 : 503).header("X-Consul-Reason", worst);
    if (text) return reply.type("text/plain").send(worst);
    return sendJson(ctx, req, reply, byId ? entries[0] : entries);
  };

  return [
    {
      methods: ["GET"],
      url: "/v1/agent/self",
      access: () => ({ resource: "agent", segment: node().Node, level: "read" }),
      handler: (req, reply) =>
        sendJson(ctx, req, reply, {
          Config: {
            Datacenter: dc,
            PrimaryDatacenter: dc,
            NodeName: node().Node,
            NodeID: node().ID,
            Revision: "census",
            Server: agent.options.server,
            Version: VERSION,
          },
          DebugConfig: ctx.config,
          Coord: { Vec: [0, 0, 0, 0, 0, 0, 0, 0], Error: 1.5, Adjustment: 0, Height: 0.00001 },
          Member: member(ctx),
          Meta: node().Meta,
          xDS: null,
        }),
    },
    {
      methods: ["GET"],
      url: "/v1/agent/members",
      access: () => ({ resource: "node", level: "read" }),
      handler: (req, reply) => sendJson(ctx, req, reply, [member(ctx)]),
    },
    {
      methods: ["GET"],
      url: "/v1/agent/services",
      access: () => ({ resource: "service", level: "read" }),
      handler: (req, reply) => {
        const filter = filterOf(queryOptions(req, dc), NodeServiceSpec);
        const out: Record<string, unknown> = {};
        for (const s of agent.services().sort((a, b) => (a.ID < b.ID ? -1 : 1))) {
          const w = wireAgentService(s, dc);
          if (!filter || filter(w)) out[s.ID] = w;
        }
        return sendJson(ctx, req, reply, out);
      },
    },
    {
      methods: ["GET"],
      url: "/v1/agent/service/:id",
      access: ownService("read"),
      handler: (req, reply) => {
        const s = agent.service(req.params.id);
        if (!s) throw new NotFoundError(`unknown service ID: ${req.params.id}`);
        const hash = contentHash(s);
        reply.header("X-Consul-Contenthash", hash);
        return sendJson(ctx, req, reply, wireAgentService(s, dc, hash));
      },
    },
    {
      methods: ["PUT"],
      url: "/v1/agent/service/register",
      access: (req) => ({
        resource: "service",
        segment: String((req.body as any)?.Name ?? ""),
        level: "write",
      }),
      handler: async (req, reply) => {
        const spec = decodeServiceSpec(objectBody(req, "structs.ServiceDefinition"));
        await agent.registerService(spec, {
          replaceExistingChecks: flagParam(req.query, "replace-existing-checks"),
        });
        return reply.send();
      },
    },
    {
      methods: ["PUT"],
      url: "/v1/agent/service/deregister/:id",
      access: ownService("write"),
      handler: async (req, reply) => {
        await agent.deregisterService(req.params.id);
        return reply.send();
      },
    },
    {
      methods: ["GET"],
      url: "/v1/agent/checks",
      access: () => ({ resource: "node", segment: node().Node, level: "read" }),
      handler: (req, reply) => {
        const filter = filterOf(queryOptions(req, dc), HealthCheckSpec);
        const out: Record<string, unknown> = {};
        for (const c of agent.checks().sort((a, b) => (a.CheckID < b.CheckID ? -1 : 1))) {
          const w = wireCheck(c);
          if (!filter || filter(w)) out[c.CheckID] = w;
        }
        return sendJson(ctx, req, reply, out);
      },
    },
    {
      methods: ["PUT"],
      url: "/v1/agent/check/register",
      access: () => ({ resource: "node", segment: node().Node, level: "write" }),
      handler: async (req, reply) => {
        await agent.registerCheck(decodeCheckSpec(objectBody(req, "structs.CheckDefinition")));
        return reply.send();
      },
    },
    {
      methods: ["PUT"],
      url: "/v1/agent/check/deregister/:id",
      access: () => ({ resource: "node", segment: node().Node, level: "write" }),
      handler: async (req, reply) => {
        await agent.deregisterCheck(req.params.id);
        return reply.send();
      },
    },
    ...(["pass", "warn", "fail"] as const).map((verb): Route => ({
      methods: ["PUT"],
      url: `/v1/agent/check/${verb}/:id`,
      access: () => ({ resource: "node", segment: node().Node, level: "write" }),
      handler: ttl(({ pass: "passing", warn: "warning", fail: "critical" } as const)[verb]),
    })),
    {
      methods: ["PUT"],
      url: "/v1/agent/check/update/:id",
      access: () => ({ resource: "node", segment: node().Node, level: "write" }),
      handler: async (req, reply) => {
        const u = decodeObject(CheckUpdateSchema, objectBody(req, "checkUpdate")) as {
          Status?: string;
          Output?: string;
        };
        if (!u.Status || !["passing", "warning", "critical"].includes(u.Status)) {
          throw new HttpError(400, `Invalid check status: '${u.Status ?? ""}'`);
        }
        await agent.updateTTL(req.params.id, u.Status as HealthStatus, (u.Output ?? "").slice(0, MAX_OUTPUT));
        return reply.send();
      },
    },
    {
      methods: ["GET"],
      url: "/v1/agent/health/service/name/:name",
      missing: "Missing service Name",
      access: (req) => ({ resource: "service", segment: req.params.name, level: "read" }),
      handler: (req, reply) =>
        healthOf(
          req,
          reply,
          agent.services().filter((s) => s.Service === req.params.name),
          false,
          `ServiceName ${req.params.name} Not Found`,
        ),
    },
    {
      methods: ["GET"],
      url: "/v1/agent/health/service/id/:id",
      missing: "Missing serviceID",
      access: ownService("read"),
      handler: (req, reply) => {
        const s = agent.service(req.params.id);
        return healthOf(req, reply, s ? [s] : [], true, `ServiceId ${req.params.id} not found`);
      },
    },
    {
      methods: ["PUT"],
      url: "/v1/agent/maintenance",
      access: () => ({ resource: "node", segment: node().Node, level: "write" }),
      handler: async (req, reply) => {
        await agent.setNodeMaintenance(enableParam(req), req.query.reason ?? "");
        return reply.send();
      },
    },
    {
      methods: ["PUT"],
      url: "/v1/agent/service/maintenance/:id",
      missing: "Missing service ID",
      access: ownService("write"),
      handler: async (req, reply) => {
        await agent.setServiceMaintenance(req.params.id, enableParam(req), req.query.reason ?? "");
        return reply.send();
      },
    },
  ];
}

function enableParam(req: Req): boolean {
  const v = req.query.enable;
  if (v === undefined) throw new HttpError(400, "Missing value for enable");
  if (/^(1|t|T|TRUE|true|True)$/.test(v)) return true;
  if (/^(0|f|F|FALSE|false|False)$/.test(v)) return false;
  throw new HttpError(400, `Invalid value for enable: "${v}"`);
}

function member(ctx: ApiContext) {
  const n = ctx.agent.node();
  const server = ctx.agent.options.server;
  return {
    Name: n.Node,
    Addr: n.Address,
    Port: ctx.serfLanPort,
    Tags: {
      acls: "0",
      build: `${VERSION}:census`,
      dc: ctx.datacenter,
      id: n.ID,
      port: String(ctx.serverAddr.split(":").pop()),
      raft_vsn: "3",
      role: server ? "consul" : "node",
      segment: "",
      vsn: "2",
      vsn_max: "3",
      vsn_min: "2",
      ...(server ? { bootstrap: "1", expect: "1" } : {}),
    },
    Status: 1,
    ProtocolMin: 1,
    ProtocolMax: 5,
    ProtocolCur: 2,
    DelegateMin: 2,
    DelegateMax: 5,
    DelegateCur: 4,
  };
}

/** A short stable hash of the service definition (Consul uses it for hash-based blocking). */
function contentHash(s: Service): string {
  let h = 0xcbf29ce484222325n;
  for (const ch of Buffer.from(JSON.stringify(s))) {
    h ^= BigInt(ch);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, "0");
}
