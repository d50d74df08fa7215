// The value model: how JavaScript values stand in for the Go values text/template sees.
//
//   undefined            an invalid reflect.Value: a missing map key, nil data ("<no value>")
//   null                 a nil interface{} held in a map, slice or field
//   boolean              bool
//   number               int when integral and within int64, otherwise float64
//   bigint               int (for integers beyond 2^53)
//   GoFloat              float64 that happens to be integral (goFloat(1) prints "1" but is a float64)
//   GoComplex            complex128 (only template literals such as 1i produce these)
//   string               string
//   Array                []interface {}
//   plain object, Map    map[string]interface {} (keys visited in sorted order)
//   goStruct(...) / class instance   a struct: missing fields are errors, printed as {a b}
//   function             a method when found as a property; a func value elsewhere

export class GoFloat {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
  toString(): string {
    return String(this.value);
  }
}

/** Marks a number as a Go float64 so that eq/lt and %T treat it as one even when it is integral. */
export function goFloat(value: number): GoFloat {
  return new GoFloat(value);
}

export class GoComplex {
  constructor(
    readonly re: number,
    readonly im: number,
  ) {}
}

const structTag = Symbol("goStruct");

/**
 * Marks `fields` as a Go struct named `typeName` (as Go prints it, e.g. "main.Service") and returns it.
 * Field order is the object's key order; function-valued properties are its methods.
 */
export function goStruct<T extends object>(typeName: string, fields: T): T {
  Object.defineProperty(fields, structTag, { value: typeName, enumerable: false, configurable: true });
  return fields;
}

/**
 * A value read out of an interface{} slot (a map or slice element). Go keeps the static type of such
 * values until the end of a pipeline command, which shows in messages ("in type interface {}"), so the
 * evaluator wraps them while they travel along a field chain, as dot, or as a range variable.
 */
export class Iface {
  constructor(readonly v: unknown) {}
}

export function box(v: unknown): unknown {
  return v === undefined || v === null || v instanceof Iface ? v : new Iface(v);
}

export function unbox(v: unknown): unknown {
  return v instanceof Iface ? v.v : v;
}

/** Go's indirectInterface: the concrete value inside an interface; a nil interface becomes invalid. */
export function indirectInterface(v: unknown): unknown {
  const u = unbox(v);
  return u === null ? undefined : u;
}

export type Kind =
  "invalid" | "bool" | "int" | "float" | "complex" | "string" | "slice" | "map" | "struct" | "func" | "other";

const twoTo63 = 2 ** 63;

export function isIntNumber(n: number): boolean {
  return Number.isInteger(n) && n >= -twoTo63 && n < twoTo63;
}

export function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function isStruct(v: unknown): v is object {
  return kindOf(v) === "struct";
}

export function kindOf(v: unknown): Kind {
  switch (typeof v) {
    case "undefined":
      return "invalid";
    case "boolean":
      return "bool";
    case "number":
      return isIntNumber(v) ? "int" : "float";
    case "bigint":
      return "int";
    case "string":
      return "string";
    case "function":
      return "func";
    case "object":
      if (v === null) return "invalid";
      if (Array.isArray(v)) return "slice";
      if (v instanceof GoFloat) return "float";
      if (v instanceof GoComplex) return "complex";
      if (v instanceof Iface) return kindOf(v.v);
      if (structTag in v) return "struct";
      if (v instanceof Map) return "map";
      return isPlainObject(v) ? "map" : "struct";
    default:
      return "other";
  }
}

export const funcTypeName = "func(...interface {}) interface {}";

/** The Go type a value stands for, as reflect.Type.String() spells it. */
export function typeName(v: unknown): string {
  if (v instanceof Iface || v === null) return "interface {}";
  switch (kindOf(v)) {
    case "invalid":
      return "<nil>";
    case "bool":
      return "bool";
    case "int":
      return "int";
    case "float":
      return "float64";
    case "complex":
      return "complex128";
    case "string":
      return "string";
    case "slice":
      return "[]interface {}";
    case "map":
      return v instanceof Map ? `map[${mapKeyType(v)}]interface {}` : "map[string]interface {}";
    case "struct":
      return structTypeName(v as object);
    case "func":
      return funcTypeName;
    default:
      return typeof v;
  }
}

function mapKeyType(m: Map<unknown, unknown>): string {
  let key = "";
  for (const k of m.keys()) {
    const t = kindOf(k) === "string" ? "string" : kindOf(k) === "int" ? "int" : "interface {}";
    if (key !== "" && key !== t) return "interface {}";
    key = t;
  }
  return key || "string";
}

