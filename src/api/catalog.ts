// /v1/catalog/*: the cluster-wide view of nodes and services.

import { decodeNodeService, toService, validateMeta } from "../agent/definitions.ts";
import {
  deregistrationOps,
  instancesOf,
  listNodes,
  listServices,
  registrationOps,
  servicesOfNode,
} from "../catalog/catalog.ts";
import { InvalidError, ServerError } from "../catalog/errors.ts";
import type { Check, HealthStatus, Node } from "../catalog/types.ts";
import { decodeObject, type Schema } from "../lib/decode.ts";
import { hasTags, nodeMetaFilter, queryList, type ApiContext } from "./context.ts";
import { CatalogServiceSpec, NodeServiceSpec, NodeSpec } from "./filter.ts";
import { objectBody, type Route } from "./http.ts";
import { blockingRead, filterOf, sendJson } from "./read.ts";
import { wireCatalogService, wireNode, wireNodeService } from "./wire.ts";

const HealthCheckSchema: Schema = {
  name: "HealthCheck",
  fields: {
    Node: "string",
    CheckID: "string",
    Name: "string",
    Status: "string",
    Notes: "string",
    Output: "string",
    ServiceID: "string",
    ServiceName: "string",
    Type: "string",
    Definition: "any",
  },
  aliases: { ID: "CheckID" },
};

const RegisterRequestSchema: Schema = {
  name: "RegisterRequest",
  fields: {
    ID: "string",
    Node: "string",
    Address: "string",
    Datacenter: "string",
    TaggedAddresses: "stringMap",
    NodeMeta: "stringMap",
    Service: "any",
    Check: { object: HealthCheckSchema },
    Checks: { list: { object: HealthCheckSchema } },
    SkipNodeUpdate: "bool",
  },
};

const DeregisterRequestSchema: Schema = {
  name: "DeregisterRequest",
  fields: { Node: "string", Datacenter: "string", ServiceID: "string", CheckID: "string" },
};

