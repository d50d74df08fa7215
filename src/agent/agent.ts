// The agent: owns this node's services and checks (registered through /v1/agent/* or config
// files), keeps them under "agent/<node>/" in the store so a restart with -data-dir brings them
// back, and writes them to the catalog in the same txn. On a server (and in -dev) the catalog is
// local, so a registration is in /v1/catalog and /v1/health when the call returns.

import { isIP } from "node:net";
import type { Catalog } from "../catalog/catalog.ts";
import { checkStatusOps, deregistrationOps, registrationOps } from "../catalog/catalog.ts";
import { InvalidError, NotFoundError, ServerError } from "../catalog/errors.ts";
import { checkKey } from "../catalog/keys.ts";
import type { Check, HealthStatus, Node, Service } from "../catalog/types.ts";
import type { Op } from "../store/types.ts";
import { watchAlias } from "./checks/alias.ts";
import { createScheduler } from "./checks/scheduler.ts";
import type { Probe } from "./checks/types.ts";
import {
  embeddedChecks,
  serviceChecks,
  toCheck,
  toService,
  validateCheck,
  validateStatus,
  type CheckSpec,
  type ServiceSpec,
} from "./definitions.ts";

export const VERSION = "1.20.0";

export interface AgentOptions {
  nodeName: string;
  nodeId: string;
  datacenter: string;
  address: string;
  server: boolean;
  serverPort: number;
  nodeMeta: Record<string, string>;
  enableScriptChecks: boolean;
  enableLocalScriptChecks: boolean;
  /** The runner for each probe kind (agent/checks/); none in tests that run no checks. */
  probe?: (kind: string) => Probe | undefined;
}

export interface Agent {
  readonly options: AgentOptions;
  readonly catalog: Catalog;
  node(): Node;
  services(): Service[];
  service(id: string): Service | undefined;
  checks(): Check[];
  registerService(
    spec: ServiceSpec,
    opts?: { replaceExistingChecks?: boolean; fromConfig?: boolean },
  ): Promise<void>;
  deregisterService(id: string): Promise<void>;
  registerCheck(spec: CheckSpec, opts?: { fromConfig?: boolean }): Promise<void>;
  deregisterCheck(id: string): Promise<void>;
  /** check/pass|warn|fail|update: only for TTL checks. */
  updateTTL(id: string, status: HealthStatus, output: string): Promise<void>;
  setNodeMaintenance(enable: boolean, reason: string): Promise<void>;
  setServiceMaintenance(id: string, enable: boolean, reason: string): Promise<void>;
  /** Stops running checks (the agent is shutting down). */
  stop(): void;
}

export const NODE_MAINT_ID = "_node_maintenance";
const NO_REASON = "but no reason was provided. This is a default message.";

const unknownService = (id: string) =>
  new NotFoundError(
    `Unknown service ID "${id}". Ensure that the service ID is passed, not the service name.`,
  );
const unknownCheck = (id: string) =>
  new NotFoundError(`Unknown check ID "${id}". Ensure that the check ID is passed, not the check name.`);
export const serviceMaintId = (id: string) => `_service_maintenance:${id}`;

const enc = new TextEncoder();
const json = (v: unknown) => enc.encode(JSON.stringify(v));
const dec = new TextDecoder();

/** The agent adds lan_ipv4/wan_ipv4 (or _ipv6) tagged addresses for a service's own address. */
function withDefaultTaggedAddresses(s: Service): Service {
  const family = isIP(s.Address);
  if (family === 0) return s;
  const suffix = family === 4 ? "ipv4" : "ipv6";
  const addr = { Address: s.Address, Port: s.Port };
  return {
    ...s,
    TaggedAddresses: { [`lan_${suffix}`]: addr, [`wan_${suffix}`]: addr, ...s.TaggedAddresses },
  };
}

