// The runner of each probe kind, by the check's Type (definitions.ts checkKind). TTL and
// alias checks are not probes: they are driven by updates and the catalog.

import { dockerProbe } from "./docker.ts";
import { grpcProbe } from "./grpc.ts";
import { h2pingProbe } from "./h2ping.ts";
import { httpProbe } from "./http.ts";
import { scriptProbe } from "./script.ts";
import { tcpProbe } from "./tcp.ts";
import type { ProbeKind } from "./timeouts.ts";
import type { Probe } from "./types.ts";
import { udpProbe } from "./udp.ts";

export const PROBES: Record<ProbeKind, Probe> = {
  http: httpProbe,
  tcp: tcpProbe,
  udp: udpProbe,
  grpc: grpcProbe,
  docker: dockerProbe,
  script: scriptProbe,
  h2ping: h2pingProbe,
};
