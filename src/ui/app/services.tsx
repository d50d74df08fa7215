// Services: every service with its instance count, health summary and tags; search and a
// health filter kept in the URL's query. Two blocking loops feed it: the service list and all
// checks (the public API's sources for a summary).

import { useMemo } from "preact/hooks";
import { apiUrl, useLive } from "./api.ts";
import { CountChips, Loaded, MoreRows, StatusBadge, Tags, useLimit, type Shown } from "./components.tsx";
import { countChecks, emptyCounts, noteChecks, worse, type Counts, type Status } from "./health.ts";
import { Link, navigate, paths, withQuery } from "./router.tsx";
import type { HealthCheck, ServiceTags } from "./types.ts";

export interface ServiceRow {
  name: string;
  tags: string[];
  /** Instances seen through their own checks (the public API has no instance count). */
  instances: number;
  counts: Counts;
  status: Shown;
  /** Lower-cased name and tags, for the search box. */
  haystack: string;
}

/** Per service: its checked instances, and the checks of each (its own and its node's). */
export function summarize(services: ServiceTags, checks: readonly HealthCheck[]): ServiceRow[] {
  const nodeChecks = new Map<string, HealthCheck[]>();
  const instances = new Map<string, Map<string, string>>(); // service → (node + id → node)
  const own = new Map<string, HealthCheck[]>(); // service → its instances' own checks
  for (const c of checks) {
    if (!c.ServiceID) {
      const list = nodeChecks.get(c.Node) ?? [];
      list.push(c);
      nodeChecks.set(c.Node, list);
      continue;
    }
    const inst = instances.get(c.ServiceName) ?? new Map<string, string>();
    inst.set(`${c.Node}\u0000${c.ServiceID}`, c.Node);
    instances.set(c.ServiceName, inst);
    const list = own.get(c.ServiceName) ?? [];
    list.push(c);
    own.set(c.ServiceName, list);
  }
  const rows: ServiceRow[] = [];
  for (const [name, tagList] of Object.entries(services)) {
    const tags = tagList ?? [];
    const inst = instances.get(name);
    const counts = countChecks(own.get(name) ?? [], emptyCounts());
    for (const node of inst?.values() ?? []) countChecks(nodeChecks.get(node) ?? [], counts);
    let status: Status | undefined;
    for (const s of ["passing", "warning", "critical"] as const) if (counts[s] > 0) status = worse(status, s);
    rows.push({
      name,
      tags,
      instances: inst?.size ?? 0,
      counts,
      status: status ?? "none",
      haystack: [name, ...tags].join("\u0000").toLowerCase(),
    });
  }
  rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return rows;
}

const FILTERS: { value: string; label: string }[] = [
  { value: "", label: "All health states" },
  { value: "critical", label: "Critical" },
  { value: "warning", label: "Warning" },
  { value: "passing", label: "Passing" },
  { value: "none", label: "No checks" },
];

export function ServicesView({ dc, search }: { dc: string; search: URLSearchParams }) {
  const services = useLive<ServiceTags>(apiUrl(dc, "catalog/services"));
  const checks = useLive<HealthCheck[]>(apiUrl(dc, "health/state/any"));
  const rows = useMemo(() => {
    if (!services.data || !checks.data) return undefined;
    noteChecks(checks.data);
    return summarize(services.data, checks.data);
  }, [services.data, checks.data]);

  const text = search.get("filter") ?? "";
  const status = search.get("status") ?? "";
  const shown = useMemo(() => {
    if (!rows) return [];
    const needle = text.trim().toLowerCase();
    return rows.filter((r) => (!needle || r.haystack.includes(needle)) && (!status || r.status === status));
  }, [rows, text, status]);
  const [limit, more] = useLimit(`${text}\u0000${status}`);

  return (
    <>
      <div class="toolbar" role="search">
        <label class="field">
          <span>Search</span>
          <input
            type="search"
            name="filter"
            placeholder="Name or tag"
            value={text}
            autocomplete="off"
            onInput={(e) => navigate(withQuery(search, "filter", e.currentTarget.value), { replace: true })}
          />
        </label>
        <label class="field">
          <span>Health</span>
          <select
            name="status"
            value={status}
            onChange={(e) => navigate(withQuery(search, "status", e.currentTarget.value), { replace: true })}
          >
            {FILTERS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <Loaded error={services.error ?? checks.error} loaded={rows !== undefined}>
        <p class="count" aria-live="polite">
          {shown.length === rows?.length
            ? `${rows.length} service${rows.length === 1 ? "" : "s"}`
            : `${shown.length} of ${rows?.length ?? 0} services`}
        </p>
        {shown.length === 0 ? (
          <p class="empty">
            {rows?.length ? "No service matches the search and filter." : "No services are registered."}
          </p>
        ) : (
          <ul class="rows services">
            {shown.slice(0, limit).map((r) => (
              <ServiceItem key={r.name} dc={dc} row={r} />
            ))}
          </ul>
        )}
        <MoreRows total={shown.length} limit={limit} more={more} />
      </Loaded>
    </>
  );
}

function ServiceItem({ dc, row }: { dc: string; row: ServiceRow }) {
  return (
    <li class={`row status-${row.status}`} data-service={row.name} data-status={row.status}>
      <div class="row-head">
        <Link class="row-title" href={paths.service(dc, row.name)}>
          {row.name}
        </Link>
        <StatusBadge status={row.status} />
      </div>
      <div class="row-info">
        <span class="instances">
          {row.instances > 0
            ? `${row.instances} instance${row.instances === 1 ? "" : "s"}`
            : "instances not counted (no service checks)"}
        </span>
        <CountChips counts={row.counts} />
      </div>
      <Tags tags={row.tags} />
    </li>
  );
}
