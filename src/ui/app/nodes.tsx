// Nodes: every node with its address, serfHealth and a summary of all its checks. Two blocking
// loops: the node list and all checks.

import { useMemo } from "preact/hooks";
import { apiUrl, useLive } from "./api.ts";
import { CountChips, Loaded, MoreRows, StatusBadge, useLimit, type Shown } from "./components.tsx";
import { countChecks, noteChecks, statusOf, worstOf, type Counts } from "./health.ts";
import { Link, navigate, paths, withQuery } from "./router.tsx";
import type { HealthCheck, Node } from "./types.ts";

interface NodeRow {
  node: Node;
  serf: Shown;
  counts: Counts;
  status: Shown;
}

export function NodesView({ dc, search }: { dc: string; search: URLSearchParams }) {
  const nodes = useLive<Node[]>(apiUrl(dc, "catalog/nodes"));
  const checks = useLive<HealthCheck[]>(apiUrl(dc, "health/state/any"));
  const rows = useMemo(() => {
    if (!nodes.data || !checks.data) return undefined;
    noteChecks(checks.data);
    const byNode = new Map<string, HealthCheck[]>();
    for (const c of checks.data) {
      const list = byNode.get(c.Node) ?? [];
      list.push(c);
      byNode.set(c.Node, list);
    }
    return nodes.data.map((node): NodeRow => {
      const list = byNode.get(node.Node) ?? [];
      const serf = list.find((c) => c.CheckID === "serfHealth");
      return {
        node,
        serf: serf ? statusOf(serf.Status) : "none",
        counts: countChecks(list),
        status: worstOf(list) ?? "none",
      };
    });
  }, [nodes.data, checks.data]);

  const text = search.get("filter") ?? "";
  const shown = useMemo(() => {
    const needle = text.trim().toLowerCase();
    return (rows ?? []).filter(
      (r) => !needle || r.node.Node.toLowerCase().includes(needle) || r.node.Address.includes(needle),
    );
  }, [rows, text]);
  const [limit, more] = useLimit(text);

  return (
    <>
      <div class="toolbar" role="search">
        <label class="field">
          <span>Search</span>
          <input
            type="search"
            name="filter"
            placeholder="Name or address"
            value={text}
            autocomplete="off"
            onInput={(e) => navigate(withQuery(search, "filter", e.currentTarget.value), { replace: true })}
          />
        </label>
      </div>
      <Loaded error={nodes.error ?? checks.error} loaded={rows !== undefined}>
        <p class="count" aria-live="polite">
          {shown.length === rows?.length
            ? `${rows.length} node${rows.length === 1 ? "" : "s"}`
            : `${shown.length} of ${rows?.length ?? 0} nodes`}
        </p>
        {shown.length === 0 ? (
          <p class="empty">{rows?.length ? "No node matches the search." : "No nodes are registered."}</p>
        ) : (
          <ul class="rows nodes">
            {shown.slice(0, limit).map((r) => (
              <li
                key={r.node.Node}
                class={`row status-${r.status}`}
                data-node={r.node.Node}
                data-status={r.status}
              >
                <div class="row-head">
                  <Link class="row-title" href={paths.node(dc, r.node.Node)}>
                    {r.node.Node}
                  </Link>
                  <StatusBadge status={r.status} />
                </div>
                <div class="row-info">
                  <span class="address">{r.node.Address}</span>
                  <span class="serf">
                    serfHealth <StatusBadge status={r.serf} label={r.serf === "none" ? "none" : undefined} />
                  </span>
                  <CountChips counts={r.counts} />
                </div>
              </li>
            ))}
          </ul>
        )}
        <MoreRows total={shown.length} limit={limit} more={more} />
      </Loaded>
    </>
  );
}
