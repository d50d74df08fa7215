// gRPC check, as Consul's CheckGRPC: grpc.health.v1.Health/Check against "host:port" or
// "host:port/service"; SERVING passes ("gRPC check <target>: success"), any other status is
// critical ("gRPC <target> serving status: NOT_SERVING"), and a failed call is critical with
// grpc-go's status text ("rpc error: code = Unavailable desc = connection error: desc = ...").
// The two health messages are tiny, so they are encoded by hand instead of via proto-loader.

import * as grpc from "@grpc/grpc-js";
import { goQuote } from "./output.ts";
import { runTimeout } from "./timeouts.ts";
import type { Probe } from "./types.ts";

export const HEALTH_CHECK_PATH = "/grpc.health.v1.Health/Check";

/** grpc.health.v1.HealthCheckResponse.ServingStatus */
export const SERVING_STATUS = ["UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"] as const;

/** grpc-go's codes.Code.String() */
const CODE_NAMES = [
  "OK",
  "Canceled",
  "Unknown",
  "InvalidArgument",
  "DeadlineExceeded",
  "NotFound",
  "AlreadyExists",
  "PermissionDenied",
  "ResourceExhausted",
  "FailedPrecondition",
  "Aborted",
  "OutOfRange",
  "Unimplemented",
  "Internal",
  "Unavailable",
  "DataLoss",
  "Unauthenticated",
];

function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Buffer.from(out);
}

function readVarint(buf: Buffer, pos: number): [number, number] {
  let result = 0;
  let mul = 1;
  for (;;) {
    if (pos >= buf.length) throw new Error("truncated varint");
    const b = buf[pos++];
    result += (b & 0x7f) * mul;
    if ((b & 0x80) === 0) return [result, pos];
    mul *= 128;
  }
}

