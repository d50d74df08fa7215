// TCP (and TLS) dialing with Go's net.Dialer error texts: "dial tcp 127.0.0.1:1: connect:
// connection refused", "dial tcp 10.0.0.1:80: i/o timeout", "dial tcp: lookup x: no such host".
// The name is resolved here (not inside net.connect) so that errors can name the address
// that was tried, as Go's do.

import dns from "node:dns/promises";
import net from "node:net";
import tls from "node:tls";
import {
  GoError,
  connectErrorText,
  joinHostPort,
  lookupErrorText,
  parsePort,
  splitHostPort,
  tlsErrorText,
  type NodeSysError,
} from "./goerrors.ts";

export interface Deadline {
  signal: AbortSignal;
  /** True once our own timer (rather than the caller's signal) fired. */
  timedOut(): boolean;
  dispose(): void;
}

/** One signal for "the caller aborted or `ms` passed"; dispose() clears the timer. */
export function deadline(parent: AbortSignal, ms: number): Deadline {
  const ctl = new AbortController();
  let fired = false;
  const timer = setTimeout(() => {
    fired = true;
    ctl.abort(new Error("timeout"));
  }, ms);
  const onParent = () => ctl.abort(parent.reason);
  if (parent.aborted) onParent();
  else parent.addEventListener("abort", onParent, { once: true });
  return {
    signal: ctl.signal,
    timedOut: () => fired,
    dispose: () => {
      clearTimeout(timer);
      parent.removeEventListener("abort", onParent);
    },
  };
}

/** Resolves host to the addresses Go's dialer would try, in order. */
export async function resolveHost(
  network: "tcp" | "udp",
  address: string,
): Promise<{ host: string; port: number; addrs: string[] }> {
  const hp = splitHostPort(address);
  if ("error" in hp) throw new GoError(`dial ${network}: ${hp.error}`);
  const port = parsePort(network, hp.port);
  if (typeof port !== "number") throw new GoError(`dial ${network}: ${port.error}`);
  const host = hp.host === "" ? "localhost" : hp.host;
  if (net.isIP(host)) return { host, port, addrs: [host] };
  try {
    const found = await dns.lookup(host, { all: true });
    return { host, port, addrs: found.map((a) => a.address) };
  } catch (e) {
    throw new GoError(`dial ${network}: ${lookupErrorText(host, e as NodeSysError)}`);
  }
}

function connectOnce(ip: string, port: number, signal: AbortSignal): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: ip, port });
    const cleanup = () => {
      signal.removeEventListener("abort", onAbort);
      sock.removeListener("error", onError);
      sock.removeListener("connect", onConnect);
    };
    const onAbort = () => {
      cleanup();
      sock.destroy();
      reject(new GoError(`dial tcp ${joinHostPort(ip, port)}: i/o timeout`));
    };
    const onError = (err: NodeSysError) => {
      cleanup();
      sock.destroy();
      reject(new GoError(`dial tcp ${joinHostPort(ip, port)}: ${connectErrorText(err)}`));
    };
    const onConnect = () => {
      cleanup();
      resolve(sock);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    sock.once("error", onError);
    sock.once("connect", onConnect);
  });
}

/** Dials host:port over TCP, trying each resolved address in turn; rejects with a GoError. */
export async function dialTcp(address: string, signal: AbortSignal): Promise<net.Socket> {
  const lookup = resolveHost("tcp", address);
  const aborted = new Promise<never>((_, reject) => {
    const onAbort = () => reject(new GoError(`dial tcp ${address}: i/o timeout`));
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  aborted.catch(() => {});
  const { port, addrs } = await Promise.race([lookup, aborted]);
  let first: unknown;
  for (const ip of addrs) {
    try {
      return await connectOnce(ip, port, signal);
    } catch (e) {
      first ??= e;
      if (signal.aborted) break;
    }
  }
  throw first ?? new GoError(`dial tcp ${address}: no suitable address found`);
}

export interface TlsOptions {
  skipVerify?: boolean;
  serverName?: string;
  alpn?: string[];
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
}

/** Runs a TLS client handshake over `sock`; rejects with Go's tls/x509 error text. */
export function tlsHandshake(
  sock: net.Socket,
  host: string,
  opts: TlsOptions,
  signal: AbortSignal,
): Promise<tls.TLSSocket> {
  const verifyName = opts.serverName || host;
  return new Promise((resolve, reject) => {
    const ts = tls.connect({
      socket: sock,
      servername: net.isIP(verifyName) ? undefined : verifyName,
      rejectUnauthorized: !opts.skipVerify,
      ALPNProtocols: opts.alpn,
      ca: opts.ca,
      cert: opts.cert,
      key: opts.key,
      checkServerIdentity: (_name, cert) => tls.checkServerIdentity(verifyName, cert),
    });
    const cleanup = () => {
      signal.removeEventListener("abort", onAbort);
      ts.removeListener("error", onError);
      ts.removeListener("secureConnect", onSecure);
    };
    const onAbort = () => {
      cleanup();
      ts.destroy();
      reject(new GoError("context deadline exceeded"));
    };
    const onError = (err: NodeSysError) => {
      cleanup();
      ts.destroy();
      reject(new GoError(tlsErrorText(err, verifyName) ?? err.message));
    };
    const onSecure = () => {
      cleanup();
      resolve(ts);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    ts.once("error", onError);
    ts.once("secureConnect", onSecure);
  });
}
