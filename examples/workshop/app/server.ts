// The app's HTTP routes:
//   GET /               an HTML card with the account name and its avatar
//   GET /user           {"user": name, "url": avatar_url}
//   GET /health         200 "ok" (what the catalog's HTTP check hits)
//   GET /identicon.svg  the locally drawn identicon
//   GET /avatar         the avatar itself (a redirect to GitHub's, or the identicon), for the workshop's nginx page
// Anything else is 404; methods other than GET and HEAD are 405.

import http from "node:http";
import type { AvatarSource } from "./avatar.ts";
import { identiconSvg } from "./identicon.ts";

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );
}

export function cardHtml(name: string, avatarUrl: string): string {
  const n = escapeHtml(name);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${n}</title>
<style>
  body { margin: 0; min-height: 100vh; display: flex; align-items: center; justify-content: center;
         font-family: system-ui, sans-serif; background: #f6f7f9; color: #1d2330; }
  .card { background: #fff; border-radius: 12px; box-shadow: 0 2px 8px #0002; padding: 2rem; text-align: center; }
  .card img { width: 10rem; height: 10rem; border-radius: 50%; display: block; margin: 0 auto 1rem; }
  .card h1 { font-size: 1.3rem; margin: 0; }
</style>
</head>
<body>
<main class="card">
  <img src="${escapeHtml(avatarUrl)}" alt="${n}" width="160" height="160">
  <h1>${n}</h1>
</main>
</body>
</html>
`;
}

export function createHandler(name: string, avatars: AvatarSource): http.RequestListener {
  const svg = identiconSvg(name);
  return (req, res) => {
    const send = (status: number, type: string, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, {
        "Content-Type": type,
        "Content-Length": Buffer.byteLength(body),
        ...headers,
      });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    const path = (req.url ?? "/").split("?")[0];
    const routes: Record<string, () => void | Promise<void>> = {
      "/": async () => send(200, "text/html; charset=utf-8", cardHtml(name, (await avatars.get()).url)),
      "/user": async () =>
        send(200, "application/json", JSON.stringify({ user: name, url: (await avatars.get()).url }) + "\n"),
      "/health": () => send(200, "text/plain; charset=utf-8", "ok"),
      "/identicon.svg": () => send(200, "image/svg+xml", svg, { "Cache-Control": "public, max-age=86400" }),
      "/avatar": async () => {
        const avatar = await avatars.get();
        if (avatar.source === "identicon") send(200, "image/svg+xml", svg);
        else send(302, "text/plain; charset=utf-8", `${avatar.url}\n`, { Location: avatar.url });
      },
    };
    const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
    if (!route) return send(404, "text/plain; charset=utf-8", "not found\n");
    if (req.method !== "GET" && req.method !== "HEAD") {
      return send(405, "text/plain; charset=utf-8", "method not allowed\n", { Allow: "GET, HEAD" });
    }
    Promise.resolve()
      .then(route)
      .catch((err) => {
        console.error(`workshop app: ${req.method} ${path}: ${err?.message ?? err}`);
        if (!res.headersSent) send(500, "text/plain; charset=utf-8", "internal error\n");
        else res.destroy();
      });
  };
}
