// The views with nothing live in them: Key/Value (not in census yet) and not found.

import { Link, paths } from "./router.tsx";

export function KvView({ dc }: { dc: string }) {
  return (
    <div class="notice" data-view="kv-unavailable">
      <p>
        <strong>Key/Value is not available in this census.</strong> This agent serves the service catalog and
        health checks; it has no KV store, and <code>/v1/kv/</code> is not one of its endpoints.
      </p>
      <p>
        See the <Link href={paths.services(dc)}>services</Link> or the{" "}
        <Link href={paths.nodes(dc)}>nodes</Link> instead.
      </p>
    </div>
  );
}

export function NotFoundView({ dc, reason }: { dc: string; reason?: string }) {
  return (
    <div class="notice" data-view="not-found">
      <p>{reason ?? "There is no page at this address."}</p>
      <p class="mono path">{decodeSafely(location.pathname)}</p>
      <p>
        Go to the <Link href={paths.services(dc)}>services</Link> or the{" "}
        <Link href={paths.nodes(dc)}>nodes</Link>.
      </p>
    </div>
  );
}

function decodeSafely(path: string): string {
  try {
    return decodeURI(path);
  } catch {
    return path;
  }
}