export function structTypeName(v: object): string {
  const tagged = (v as Record<symbol, unknown>)[structTag];
  if (typeof tagged === "string") return tagged;
  const ctor = (v as { constructor?: { goTypeName?: unknown; name?: unknown } }).constructor;
  if (typeof ctor?.goTypeName === "string") return ctor.goTypeName;
  if (typeof ctor?.name === "string" && ctor.name !== "") return ctor.name;
  return "struct {}";
}

/** Struct fields in declaration (key) order; function-valued properties are methods, not fields. */
export function structFields(v: object): string[] {
  return Object.keys(v).filter((k) => typeof (v as Record<string, unknown>)[k] !== "function");
}

/** Where a struct property lives: own properties and class prototypes, never Object.prototype. */
export function findStructProp(v: object, name: string): { value: unknown } | undefined {
  for (let o: object | null = v; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    if (Object.prototype.hasOwnProperty.call(o, name)) {
      return { value: (v as Record<string, unknown>)[name] };
    }
  }
  return undefined;
}

const missing = Symbol("missing");

/** Looks a key up in a map value; `missing` when absent (Go's invalid MapIndex result). */
export function mapLookup(m: object, key: unknown): unknown {
  if (m instanceof Map) return m.has(key) ? m.get(key) : missing;
  if (typeof key !== "string") return missing;
  return Object.prototype.hasOwnProperty.call(m, key) ? (m as Record<string, unknown>)[key] : missing;
}

export function isMissingKey(v: unknown): boolean {
  return v === missing;
}

/** Whether a map's keys are strings (so .Field and index with a string apply). */
export function mapKeyKind(m: object): "string" | "int" | "any" {
  if (!(m instanceof Map)) return "string";
  const t = mapKeyType(m);
  return t === "string" ? "string" : t === "int" ? "int" : "any";
}

export function mapLen(m: object): number {
  return m instanceof Map ? m.size : Object.keys(m).length;
}

/** Map entries in Go's fmtsort order: numbers numerically, strings bytewise, otherwise by kind. */
export function sortedEntries(m: object): [unknown, unknown][] {
  const entries: [unknown, unknown][] =
    m instanceof Map ? [...m.entries()] : Object.keys(m).map((k) => [k, (m as Record<string, unknown>)[k]]);
  return entries.sort((a, b) => compareKeys(a[0], b[0]));
}

const kindOrder: Kind[] = ["bool", "int", "float", "complex", "string"];

function compareKeys(a: unknown, b: unknown): number {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka !== kb) return kindOrder.indexOf(ka) - kindOrder.indexOf(kb);
  switch (ka) {
    case "string":
      return compareStrings(a as string, b as string);
    case "int":
      return compareInts(a as number | bigint, b as number | bigint);
    case "float":
      return floatValue(a) - floatValue(b);
    case "bool":
      return Number(a) - Number(b);
    default:
      return 0;
  }
}

const surrogate = /[\uD800-\uDFFF]/;

/** Go compares strings bytewise; UTF-8 byte order is code point order, which UTF-16 order is not. */
export function compareStrings(a: string, b: string): number {
  if (!surrogate.test(a) && !surrogate.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  const ca = [...a];
  const cb = [...b];
  for (let i = 0; i < ca.length && i < cb.length; i++) {
    const d = ca[i].codePointAt(0)! - cb[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return ca.length - cb.length;
}

export function compareInts(a: number | bigint, b: number | bigint): number {
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : 0;
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function floatValue(v: unknown): number {
  return v instanceof GoFloat ? v.value : (v as number);
}

/** A float64 result: integral values must stay marked as floats. */
export function makeFloat(f: number): number | GoFloat {
  return isIntNumber(f) || Object.is(f, -0) ? new GoFloat(f) : f;
}

/** An int result: numbers while exact, bigint beyond 2^53. */
export function makeInt(i: bigint): number | bigint {
  return i >= BigInt(Number.MIN_SAFE_INTEGER) && i <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(i) : i;
}

const encoder = new TextEncoder();

export function utf8Bytes(s: string): Uint8Array {
  return encoder.encode(s);
}

export function utf8Len(s: string): number {
  return Buffer.byteLength(s, "utf8");
}

const exportedName = /^\p{Lu}/u;

/** Go's token.IsExported: the first rune is an upper-case letter. */
export function isExported(name: string): boolean {
  return exportedName.test(name);
}
