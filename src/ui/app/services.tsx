// Services: every service with its instance count, health summary and tags; search and a
// health filter kept in the URL's query. One blocking loop feeds it: the agent's per-service
// summaries (/v1/internal/ui/services, what Consul's own UI reads).

import { useMemo } from "preact/hooks";
import { apiUrl, useLive } from "./api.ts";
import { CountChips, Loaded, MoreRows, StatusBadge, Tags, useLimit, type Shown } from "./components.tsx";
import { worse, type Counts, type Status } from "./health.ts";
import { Link, navigate, paths, withQuery } from "./router.tsx";
import type { ServiceSummary } from "./types.ts";

export interface ServiceRow {
  name: string;
  tags: string[];
  instances: number;
  /** Its instances' checks, each node's checks counted once per instance on it. */
  counts: Counts;
  status: Shown;
  /** Lower-cased name and tags, for the search box. */
  haystack: string;
}

/** One row per service summary, by name. */
export function summarize(summaries: readonly ServiceSummary[]): ServiceRow[] {
  const rows: ServiceRow[] = [];
  for (const s of summaries) {
    const tags = s.Tags ?? [];
    const counts: Counts = { passing: s.ChecksPassing, warning: s.ChecksWarning, critical: s.ChecksCritical };
    let status: Status | undefined;
    for (const k of ["passing", "warning", "critical"] as const) if (counts[k] > 0) status = worse(status, k);
    rows.push({
      name: s.Name,
      tags,
      instances: s.InstanceCount,
      counts,
      status: status ?? "none",
      haystack: [s.Name, ...tags].join("\u0000").toLowerCase(),
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
  const services = useLive<ServiceSummary[]>(apiUrl(dc, "internal/ui/services"));
  const rows = useMemo(() => (services.data ? summarize(services.data) : undefined), [services.data]);

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
      <Loaded error={services.error} loaded={rows !== undefined}>
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
        <span class="instances">{`${row.instances} instance${row.instances === 1 ? "" : "s"}`}</span>
        <CountChips counts={row.counts} />
      </div>
      <Tags tags={row.tags} />
    </li>
  );
}
