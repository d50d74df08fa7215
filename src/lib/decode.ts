// Consul's request decoder: field names match case-insensitively and with or without
// underscores (python-consul sends "serviceid", HCL configs "service_id", Go clients
// "ServiceID"), durations are Go strings or integer nanoseconds, and an unknown field is an
// error, as Consul's DisallowUnknownFields decoder makes it (`json: unknown field "Script"`).
// Map values (Meta, Header, TaggedAddresses) keep their keys as sent.

import { DurationError, durationFromJson } from "./duration.ts";

export type Kind =
  | "string"
  | "int"
  | "bool"
  | "duration"
  | "strings"
  | "stringMap"
  | "any"
  /** Accepted and dropped (Consul reads and ignores it). */
  | "ignore"
  | { object: Schema }
  | { list: Kind }
  | { map: Kind };

export interface Schema {
  /** The Go type name, for error messages ("ServiceDefinition"). */
  name: string;
  fields: Record<string, Kind>;
  /** Extra accepted spellings, alias → canonical field ("args" → "ScriptArgs"). */
  aliases?: Record<string, string>;
}

export class DecodeError extends Error {}

const fold = (k: string) => k.toLowerCase().replace(/[_-]/g, "");

const lookupCache = new WeakMap<Schema, Map<string, string>>();
function lookup(schema: Schema): Map<string, string> {
  let m = lookupCache.get(schema);
  if (!m) {
    m = new Map();
    for (const f of Object.keys(schema.fields)) m.set(fold(f), f);
    for (const [alias, f] of Object.entries(schema.aliases ?? {})) m.set(fold(alias), f);
    lookupCache.set(schema, m);
  }
  return m;
}

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v === "object" ? "object" : typeof v;
}

function fail(schema: Schema | undefined, path: string, v: unknown, want: string): never {
  const where = schema ? `Go struct field ${schema.name}.${path}` : `Go value`;
  throw new DecodeError(`json: cannot unmarshal ${typeOf(v)} into ${where} of type ${want}`);
}

function decodeValue(kind: Kind, v: unknown, owner: Schema | undefined, path: string): unknown {
  if (v === null) return undefined; // JSON null leaves Go's zero value
  if (typeof kind === "object") {
    if ("object" in kind) return decodeObject(kind.object, v, path);
    if ("list" in kind) {
      if (!Array.isArray(v)) fail(owner, path, v, "[]");
      return v.map((e, i) => decodeValue(kind.list, e, owner, `${path}[${i}]`));
    }
    if (typeof v !== "object" || Array.isArray(v)) fail(owner, path, v, "map");
    const out: Record<string, unknown> = {};
    for (const [k, e] of Object.entries(v as object))
      out[k] = decodeValue(kind.map, e, owner, `${path}.${k}`);
    return out;
  }
  switch (kind) {
    case "string":
      if (typeof v !== "string") fail(owner, path, v, "string");
      return v;
    case "int":
      if (typeof v !== "number" || !Number.isInteger(v)) fail(owner, path, v, "int");
      return v;
    case "bool":
      if (typeof v !== "boolean") fail(owner, path, v, "bool");
      return v;
    case "duration":
      try {
        return durationFromJson(v);
      } catch (err) {
        if (err instanceof DurationError) throw new DecodeError(err.message);
        throw err;
      }
    case "strings":
      if (!Array.isArray(v) || !v.every((s) => typeof s === "string")) fail(owner, path, v, "[]string");
      return v;
    case "stringMap":
      if (typeof v !== "object" || Array.isArray(v)) fail(owner, path, v, "map[string]string");
      for (const [k, e] of Object.entries(v as object)) {
        if (typeof e !== "string") fail(owner, `${path}.${k}`, e, "string");
      }
      return v;
    case "any":
      return v;
    case "ignore":
      return undefined;
  }
}

/** Decodes a JSON object against schema; returns canonical field names only. Throws DecodeError. */
export function decodeObject(schema: Schema, v: unknown, path = ""): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    if (path) fail(undefined, path, v, schema.name);
    throw new DecodeError(`json: cannot unmarshal ${typeOf(v)} into Go value of type ${schema.name}`);
  }
  const names = lookup(schema);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(v)) {
    const field = names.get(fold(key));
    if (!field) throw new DecodeError(`json: unknown field "${key}"`);
    const decoded = decodeValue(schema.fields[field], value, schema, field);
    if (decoded !== undefined) out[field] = decoded;
  }
  return out;
}
