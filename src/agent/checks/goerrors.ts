// Node's socket errors rendered as Go's net/crypto/tls error texts, because Consul puts
// err.Error() straight into a check's Output and users (and scripts) match on it.

import net from "node:net";

/** Go's syscall.Errno strings for the errnos a network probe meets. */
const ERRNO_TEXT: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset by peer",
  ETIMEDOUT: "connection timed out",
  EHOSTUNREACH: "no route to host",
  EHOSTDOWN: "host is down",
  ENETUNREACH: "network is unreachable",
  ENETDOWN: "network is down",
  EADDRNOTAVAIL: "cannot assign requested address",
  EADDRINUSE: "address already in use",
  ECONNABORTED: "software caused connection abort",
  EPIPE: "broken pipe",
  ENOENT: "no such file or directory",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOTSOCK: "socket operation on non-socket",
  EAFNOSUPPORT: "address family not supported by protocol",
  EMSGSIZE: "message too long",
};

export interface NodeSysError extends Error {
  code?: string;
  errno?: number;
  syscall?: string;
  address?: string;
  port?: number;
  hostname?: string;
  reason?: string;
  cert?: { subjectaltname?: string; subject?: { CN?: string } };
  errors?: unknown[];
}

/** An error whose message is already Go's text. */
export class GoError extends Error {}

export function errnoText(err: NodeSysError): string {
  return (err.code && ERRNO_TEXT[err.code]) || err.message;
}

/** Go's net.JoinHostPort. */
export function joinHostPort(host: string, port: number | string): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Go's net.SplitHostPort, with Go's error texts (as used by "dial tcp: <err>"). */
export function splitHostPort(hostport: string): { host: string; port: string } | { error: string } {
  const missingPort = { error: `address ${hostport}: missing port in address` };
  const tooMany = { error: `address ${hostport}: too many colons in address` };
  const i = hostport.lastIndexOf(":");
  if (i < 0) return missingPort;
  let host: string;
  if (hostport.startsWith("[")) {
    const end = hostport.indexOf("]");
    if (end < 0) return { error: `address ${hostport}: missing ']' in address` };
    if (end + 1 === hostport.length) return missingPort;
    if (end + 1 !== i) return hostport[end + 1] === ":" ? tooMany : missingPort;
    host = hostport.slice(1, end);
  } else {
    host = hostport.slice(0, i);
    if (host.includes(":")) return tooMany;
  }
  return { host, port: hostport.slice(i + 1) };
}

/** Parses a port as Go's dialer does (numbers only; named services are not looked up). */
export function parsePort(network: string, port: string): number | { error: string } {
  if (/^[0-9]+$/.test(port)) {
    const n = Number(port);
    if (n > 65535) return { error: `address ${port}: invalid port` };
    return n;
  }
  if (port === "") return 0;
  return { error: `lookup ${network}/${port}: unknown port` };
}

/** The errno part of a connect failure: "connect: connection refused". */
export function connectErrorText(err: NodeSysError): string {
  if (err.code === "ETIMEDOUT" && !err.syscall) return "i/o timeout";
  return `connect: ${errnoText(err)}`;
}

/** "lookup <host>: no such host" and friends, from a dns.lookup failure. */
export function lookupErrorText(host: string, err: NodeSysError): string {
  switch (err.code) {
    case "ENOTFOUND":
    case "ENODATA":
    case "EAI_NONAME":
      return `lookup ${host}: no such host`;
    case "EAI_AGAIN":
    case "ETIMEOUT":
      return `lookup ${host}: i/o timeout`;
    default:
      return `lookup ${host}: ${err.message}`;
  }
}

const UNKNOWN_AUTHORITY = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_UNTRUSTED",
]);

/** Go's x509.HostnameError text from Node's ERR_TLS_CERT_ALTNAME_INVALID. */
function hostnameErrorText(host: string, err: NodeSysError): string {
  const sans = (err.cert?.subjectaltname ?? "").split(", ").filter(Boolean);
  const dns = sans.filter((s) => s.startsWith("DNS:")).map((s) => s.slice(4));
  const ips = sans.filter((s) => s.startsWith("IP Address:")).map((s) => s.slice(11));
  if (sans.length === 0 && err.cert?.subject?.CN) {
    return "x509: certificate relies on legacy Common Name field, use SANs instead";
  }
  let valid: string;
  if (net.isIP(host)) {
    if (ips.length === 0) {
      return `x509: cannot validate certificate for ${host} because it doesn't contain any IP SANs`;
    }
    valid = ips.join(", ");
  } else {
    valid = dns.join(", ");
  }
  if (!valid) return `x509: certificate is not valid for any names, but wanted to match ${host}`;
  return `x509: certificate is valid for ${valid}, not ${host}`;
}

/**
 * Go's text for a failed TLS handshake, or undefined when `err` is not a TLS error.
 * `host` is the name the certificate was checked against.
 */
export function tlsErrorText(err: NodeSysError, host: string): string | undefined {
  const code = err.code ?? "";
  if (UNKNOWN_AUTHORITY.has(code)) {
    return "tls: failed to verify certificate: x509: certificate signed by unknown authority";
  }
  if (code === "CERT_HAS_EXPIRED" || code === "CERT_NOT_YET_VALID") {
    return "tls: failed to verify certificate: x509: certificate has expired or is not yet valid";
  }
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return `tls: failed to verify certificate: ${hostnameErrorText(host, err)}`;
  }
  if (code.startsWith("ERR_SSL_") || code === "EPROTO") {
    if (/wrong version number|packet length too long|http request/i.test(err.message)) {
      return "tls: first record does not look like a TLS handshake";
    }
    const m = /alert ([a-z ]+)/i.exec(err.message);
    if (m) return `remote error: tls: ${m[1].toLowerCase().trim()}`;
    return `tls: ${err.message}`;
  }
  if (code === "ECONNRESET" && /before secure TLS connection/.test(err.message)) return "EOF";
  return undefined;
}

/** The first error of Node's AggregateError (autoSelectFamily tried several addresses). */
export function firstError(err: NodeSysError): NodeSysError {
  if (Array.isArray(err.errors) && err.errors.length > 0) return err.errors[0] as NodeSysError;
  return err;
}
