// A service: its instances (node, address:port, tags, meta), each with its checks, the most
// troubled instance first. One blocking loop: /v1/health/service/:name.

import { useMemo } from "preact/hooks";
import { apiUrl, useLive } from "./api.ts";
import {
  CheckList,
  CountChips,
  Loaded,
  MetaList,
  MoreRows,
  StatusBadge,
  Tags,
  useLimit,
} from "./components.tsx";
import { countChecks, noteChecks, severity, statusOf, worstOf, type Status } from "./health.ts";
import { Link, paths } from "./router.tsx";
import type { HealthCheck, ServiceEntry } from "./types.ts";

interface InstanceRow {
  entry: ServiceEntry;
  checks: HealthCheck[];
  status: Status | undefined;
  /** The ModifyIndex of its newest failing check (0 when none fails). */
  newestFailure: number;
}

function rowsOf(entries: readonly ServiceEntry[]): InstanceRow[] {
  return entries
    .map((entry) => {
      const checks = entry.Checks ?? [];
      let newestFailure = 0;
      for (const c of checks) {
        if (statusOf(c.Status) !== "passing") newestFailure = Math.max(newestFailure, c.ModifyIndex);
      }
      return { entry, checks, status: worstOf(checks), newestFailure };
    })
    .sort(
      (a, b) =>
        severity(b.status) - severity(a.status) ||
        b.newestFailure - a.newestFailure ||
        a.entry.Node.Node.localeCompare(b.entry.Node.Node) ||
        a.entry.Service.ID.localeCompare(b.entry.Service.ID),
    );
}

export function addressOf(address: string, port: number): string {
  if (!port) return address;
  return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
}

export function ServiceView({ dc, name }: { dc: string; name: string }) {
  const live = useLive<ServiceEntry[]>(apiUrl(dc, "health/service", name));
  const rows = useMemo(() => {
    if (!live.data) return undefined;
    noteChecks(live.data.flatMap((e) => e.Checks ?? []));
    return rowsOf(live.data);
  }, [live.data]);
  const [limit, more] = useLimit(name);
  const counts = useMemo(() => countChecks(rows?.flatMap((r) => r.checks) ?? []), [rows]);

  return (
    <Loaded error={live.error} loaded={rows !== undefined}>
      {rows && rows.length === 0 ? (
        <div class="empty" data-empty="service">
          <p>No instances of this service are registered in {dc}.</p>
          <p>
            <Link href={paths.services(dc)}>Back to all services</Link>
          </p>
        </div>
      ) : (
        <>
          <p class="summary">
            <span class="instances">
              {rows?.length} instance{rows?.length === 1 ? "" : "s"}
            </span>
            <CountChips counts={counts} />
          </p>
          <ul class="rows instances">
            {rows?.slice(0, limit).map((r) => (
              <InstanceItem key={`${r.entry.Node.Node}\u0000${r.entry.Service.ID}`} dc={dc} row={r} />
            ))}
          </ul>
          <MoreRows total={rows?.length ?? 0} limit={limit} more={more} />
        </>
      )}
    </Loaded>
  );
}

function InstanceItem({ dc, row }: { dc: string; row: InstanceRow }) {
  const { Node: node, Service: svc } = row.entry;
  const shown = row.status ?? "none";
  return (
    <li
      class={`row instance status-${shown}`}
      data-instance={svc.ID}
      data-node={node.Node}
      data-status={shown}
    >
      <div class="row-head">
        <h2 class="row-title">{svc.ID}</h2>
        <StatusBadge status={shown} />
      </div>
      <dl class="facts">
        <div>
          <dt>Node</dt>
          <dd>
            <Link href={paths.node(dc, node.Node)}>{node.Node}</Link>
          </dd>
        </div>
        <div>
          <dt>Address</dt>
          <dd class="address">{addressOf(svc.Address || node.Address, svc.Port)}</dd>
        </div>
      </dl>
      <Tags tags={svc.Tags} />
      <MetaList meta={svc.Meta} label="service meta" />
      <CheckList checks={row.checks} />
    </li>
  );
}