export async function startAgent(catalog: Catalog, options: AgentOptions): Promise<Agent> {
  const name = options.nodeName;
  const localPrefix = `agent/${encodeURIComponent(name)}/`;
  const svcKey = (id: string) => `${localPrefix}services/${encodeURIComponent(id)}`;
  const chkKey = (id: string) => `${localPrefix}checks/${encodeURIComponent(id)}`;

  // Local state: what this agent owns. Check status lives in the catalog record.
  const services = new Map<string, Service>();
  const checks = new Map<string, Check>();

  const node: Node = {
    ID: options.nodeId,
    Node: name,
    Address: options.address,
    Datacenter: options.datacenter,
    TaggedAddresses: {
      lan: options.address,
      lan_ipv4: options.address,
      wan: options.address,
      wan_ipv4: options.address,
    },
    Meta: { "consul-network-segment": "", "consul-version": VERSION, ...options.nodeMeta },
  };

  const view = catalog.view;
  const current = (id: string) => view.checks.get(name)?.get(id)?.value;

  /** Commits local-state ops and the matching catalog ops as one txn. */
  async function commit(local: Op[], catalogOps: Op[]) {
    await catalog.commit([...local, ...catalogOps]);
  }

  /** A check this agent owns that no definition describes (serfHealth, maintenance). */
  const agentCheck = (
    c: Pick<Check, "CheckID" | "Name" | "Status" | "Notes" | "Output" | "Type">,
    service?: Service,
  ): Check => ({
    Node: name,
    ServiceID: service?.ID ?? "",
    ServiceName: service?.Service ?? "",
    ServiceTags: service?.Tags ?? [],
    Definition: {},
    ...c,
  });

  /** Registers a local check: kept under agent/, written to the catalog, and run. */
  async function addCheck(c: Check) {
    await commit(
      [{ type: "put", key: chkKey(c.CheckID), value: json(c) }],
      registrationOps(view, { node, skipNodeUpdate: true, checks: [c] }),
    );
    own(c);
  }

  /** Turns a maintenance check on (idempotent) or off. */
  async function maintenance(enable: boolean, check: () => Check) {
    const c = check();
    if (enable) {
      if (!checks.has(c.CheckID)) await addCheck(c);
    } else if (checks.has(c.CheckID)) {
      await agent.deregisterCheck(c.CheckID);
    }
  }

  function systemRecords(): { service?: Service; checks: Check[] } {
    const serf = agentCheck({
      CheckID: "serfHealth",
      Name: "Serf Health Status",
      Status: "passing",
      Notes: "",
      Output: "Agent alive and reachable",
      Type: "",
    });
    if (!options.server) return { checks: [serf] };
    const consul: Service = {
      Kind: "",
      ID: "consul",
      Service: "consul",
      Tags: [],
      Address: "",
      TaggedAddresses: {},
      Meta: {
        raft_version: "3",
        serf_protocol_current: "2",
        serf_protocol_max: "5",
        serf_protocol_min: "1",
        version: VERSION,
      },
      Port: options.serverPort,
      Weights: { Passing: 1, Warning: 1 },
      EnableTagOverride: false,
    };
    return { service: consul, checks: [serf] };
  }

  function checkScriptsAllowed(spec: CheckSpec, fromConfig: boolean) {
    if (!spec.ScriptArgs?.length) return;
    if (options.enableScriptChecks || (fromConfig && options.enableLocalScriptChecks)) return;
    throw new ServerError(
      fromConfig
        ? "Scripts are disabled on this agent; to enable, configure 'enable_script_checks' or 'enable_local_script_checks' to true"
        : "Scripts are disabled on this agent from remote calls; to enable, configure 'enable_script_checks' to true",
    );
  }

  /** Keeps a check's live status across re-registration and restarts, as Consul does. */
  function keepStatus(c: Check, explicitStatus: boolean): Check {
    const cur = current(c.CheckID);
    if (!cur || explicitStatus) return c;
    return { ...c, Status: cur.Status, Output: cur.Output };
  }

  const scheduler = createScheduler({
    probe: (kind) => options.probe?.(kind),
    watchAlias: (check, report) => watchAlias(view, name, check, (r) => report(r.status, r.output)),
    async report(id, status, output) {
      if (!checks.has(id)) return;
      try {
        await catalog.commit(checkStatusOps(view, name, id, status, output));
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err; // removed while it ran
      }
    },
  });
  const own = (c: Check) => {
    checks.set(c.CheckID, c);
    scheduler.add(c);
  };
  const disown = (id: string) => {
    checks.delete(id);
    scheduler.remove(id);
    criticalSince.delete(id);
  };

  // deregister_critical_service_after: a service whose check has been critical that long is
  // removed. Consul reaps every 30 s with a 1 minute minimum; census looks every second.
  const criticalSince = new Map<string, number>();
  const reaper = setInterval(() => {
    const now = Date.now();
    for (const c of checks.values()) {
      const after = c.Definition.DeregisterCriticalServiceAfter;
      if (!after || !c.ServiceID) continue;
      if (current(c.CheckID)?.Status !== "critical") {
        criticalSince.delete(c.CheckID);
        continue;
      }
      const since = criticalSince.get(c.CheckID) ?? now;
      criticalSince.set(c.CheckID, since);
      if (now - since >= after && services.has(c.ServiceID)) {
        void agent.deregisterService(c.ServiceID).catch(() => {});
      }
    }
  }, 1000);
  reaper.unref();

  const agent: Agent = {
    options,
    catalog,
    node: () => node,
    services: () => [...services.values()],
    service: (id) => services.get(id),
    checks: () => [...checks.keys()].map((id) => current(id) ?? checks.get(id)!),

    async registerService(spec, opts = {}) {
      const service = withDefaultTaggedAddresses(toService(spec));
      const specs = embeddedChecks(spec);
      for (const c of specs) checkScriptsAllowed(c, !!opts.fromConfig);
      const fresh = serviceChecks(specs, name, service).map((c, i) => keepStatus(c, !!specs[i].Status));
      const freshIds = new Set(fresh.map((c) => c.CheckID));
      const others = [...checks.values()].filter(
        (c) => c.ServiceID === service.ID && !freshIds.has(c.CheckID),
      );
      // Consul keeps the service's other checks unless asked to replace them (maintenance stays).
      const dropped = opts.replaceExistingChecks ? others.filter((c) => c.Type !== "maintenance") : [];
      const kept = others
        .filter((c) => !dropped.includes(c))
        .map((c) => ({
          ...(current(c.CheckID) ?? c),
          ServiceName: service.Service,
          ServiceTags: service.Tags,
        }));
      const local: Op[] = [
        { type: "put", key: svcKey(service.ID), value: json(service) },
        ...fresh.map((c): Op => ({ type: "put", key: chkKey(c.CheckID), value: json(c) })),
        ...dropped.map((c): Op => ({ type: "delete", key: chkKey(c.CheckID) })),
      ];
      await commit(local, [
        ...dropped.flatMap((c) => deregistrationOps(view, { node: name, checkId: c.CheckID })),
        ...registrationOps(view, { node, skipNodeUpdate: true, service, checks: [...fresh, ...kept] }),
      ]);
      services.set(service.ID, service);
      for (const c of dropped) disown(c.CheckID);
      for (const c of fresh) own(c);
    },

    async deregisterService(id) {
      if (!services.has(id)) throw unknownService(id);
      const local: Op[] = [{ type: "delete", key: svcKey(id) }];
      for (const c of checks.values())
        if (c.ServiceID === id) local.push({ type: "delete", key: chkKey(c.CheckID) });
      await commit(local, deregistrationOps(view, { node: name, serviceId: id }));
      services.delete(id);
      for (const c of [...checks.values()]) if (c.ServiceID === id) disown(c.CheckID);
    },

    async registerCheck(spec, opts = {}) {
      const id = spec.ID || spec.Name || "";
      if (!spec.Name) throw new InvalidError("Missing check name");
      validateStatus(spec, "Bad check status");
      validateCheck(spec);
      let service: Service | undefined;
      if (spec.ServiceID) {
        service = services.get(spec.ServiceID);
        if (!service) throw new NotFoundError(`ServiceID "${spec.ServiceID}" does not exist`);
      }
      checkScriptsAllowed(spec, !!opts.fromConfig);
      await addCheck(keepStatus(toCheck(spec, name, id, service), !!spec.Status));
    },

    async deregisterCheck(id) {
      if (!checks.has(id)) throw unknownCheck(id);
      await commit(
        [{ type: "delete", key: chkKey(id) }],
        deregistrationOps(view, { node: name, checkId: id }),
      );
      disown(id);
    },

    async updateTTL(id, status, output) {
      const c = checks.get(id);
      if (!c) throw unknownCheck(id);
      if (c.Type !== "ttl") throw new ServerError(`CheckID "${id}" does not have associated TTL`);
      await catalog.commit(checkStatusOps(view, name, id, status, output));
      scheduler.ttlTouched(id, output);
    },

    setNodeMaintenance(enable, reason) {
      return maintenance(enable, () =>
        agentCheck({
          CheckID: NODE_MAINT_ID,
          Name: "Node Maintenance Mode",
          Status: "critical",
          Notes: reason || `Maintenance mode is enabled for this node, ${NO_REASON}`,
          Output: "",
          Type: "maintenance",
        }),
      );
    },

    stop() {
      clearInterval(reaper);
      scheduler.stop();
    },

    setServiceMaintenance(id, enable, reason) {
      const service = services.get(id);
      if (!service) throw unknownService(id);
      return maintenance(enable, () =>
        agentCheck(
          {
            CheckID: serviceMaintId(id),
            Name: "Service Maintenance Mode",
            Status: "critical",
            Notes: reason || `Maintenance mode is enabled for this service, ${NO_REASON}`,
            Output: "",
            Type: "maintenance",
          },
          service,
        ),
      );
    },
  };

  // Start-up: load what this agent registered before a restart, then make the catalog agree:
  // the node, its serfHealth check, the consul service on servers, and every local record.
  const { kvs } = await catalog.store.range(localPrefix);
  for (const kv of kvs) {
    const rec = JSON.parse(dec.decode(kv.value));
    if (kv.key.startsWith(`${localPrefix}services/`)) services.set(rec.ID, rec);
    else checks.set(rec.CheckID, rec); // scheduled below, once the catalog has them
  }
  const sys = systemRecords();
  const restored = [...checks.values()].map((c) => keepStatus(c, false));
  const ops = registrationOps(view, { node, service: sys.service, checks: [...sys.checks, ...restored] });
  for (const s of services.values())
    ops.push(...registrationOps(view, { node, skipNodeUpdate: true, service: s }));
  // A record of this node in the catalog that no one owns any more (the agent was stopped
  // while a deregistration was under way) is removed, as anti-entropy would.
  for (const s of view.services.get(name)?.values() ?? []) {
    if (!services.has(s.value.ID) && s.value.ID !== sys.service?.ID) {
      ops.push(...deregistrationOps(view, { node: name, serviceId: s.value.ID }));
    }
  }
  for (const c of view.checks.get(name)?.values() ?? []) {
    if (
      !checks.has(c.value.CheckID) &&
      c.value.CheckID !== "serfHealth" &&
      !services.has(c.value.ServiceID)
    ) {
      ops.push({ type: "delete", key: checkKey(name, c.value.CheckID) });
    }
  }
  await catalog.commit(ops);
  for (const c of checks.values()) scheduler.add(current(c.CheckID) ?? c);
  return agent;
}
