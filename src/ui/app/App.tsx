// The page: header and navigation, the "agent unreachable" banner, and the view the URL names.

import { useEffect, useRef, useState } from "preact/hooks";
import { useUnreachable } from "./api.ts";
import { NodeView } from "./node.tsx";
import { NodesView } from "./nodes.tsx";
import { KvView, NotFoundView } from "./pages.tsx";
import { Link, match, navigate, paths, useWhere, type Route } from "./router.tsx";
import { ServiceView } from "./service.tsx";
import { ServicesView } from "./services.tsx";

/** The agent's datacenters, fetched once (retried until the agent answers). */
function useDatacenters(): string[] | undefined {
  const [dcs, setDcs] = useState<string[]>();
  useEffect(() => {
    let stop = false;
    let delay = 250;
    const attempt = async () => {
      try {
        const res = await fetch("/v1/catalog/datacenters", { headers: { Accept: "application/json" } });
        if (!res.ok) throw new Error(String(res.status));
        const list = (await res.json()) as string[];
        if (!stop) setDcs(list);
      } catch {
        if (stop) return;
        setTimeout(attempt, delay);
        delay = Math.min(delay * 2, 3000);
      }
    };
    void attempt();
    return () => {
      stop = true;
    };
  }, []);
  return dcs;
}

function titleOf(route: Route): { title: string; crumb?: { href: string; label: string } } {
  switch (route.view) {
    case "services":
      return { title: "Services" };
    case "service":
      return { title: route.name, crumb: { href: paths.services(route.dc), label: "Services" } };
    case "nodes":
      return { title: "Nodes" };
    case "node":
      return { title: route.node, crumb: { href: paths.nodes(route.dc), label: "Nodes" } };
    case "kv":
      return { title: "Key/Value" };
    case "redirect":
      return { title: "census" };
    case "notfound":
      return { title: "Page not found" };
  }
}

export function App() {
  const where = useWhere();
  const dcs = useDatacenters();
  const unreachable = useUnreachable();
  let route = match(where.pathname);
  const dc = ("dc" in route && route.dc) || dcs?.[0] || "dc1";
  let reason: string | undefined;
  if (dcs && "dc" in route && route.dc && !dcs.includes(route.dc)) {
    reason = `This agent knows no datacenter named “${route.dc}”.`;
    route = { view: "notfound" };
  }
  const home = dcs?.includes(dc) ? dc : (dcs?.[0] ?? "dc1");

  useEffect(() => {
    if (route.view === "redirect" && dcs) navigate(route.to(home), { replace: true });
  });

  const { title, crumb } = titleOf(route);
  useEffect(() => {
    document.title = `${title} · census`;
  }, [title]);

  // After a navigation (not the first load), move focus to the new view's heading.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (where.serial > 0) heading.current?.focus();
  }, [where.serial]);

  const section = route.view === "service" ? "services" : route.view === "node" ? "nodes" : route.view;
  const nav = [
    { key: "services", href: paths.services(home), label: "Services" },
    { key: "nodes", href: paths.nodes(home), label: "Nodes" },
    { key: "kv", href: paths.kv(home), label: "Key/Value" },
  ];

  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <Link class="brand" href={paths.services(home)}>
          census
        </Link>
        <nav aria-label="Main">
          <ul>
            {nav.map((n) => (
              <li key={n.key}>
                <Link href={n.href} aria-current={section === n.key ? "page" : undefined}>
                  {n.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <span class="dc" title="datacenter">
          {home}
        </span>
      </header>
      <div class="banner-slot" aria-live="assertive">
        {unreachable ? (
          <div class="banner" role="alert" data-banner="unreachable">
            <strong>The census agent is unreachable.</strong> Retrying… The page shows what it last knew.
          </div>
        ) : null}
      </div>
      <main id="main" class={unreachable ? "stale" : undefined}>
        {crumb ? (
          <nav aria-label="Breadcrumb" class="crumbs">
            <Link href={crumb.href}>{crumb.label}</Link>
            <span aria-hidden="true"> / </span>
          </nav>
        ) : null}
        <h1 ref={heading} tabIndex={-1}>
          {title}
        </h1>
        <View route={route} home={home} search={where.search} reason={reason} />
      </main>
    </>
  );
}

function View({
  route,
  home,
  search,
  reason,
}: {
  route: Route;
  home: string;
  search: URLSearchParams;
  reason?: string;
}) {
  switch (route.view) {
    case "services":
      return <ServicesView dc={route.dc} search={search} />;
    case "service":
      return <ServiceView key={route.name} dc={route.dc} name={route.name} />;
    case "nodes":
      return <NodesView dc={route.dc} search={search} />;
    case "node":
      return <NodeView key={route.node} dc={route.dc} node={route.node} />;
    case "kv":
      return <KvView dc={route.dc} />;
    case "redirect":
      return <p class="muted loading">Loading…</p>;
    case "notfound":
      return <NotFoundView dc={home} reason={reason} />;
  }
}
