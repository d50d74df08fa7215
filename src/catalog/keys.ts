// Where catalog records live in the store. Names are URI-encoded so that a node or service ID
// holding "/" cannot be confused with the separator.

export const CATALOG_PREFIX = "catalog/";
const NODES = "catalog/nodes/";
const SERVICES = "catalog/services/";
const CHECKS = "catalog/checks/";

const enc = encodeURIComponent;

export const nodeKey = (node: string) => NODES + enc(node);
export const serviceKey = (node: string, id: string) => `${SERVICES}${enc(node)}/${enc(id)}`;
export const servicesOfNodePrefix = (node: string) => `${SERVICES}${enc(node)}/`;
export const checkKey = (node: string, id: string) => `${CHECKS}${enc(node)}/${enc(id)}`;
export const checksOfNodePrefix = (node: string) => `${CHECKS}${enc(node)}/`;

export type ParsedKey =
  | { kind: "node"; node: string }
  | { kind: "service"; node: string; id: string }
  | { kind: "check"; node: string; id: string };

export function parseKey(key: string): ParsedKey | undefined {
  if (key.startsWith(NODES)) return { kind: "node", node: decodeURIComponent(key.slice(NODES.length)) };
  for (const [prefix, kind] of [
    [SERVICES, "service"],
    [CHECKS, "check"],
  ] as const) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    const slash = rest.indexOf("/");
    if (slash < 0) return undefined;
    return {
      kind,
      node: decodeURIComponent(rest.slice(0, slash)),
      id: decodeURIComponent(rest.slice(slash + 1)),
    };
  }
  return undefined;
}
