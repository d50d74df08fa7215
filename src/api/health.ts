// /v1/health/*: instances with their checks, and checks by node, service or state.

import {
  checksInState,
  checksOfInstance,
  checksOfNode,
  checksOfService,
  instancesOf,
} from "../catalog/catalog.ts";
import type { HealthStatus } from "../catalog/types.ts";
import { hasTags, nodeMetaFilter, queryList, type ApiContext } from "./context.ts";
import { HealthCheckSpec, ServiceNodeHealthSpec } from "./filter.ts";
import { HttpError, type Route } from "./http.ts";
import { blockingRead, filterOf } from "./read.ts";
import { wireIndexedCheck, wireNode, wireNodeService } from "./wire.ts";

const STATES = new Set(["any", "passing", "warning", "critical", "maintenance"]);

export function healthRoutes(ctx: ApiContext): Route[] {
  const { view } = ctx;
  return [
    {
      methods: ["GET"],
      url: "/v1/health/node/:node",
      missing: "Missing node name",
      access: (req) => ({ resource: "node", segment: req.params.node, level: "read" }),
      handler: (req, reply) =>
        blockingRead(ctx, req, reply, [`node:${req.params.node}`], (opts) => {
          const filter = filterOf(opts, HealthCheckSpec);
          return checksOfNode(view, req.params.node)
            .map(wireIndexedCheck)
            .filter((c) => !filter || filter(c));
        }),
    },
    {
      methods: ["GET"],
      url: "/v1/health/checks/:service",
      missing: "Missing service name",
      access: (req) => ({ resource: "service", segment: req.params.service, level: "read" }),
      handler: (req, reply) =>
        blockingRead(ctx, req, reply, [`svc:${req.params.service}`], (opts) => {
          const filter = filterOf(opts, HealthCheckSpec);
          return checksOfService(view, req.params.service)
            .map(wireIndexedCheck)
            .filter((c) => !filter || filter(c));
        }),
    },
    {
      methods: ["GET"],
      url: "/v1/health/state/:state",
      missing: "Missing check state",
      access: () => ({ resource: "node", level: "read" }),
      handler: (req, reply) => {
        const state = req.params.state;
        return blockingRead(ctx, req, reply, ["t:checks"], (opts) => {
          const filter = filterOf(opts, HealthCheckSpec);
          // Consul does not validate the state: an unknown one matches nothing.
          if (!STATES.has(state)) return [];
          return checksInState(view, state as HealthStatus | "any")
            .map(wireIndexedCheck)
            .filter((c) => !filter || filter(c));
        });
      },
    },
    {
      methods: ["GET"],
      url: "/v1/health/service/:service",
      missing: "Missing service name",
      access: (req) => ({ resource: "service", segment: req.params.service, level: "read" }),
      handler: (req, reply) =>
        blockingRead(ctx, req, reply, [`svc:${req.params.service}`], (opts) => {
          const filter = filterOf(opts, ServiceNodeHealthSpec);
          const passingOnly = passingParam(req.query);
          const tags = queryList(req.query, "tag").map((t) => t.toLowerCase());
          const meta = nodeMetaFilter(req.query);
          const out: unknown[] = [];
          for (const i of instancesOf(view, req.params.service)) {
            if (!hasTags(i.service.value.Tags, tags)) continue;
            if (meta && !meta(i.node.value.Meta)) continue;
            const checks = checksOfInstance(view, i.node.value.Node, i.service.value.ID);
            if (passingOnly && checks.some((c) => c.value.Status !== "passing")) continue;
            const entry = {
              Node: wireNode(i.node),
              Service: wireNodeService(i.service),
              Checks: checks.map(wireIndexedCheck),
            };
            if (!filter || filter(entry)) out.push(entry);
          }
          return out;
        }),
    },
  ];
}

/** ?passing, ?passing=true and ?passing=1 filter; ?passing=false does not (Go's ParseBool). */
function passingParam(q: Record<string, string>): boolean {
  if (!Object.prototype.hasOwnProperty.call(q, "passing")) return false;
  const v = q.passing;
  if (v === "" || v === undefined) return true;
  if (/^(1|t|T|TRUE|true|True)$/.test(v)) return true;
  if (/^(0|f|F|FALSE|false|False)$/.test(v)) return false;
  throw new HttpError(400, "Invalid value for ?passing");
}