const STATUSES = new Set(["passing", "warning", "critical", "maintenance"]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Consul's catalog endpoint reports a bad service from its RPC layer: 500. */
function catalogService(spec: Parameters<typeof toService>[0]) {
  try {
    return toService(spec);
  } catch (err) {
    if (err instanceof InvalidError) throw new ServerError(err.message);
    throw err;
  }
}

export function catalogRoutes(ctx: ApiContext): Route[] {
  const { view } = ctx;
  return [
    {
      methods: ["PUT"],
      url: "/v1/catalog/register",
      access: (req) => ({ resource: "node", segment: String((req.body as any)?.Node ?? ""), level: "write" }),
      handler: async (req, reply) => {
        const r = decodeObject(RegisterRequestSchema, objectBody(req, "structs.RegisterRequest")) as any;
        if (!r.Node) throw new ServerError("Must provide node");
        if (!r.Address && !r.SkipNodeUpdate)
          throw new ServerError("Must provide address if SkipNodeUpdate is not set");
        if (r.ID && !UUID.test(r.ID)) throw new ServerError(`Bad node ID: invalid UUID "${r.ID}"`);
        if (r.Datacenter && r.Datacenter !== ctx.datacenter) throw new ServerError("No path to datacenter");
        try {
          validateMeta(r.NodeMeta ?? {}, true);
        } catch (err) {
          throw new ServerError(`Invalid node metadata: ${(err as Error).message}`);
        }
        const existing = view.nodes.get(r.Node)?.value;
        const node: Node = {
          ID: r.ID ?? existing?.ID ?? "",
          Node: r.Node,
          Address: r.Address ?? existing?.Address ?? "",
          Datacenter: ctx.datacenter,
          TaggedAddresses: r.TaggedAddresses ?? existing?.TaggedAddresses ?? {},
          Meta: r.NodeMeta ?? existing?.Meta ?? {},
        };
        const service =
          r.Service !== undefined && r.Service !== null
            ? catalogService(decodeNodeService(r.Service))
            : undefined;
        const checks: Check[] = [...(r.Check ? [r.Check] : []), ...(r.Checks ?? [])].map((c: any) => {
          if (!c.CheckID && !c.Name) throw new ServerError("Missing check ID");
          const status = c.Status || "critical";
          if (!STATUSES.has(status)) throw new ServerError(`Invalid check status "${status}"`);
          const sid = c.ServiceID || "";
          const owner = sid
            ? sid === service?.ID
              ? service
              : view.services.get(r.Node)?.get(sid)?.value
            : undefined;
          if (sid && !owner)
            throw new ServerError(`Unknown service ID "${sid}" for check ID "${c.CheckID || c.Name}"`);
          return {
            Node: r.Node,
            CheckID: c.CheckID || c.Name,
            Name: c.Name || c.CheckID,
            Status: status as HealthStatus,
            Notes: c.Notes ?? "",
            Output: c.Output ?? "",
            ServiceID: sid,
            ServiceName: owner?.Service ?? "",
            ServiceTags: owner?.Tags ?? [],
            Type: c.Type ?? "",
            Definition: {},
          };
        });
        await ctx.catalog.commit(
          registrationOps(view, { node, skipNodeUpdate: r.SkipNodeUpdate, service, checks }),
        );
        return sendJson(ctx, req, reply, true);
      },
    },
    {
      methods: ["PUT"],
      url: "/v1/catalog/deregister",
      access: (req) => ({ resource: "node", segment: String((req.body as any)?.Node ?? ""), level: "write" }),
      handler: async (req, reply) => {
        const r = decodeObject(DeregisterRequestSchema, objectBody(req, "structs.DeregisterRequest")) as any;
        if (!r.Node) throw new ServerError("Must provide node");
        await ctx.catalog.commit(
          deregistrationOps(view, { node: r.Node, serviceId: r.ServiceID, checkId: r.CheckID }),
        );
        return sendJson(ctx, req, reply, true);
      },
    },
    {
      methods: ["GET"],
      url: "/v1/catalog/datacenters",
      access: () => ({ resource: "none", level: "read" }),
      handler: (req, reply) => sendJson(ctx, req, reply, [ctx.datacenter]),
    },
    {
      methods: ["GET"],
      url: "/v1/catalog/nodes",
      access: () => ({ resource: "node", level: "read" }),
      handler: (req, reply) =>
        blockingRead(ctx, req, reply, ["t:nodes"], (opts) => {
          const filter = filterOf(opts, NodeSpec);
          const meta = nodeMetaFilter(req.query);
          return listNodes(view)
            .filter((n) => !meta || meta(n.value.Meta))
            .map(wireNode)
            .filter((n) => !filter || filter(n));
        }),
    },
    {
      methods: ["GET"],
      url: "/v1/catalog/services",
      access: () => ({ resource: "service", level: "read" }),
      handler: (req, reply) =>
        blockingRead(ctx, req, reply, ["t:services", "t:nodes"], (opts) => {
          const meta = nodeMetaFilter(req.query);
          const filter = filterOf(opts, CatalogServiceSpec);
          if (!meta && !filter) return Object.fromEntries(listServices(view));
          // With a filter, Consul filters instances and then groups the survivors' tags.
          const out: Record<string, Set<string>> = {};
          for (const name of [...view.byName.keys()].sort()) {
            for (const i of instancesOf(view, name)) {
              if (meta && !meta(i.node.value.Meta)) continue;
              if (filter && !filter(wireCatalogService(i.node, i.service))) continue;
              const tags = (out[name] ??= new Set());
              for (const t of i.service.value.Tags) tags.add(t);
            }
          }
          return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, [...v].sort()]));
        }),
    },
    {
      methods: ["GET"],
      url: "/v1/catalog/service/:service",
      missing: "Missing service name",
      access: (req) => ({ resource: "service", segment: req.params.service, level: "read" }),
      handler: (req, reply) =>
        blockingRead(ctx, req, reply, [`svc:${req.params.service}`], (opts) => {
          const filter = filterOf(opts, CatalogServiceSpec);
          const tags = queryList(req.query, "tag").map((t) => t.toLowerCase());
          const meta = nodeMetaFilter(req.query);
          return instancesOf(view, req.params.service)
            .filter((i) => hasTags(i.service.value.Tags, tags))
            .filter((i) => !meta || meta(i.node.value.Meta))
            .map((i) => wireCatalogService(i.node, i.service))
            .filter((e) => !filter || filter(e));
        }),
    },
    {
      methods: ["GET"],
      url: "/v1/catalog/node/:node",
      missing: "Missing node name",
      access: (req) => ({ resource: "node", segment: req.params.node, level: "read" }),
      handler: (req, reply) =>
        blockingRead(ctx, req, reply, [`node:${req.params.node}`], (opts) => {
          const node = view.nodes.get(req.params.node);
          if (!node) return null;
          const filter = filterOf(opts, NodeServiceSpec);
          const services: Record<string, unknown> = {};
          for (const s of servicesOfNode(view, req.params.node)) {
            const w = wireNodeService(s);
            if (!filter || filter(w)) services[s.value.ID] = w;
          }
          return { Node: wireNode(node), Services: services };
        }),
    },
    {
      methods: ["GET"],
      url: "/v1/catalog/node-services/:node",
      missing: "Missing node name",
      access: (req) => ({ resource: "node", segment: req.params.node, level: "read" }),
      handler: (req, reply) =>
        blockingRead(ctx, req, reply, [`node:${req.params.node}`], (opts) => {
          const node = view.nodes.get(req.params.node);
          if (!node) return { Node: null, Services: null };
          const filter = filterOf(opts, NodeServiceSpec);
          const services = servicesOfNode(view, req.params.node)
            .map(wireNodeService)
            .filter((s) => !filter || filter(s));
          return { Node: wireNode(node), Services: services.length ? services : null };
        }),
    },
  ];
}
