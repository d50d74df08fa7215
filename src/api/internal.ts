// /v1/internal/ui/*: the summaries Consul's own web UI reads.

import { instancesOf } from "../catalog/catalog.ts";
import type { CatalogView } from "../catalog/view.ts";
import type { ApiContext } from "./context.ts";
import type { Route } from "./http.ts";
import { blockingRead, filterOf } from "./read.ts";

export interface ServiceSummary {
  Name: string;
  Datacenter: string;
  Tags: string[];
  Nodes: string[];
  InstanceCount: number;
  ChecksPassing: number;
  ChecksWarning: number;
  ChecksCritical: number;
  Kind: string;
  ExternalSources: string[] | null;
  GatewayConfig: Record<string, never>;
  TransparentProxy: boolean;
  ConnectedWithProxy: boolean;
  ConnectedWithGateway: boolean;
}

export function internalRoutes(ctx: ApiContext): Route[] {
  const { view } = ctx;
  return [
    {
      methods: ["GET"],
      url: "/v1/internal/ui/services",
      access: () => ({ resource: "service", level: "read" }),
      handler: (req, reply) =>
        blockingRead(ctx, req, reply, ["t:services", "t:checks", "t:nodes"], (opts) => {
          const filter = filterOf(opts);
          const tally = checkTally(view);
          const out: ServiceSummary[] = [];
          for (const name of [...view.byName.keys()].sort()) {
            const instances = instancesOf(view, name);
            if (instances.length === 0) continue;
            const tags = new Set<string>();
            const nodes = new Set<string>();
            const sum: ServiceSummary = {
              Name: name,
              Datacenter: ctx.datacenter,
              Tags: [],
              Nodes: [],
              InstanceCount: instances.length,
              ChecksPassing: 0,
              ChecksWarning: 0,
              ChecksCritical: 0,
              Kind: instances[0].service.value.Kind,
              ExternalSources: null,
              GatewayConfig: {},
              TransparentProxy: false,
              ConnectedWithProxy: false,
              ConnectedWithGateway: false,
            };
            for (const { node, service } of instances) {
              for (const t of service.value.Tags) tags.add(t);
              nodes.add(node.value.Node);
              // Node-level checks count once per instance, as Consul's UI summary does.
              for (const t of [tally(node.value.Node, ""), tally(node.value.Node, service.value.ID)]) {
                sum.ChecksPassing += t.passing;
                sum.ChecksWarning += t.warning;
                sum.ChecksCritical += t.critical;
              }
            }
            sum.Tags = [...tags].sort();
            sum.Nodes = [...nodes].sort();
            if (!filter || filter(sum)) out.push(sum);
          }
          return out;
        }),
    },
  ];
}

interface Tally {
  passing: number;
  warning: number;
  critical: number;
}

const NONE: Tally = { passing: 0, warning: 0, critical: 0 };

/**
 * Check counts by node and service ID ("" for the node's own checks), each node's checks
 * tallied once on first use: the checks of an instance, as checksOfInstance picks them.
 * Anything but passing or warning (maintenance) counts as critical.
 */
function checkTally(view: CatalogView): (node: string, serviceId: string) => Tally {
  const byNode = new Map<string, Map<string, Tally>>();
  return (node, serviceId) => {
    let m = byNode.get(node);
    if (!m) {
      m = new Map();
      for (const c of view.checks.get(node)?.values() ?? []) {
        const key = c.value.ServiceID;
        let t = m.get(key);
        if (!t) m.set(key, (t = { passing: 0, warning: 0, critical: 0 }));
        const s = c.value.Status;
        if (s === "passing") t.passing++;
        else if (s === "warning") t.warning++;
        else t.critical++;
      }
      byNode.set(node, m);
    }
    return m.get(serviceId) ?? NONE;
  };
}
