// Assembles the HTTP API from its endpoint groups.

import type { FastifyInstance } from "fastify";
import { agentRoutes } from "./agent.ts";
import { catalogRoutes } from "./catalog.ts";
import type { ApiContext } from "./context.ts";
import { healthRoutes } from "./health.ts";
import { createServer } from "./http.ts";
import { internalRoutes } from "./internal.ts";
import { statusRoutes } from "./status.ts";
import { uiRoutes } from "./ui.ts";

export type { ApiContext } from "./context.ts";
export { ResponseCache } from "./read.ts";

export function createApi(ctx: ApiContext): FastifyInstance {
  return createServer([
    ...statusRoutes(ctx),
    ...agentRoutes(ctx),
    ...catalogRoutes(ctx),
    ...healthRoutes(ctx),
    ...internalRoutes(ctx),
    ...uiRoutes(ctx),
  ]);
}
