// A node: its addresses and meta, its own checks, and its service instances with theirs. Two
// blocking loops: /v1/catalog/node/:node and /v1/health/node/:node.

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
import { countChecks, noteChecks, worstOf } from "./health.ts";
import { Link, paths } from "./router.tsx";
import { addressOf } from "./service.tsx";
import type { CatalogNode, HealthCheck, NodeService } from "./types.ts";

export function NodeView({ dc, node }: { dc: string; node: string }) {
  const catalog = useLive<CatalogNode>(apiUrl(dc, "catalog/node", node));
  const health = useLive<HealthCheck[]>(apiUrl(dc, "health/node", node));
  const checks = useMemo(() => {
    const list = health.data ?? [];
    noteChecks(list);
    const own = new Map<string, HealthCheck[]>();
    const nodeChecks: HealthCheck[] = [];
    for (const c of list) {
      if (!c.ServiceID) nodeChecks.push(c);
      else own.set(c.ServiceID, [...(own.get(c.ServiceID) ?? []), c]);
    }
    return { all: list, nodeChecks, own };
  }, [health.data]);
  const services = useMemo(
    () =>
      Object.values(catalog.data?.Services ?? {}).sort(
        (a, b) => a.Service.localeCompare(b.Service) || a.ID.localeCompare(b.ID),
      ),
    [catalog.data],
  );

  const [limit, more] = useLimit(node);
  const loaded = catalog.data !== undefined && health.data !== undefined;
  const info = catalog.data;
  return (
    <Loaded error={catalog.error ?? health.error} loaded={loaded}>
      {info === null || info === undefined ? (
        <div class="empty" data-empty="node">
          <p>This node is not registered in {dc}.</p>
          <p>
            <Link href={paths.nodes(dc)}>Back to all nodes</Link>
          </p>
        </div>
      ) : (
        <>
          <p class="summary">
            <StatusBadge status={worstOf(checks.all) ?? "none"} />
            <CountChips counts={countChecks(checks.all)} />
          </p>
          <dl class="facts">
            <div>
              <dt>Address</dt>
              <dd class="address">{info.Node.Address}</dd>
            </div>
            <div>
              <dt>Datacenter</dt>
              <dd>{info.Node.Datacenter}</dd>
            </div>
            {info.Node.ID ? (
              <div>
                <dt>ID</dt>
                <dd class="mono">{info.Node.ID}</dd>
              </div>
            ) : null}
          </dl>
          <MetaList meta={info.Node.TaggedAddresses} label="tagged addresses" />
          <MetaList meta={info.Node.Meta} label="node meta" />
          <section aria-labelledby="node-checks">
            <h2 id="node-checks">Node checks</h2>
            <CheckList checks={checks.nodeChecks} />
          </section>
          <section aria-labelledby="node-services">
            <h2 id="node-services">Service instances ({services.length})</h2>
            {services.length === 0 ? (
              <p class="muted">No services on this node.</p>
            ) : (
              <ul class="rows instances">
                {services.slice(0, limit).map((s) => (
                  <NodeServiceItem
                    key={s.ID}
                    dc={dc}
                    svc={s}
                    address={info.Node.Address}
                    checks={checks.own.get(s.ID) ?? []}
                    nodeChecks={checks.nodeChecks}
                  />
                ))}
              </ul>
            )}
            <MoreRows total={services.length} limit={limit} more={more} />
          </section>
        </>
      )}
    </Loaded>
  );
}

function NodeServiceItem(props: {
  dc: string;
  svc: NodeService;
  address: string;
  checks: HealthCheck[];
  nodeChecks: HealthCheck[];
}) {
  const { dc, svc } = props;
  const status = worstOf([...props.checks, ...props.nodeChecks]) ?? "none";
  return (
    <li class={`row instance status-${status}`} data-instance={svc.ID} data-status={status}>
      <div class="row-head">
        <h3 class="row-title">{svc.ID}</h3>
        <StatusBadge status={status} />
      </div>
      <dl class="facts">
        <div>
          <dt>Service</dt>
          <dd>
            <Link href={paths.service(dc, svc.Service)}>{svc.Service}</Link>
          </dd>
        </div>
        <div>
          <dt>Address</dt>
          <dd class="address">{addressOf(svc.Address || props.address, svc.Port)}</dd>
        </div>
      </dl>
      <Tags tags={svc.Tags} />
      <MetaList meta={svc.Meta} label="service meta" />
      <CheckList checks={props.checks} />
    </li>
  );
}
