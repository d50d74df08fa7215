import type { ApiContext } from "./context.ts";
import type { Route } from "./http.ts";
import { sendJson } from "./read.ts";

export function statusRoutes(ctx: ApiContext): Route[] {
  return [
    {
      methods: ["GET"],
      url: "/v1/status/leader",
      access: () => ({ resource: "none", level: "read" }),
      handler: (req, reply) => sendJson(ctx, req, reply, ctx.serverAddr),
    },
    {
      methods: ["GET"],
      url: "/v1/status/peers",
      access: () => ({ resource: "operator", level: "read" }),
      handler: (req, reply) => sendJson(ctx, req, reply, [ctx.serverAddr]),
    },
  ];
}
