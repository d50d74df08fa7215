// A small router over the History API: the URL is the state (path for the view, query for its
// search and filter), links are real <a href>s, and back/forward just re-render.

import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";

export const BASE = "/ui";

/** Called on every change of the URL; moved: a new view (not a replaced query), focus goes to it. */
const listeners = new Set<(moved: boolean) => void>();

/** Goes to a path of the page (pushes a history entry unless replace). */
export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  const here = location.pathname + location.search;
  if (to === here) return;
  if (opts.replace) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  for (const l of listeners) l(!opts.replace);
}

export interface Where {
  pathname: string;
  search: URLSearchParams;
  /** Bumped on every move to another view (links, back, forward); the page moves focus then. */
  serial: number;
}

let serial = 0;

export function useWhere(): Where {
  const [, render] = useState(0);
  useEffect(() => {
    const l = (moved: boolean) => {
      if (moved) serial++;
      render((n) => n + 1);
    };
    const pop = () => l(true);
    listeners.add(l);
    addEventListener("popstate", pop);
    return () => {
      listeners.delete(l);
      removeEventListener("popstate", pop);
    };
  }, []);
  return { pathname: location.pathname, search: new URLSearchParams(location.search), serial };
}

interface LinkProps {
  href: string;
  children: ComponentChildren;
  class?: string;
  "aria-current"?: "page";
}

/** An <a> that navigates in the page (a modified or middle click still opens a new tab). */
export function Link({ href, children, ...rest }: LinkProps) {
  const onClick = (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
    scrollTo(0, 0);
  };
  return (
    <a href={href} onClick={onClick} {...rest}>
      {children}
    </a>
  );
}

/** This page's URL with one query parameter set (or removed when empty). */
export function withQuery(search: URLSearchParams, key: string, value: string): string {
  const q = new URLSearchParams(search);
  if (value) q.set(key, value);
  else q.delete(key);
  const s = q.toString();
  return location.pathname + (s ? `?${s}` : "");
}

// --- the page's routes -------------------------------------------------------------------

const seg = (s: string) => encodeURIComponent(s);

export const paths = {
  services: (dc: string) => `${BASE}/${seg(dc)}/services`,
  service: (dc: string, name: string) => `${BASE}/${seg(dc)}/services/${seg(name)}/instances`,
  nodes: (dc: string) => `${BASE}/${seg(dc)}/nodes`,
  node: (dc: string, node: string) => `${BASE}/${seg(dc)}/nodes/${seg(node)}`,
  kv: (dc: string) => `${BASE}/${seg(dc)}/kv`,
};

export type Route =
  | { view: "services"; dc: string }
  | { view: "service"; dc: string; name: string }
  | { view: "nodes"; dc: string }
  | { view: "node"; dc: string; node: string }
  | { view: "kv"; dc: string }
  | { view: "redirect"; to: (dc: string) => string; dc?: string }
  | { view: "notfound"; dc?: string };

/** The view a pathname asks for; every path segment is percent-decoded on its own. */
export function match(pathname: string): Route {
  if (pathname !== BASE && !pathname.startsWith(`${BASE}/`)) return { view: "notfound" };
  const raw = pathname.slice(BASE.length + 1).split("/");
  if (raw.length > 0 && raw[raw.length - 1] === "") raw.pop();
  let s: string[];
  try {
    s = raw.map(decodeURIComponent);
  } catch {
    return { view: "notfound" };
  }
  if (s.some((x) => x === "")) return { view: "notfound" };
  if (s.length === 0) return { view: "redirect", to: paths.services };
  const dc = s[0];
  if (s.length === 1) return { view: "redirect", to: paths.services, dc };
  switch (s[1]) {
    case "services":
      if (s.length === 2) return { view: "services", dc };
      if (s.length === 3) return { view: "redirect", to: (d) => paths.service(d, s[2]), dc };
      if (s.length === 4 && s[3] === "instances") return { view: "service", dc, name: s[2] };
      break;
    case "nodes":
      if (s.length === 2) return { view: "nodes", dc };
      if (s.length === 3) return { view: "node", dc, node: s[2] };
      if (s.length === 4 && (s[3] === "health-checks" || s[3] === "service-instances"))
        return { view: "node", dc, node: s[2] };
      break;
    case "kv":
      return { view: "kv", dc };
  }
  return { view: "notfound", dc };
}