/** Walks a protobuf message, calling `field` for each (number, wire type, varint value or bytes). */
function walk(buf: Buffer, field: (num: number, value: number | Buffer) => void): void {
  let pos = 0;
  while (pos < buf.length) {
    let key: number;
    [key, pos] = readVarint(buf, pos);
    const num = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) {
      let v: number;
      [v, pos] = readVarint(buf, pos);
      field(num, v);
    } else if (wire === 2) {
      let len: number;
      [len, pos] = readVarint(buf, pos);
      field(num, buf.subarray(pos, pos + len));
      pos += len;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
}

/** HealthCheckRequest { string service = 1; } */
export function encodeHealthCheckRequest(req: { service: string }): Buffer {
  if (!req.service) return Buffer.alloc(0);
  const s = Buffer.from(req.service, "utf8");
  return Buffer.concat([Buffer.from([0x0a]), varint(s.length), s]);
}

export function decodeHealthCheckRequest(buf: Buffer): { service: string } {
  let service = "";
  walk(buf, (num, v) => {
    if (num === 1 && Buffer.isBuffer(v)) service = v.toString("utf8");
  });
  return { service };
}

/** HealthCheckResponse { ServingStatus status = 1; } */
export function encodeHealthCheckResponse(res: { status: number }): Buffer {
  if (!res.status) return Buffer.alloc(0);
  return Buffer.concat([Buffer.from([0x08]), varint(res.status)]);
}

export function decodeHealthCheckResponse(buf: Buffer): { status: number } {
  let status = 0;
  walk(buf, (num, v) => {
    if (num === 1 && typeof v === "number") status = v;
  });
  return { status };
}

/** Consul's split of "server[/service]". */
export function parseGrpcTarget(target: string): { server: string; service: string } {
  const i = target.indexOf("/");
  return i < 0
    ? { server: target, service: "" }
    : { server: target.slice(0, i), service: target.slice(i + 1) };
}

/** grpc-go's status error text for a grpc-js failure. */
function grpcErrorText(err: grpc.ServiceError): string {
  const code = CODE_NAMES[err.code] ?? `Code(${err.code})`;
  let desc = err.details ?? "";
  if (err.code === grpc.status.DEADLINE_EXCEEDED) desc = "context deadline exceeded";
  else if (err.code === grpc.status.CANCELLED && /cancel/i.test(desc)) desc = "context canceled";
  else if (err.code === grpc.status.UNAVAILABLE) {
    const refused = /(ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT) (\S+?)\.?(?:\s|$)/.exec(
      desc,
    );
    const errno: Record<string, string> = {
      ECONNREFUSED: "connect: connection refused",
      ECONNRESET: "connect: connection reset by peer",
      EHOSTUNREACH: "connect: no route to host",
      ENETUNREACH: "connect: network is unreachable",
      ETIMEDOUT: "i/o timeout",
    };
    const notFound = /ENOTFOUND (\S+)|Name resolution failed for target dns:([^:\s]+)/.exec(desc);
    const tlsFail = /self[- ]signed|unable to verify|certificate|wrong version number/i.test(desc);
    if (refused) {
      const inner = `transport: Error while dialing: dial tcp ${refused[2]}: ${errno[refused[1]]}`;
      desc = `connection error: desc = ${goQuote(inner)}`;
    } else if (notFound) {
      const host = notFound[1] ?? notFound[2];
      const inner = `transport: Error while dialing: dial tcp: lookup ${host}: no such host`;
      desc = `connection error: desc = ${goQuote(inner)}`;
    } else if (tlsFail) {
      const why = /wrong version number/i.test(desc)
        ? "tls: first record does not look like a TLS handshake"
        : /altnames|Hostname\/IP does not match/i.test(desc)
          ? "tls: failed to verify certificate: x509: certificate is not valid for the requested name"
          : "tls: failed to verify certificate: x509: certificate signed by unknown authority";
      desc = `connection error: desc = ${goQuote(`transport: authentication handshake failed: ${why}`)}`;
    }
  }
  return `rpc error: code = ${code} desc = ${desc}`;
}

export const grpcProbe: Probe = async (def, ctx) => {
  const target = def.GRPC ?? "";
  const { server, service } = parseGrpcTarget(target);
  const timeoutMs = runTimeout("grpc", def, ctx);
  const options: grpc.ChannelOptions = {
    "grpc.enable_retries": 0,
    "grpc.service_config_disable_resolution": 1,
  };
  let creds: grpc.ChannelCredentials;
  if (def.GRPCUseTLS) {
    creds = grpc.credentials.createSsl(
      ctx.tls?.ca ? Buffer.from(ctx.tls.ca) : null,
      ctx.tls?.key ? Buffer.from(ctx.tls.key) : null,
      ctx.tls?.cert ? Buffer.from(ctx.tls.cert) : null,
      { rejectUnauthorized: !def.TLSSkipVerify },
    );
    if (def.TLSServerName) options["grpc.ssl_target_name_override"] = def.TLSServerName;
  } else {
    creds = grpc.credentials.createInsecure();
  }
  let client: grpc.Client;
  try {
    client = new grpc.Client(server, creds, options);
  } catch (e) {
    return { status: "critical", output: (e as Error).message };
  }
  try {
    const status = await new Promise<number>((resolve, reject) => {
      const call = client.makeUnaryRequest(
        HEALTH_CHECK_PATH,
        encodeHealthCheckRequest,
        decodeHealthCheckResponse,
        { service },
        new grpc.Metadata(),
        { deadline: Date.now() + timeoutMs },
        (err, res) => {
          ctx.signal.removeEventListener("abort", onAbort);
          if (err) reject(err);
          else resolve(res?.status ?? 0);
        },
      );
      const onAbort = () => call.cancel();
      if (ctx.signal.aborted) onAbort();
      else ctx.signal.addEventListener("abort", onAbort, { once: true });
    });
    if (status !== 1) {
      const name = SERVING_STATUS[status] ?? String(status);
      return { status: "critical", output: `gRPC ${target} serving status: ${name}` };
    }
    return { status: "passing", output: `gRPC check ${target}: success` };
  } catch (e) {
    return { status: "critical", output: grpcErrorText(e as grpc.ServiceError) };
  } finally {
    client.close();
  }
};
