// Alias checks mirror the health of another service (by ID), on this node or on AliasNode, or
// of a whole node: they follow the catalog view and change as soon as the aliased checks do.

import type { CatalogView } from "../../catalog/view.ts";
import type { Check } from "../../catalog/types.ts";
import type { ProbeResult } from "./types.ts";

/** Consul's alias evaluation, text for text. */
export function aliasResult(
  view: CatalogView,
  node: string,
  serviceId: string | undefined,
  self?: string,
): ProbeResult {
  let status: ProbeResult["status"] = "passing";
  let output = "No checks found.";
  let serviceFound = false;
  for (const { value: c } of view.checks.get(node)?.values() ?? []) {
    if ((c.ServiceID && c.ServiceID !== serviceId) || c.CheckID === self) continue;
    if (c.ServiceID) serviceFound = true;
    if (c.Status === "critical" || c.Status === "warning" || c.Status === "maintenance") {
      status = c.Status === "warning" ? "warning" : "critical";
      output = `Aliased check "${c.Name}" failing: ${c.Output}`;
      if (status === "critical") break;
    } else if (status === "passing") {
      output = "All checks passing.";
    }
  }
  if (serviceId && !serviceFound && !view.services.get(node)?.has(serviceId)) {
    return { status: "critical", output: `Service ${serviceId} could not be found on node ${node}` };
  }
  return { status, output };
}

/** Follows the aliased node's scope and reports each change; returns a stop function. */
export function watchAlias(
  view: CatalogView,
  localNode: string,
  check: Check,
  report: (r: ProbeResult) => void,
): () => void {
  const node = check.Definition.AliasNode || localNode;
  const scopes = [`node:${node}`];
  let stopped = false;
  void (async () => {
    while (!stopped) {
      const index = view.index(scopes);
      report(
        aliasResult(
          view,
          node,
          check.Definition.AliasService,
          node === localNode ? check.CheckID : undefined,
        ),
      );
      await view.block(scopes, index, 10 * 60_000);
    }
  })();
  return () => {
    stopped = true;
  };
}
