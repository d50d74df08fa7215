// The predefined functions of text/template (funcs.go). Each declares Go's parameter shape so the
// evaluator can report Go's arity and type errors; failures throw GoError, which the evaluator
// reports as "error calling NAME: ...". and, or and call are evaluated specially (short-circuit,
// callee name) by the evaluator and only their signatures live here.

import { GoError } from "./errors.ts";
import { sprint, sprintf, sprintln } from "./fmt.ts";
import { isPrint } from "../../lib/strconv.ts";
import {
  compareInts,
  compareStrings,
  floatValue,
  GoComplex,
  indirectInterface,
  kindOf,
  isMissingKey,
  mapKeyKind,
  mapLen,
  mapLookup,
  structFields,
  typeName,
  unbox,
  utf8Bytes,
  utf8Len,
} from "./values.ts";

/**
 * How an argument is passed, after reflect: "value" (reflect.Value: anything, nil allowed),
 * "any" (interface{}: anything, nil arrives as null) or "string" (must be a string).
 */
export type ParamType = "value" | "any" | "string";

export interface Signature {
  fixed: ParamType[];
  variadic?: ParamType;
}

export interface Builtin {
  sig: Signature;
  fn: (...args: unknown[]) => unknown;
}

/** Functions from a FuncMap and methods take any number of interface{} arguments. */
export const jsSignature: Signature = { fixed: [], variadic: "any" };

// ---- truth ----

/** Go's isTrue: whether a value is non-empty, and whether truth is defined for it. */
export function isTrue(v: unknown): [truth: boolean, ok: boolean] {
  switch (kindOf(v)) {
    case "invalid":
      return [false, true];
    case "bool":
      return [v as boolean, true];
    case "int":
      return [v !== 0 && v !== 0n, true];
    case "float":
      return [floatValue(v) !== 0, true];
    case "complex":
      return [(v as GoComplex).re !== 0 || (v as GoComplex).im !== 0, true];
    case "string":
      return [(v as string).length > 0, true];
    case "slice":
      return [(v as unknown[]).length > 0, true];
    case "map":
      return [mapLen(v as object) > 0, true];
    case "struct":
    case "func":
      return [true, true];
    default:
      return [false, false];
  }
}

export function truth(v: unknown): boolean {
  return isTrue(indirectInterface(v))[0];
}

// ---- indexing ----

function indexArg(index: unknown, cap: number): number {
  let x: number;
  switch (kindOf(index)) {
    case "int":
      x = Number(index);
      break;
    case "invalid":
      throw new GoError("cannot index slice/array with nil");
    default:
      throw new GoError(`cannot index slice/array with type ${typeName(index)}`);
  }
  if (x < 0 || x > cap) throw new GoError(`index out of range: ${String(index)}`);
  return x;
}

const keyTypeNames = { string: "string", int: "int", any: "interface {}" };

/** prepareArg for a map key: Go converts nil and checks assignability to the key type. */
function mapKey(index: unknown, keyKind: "string" | "int" | "any"): unknown {
  if (index === undefined) {
    if (keyKind !== "any") throw new GoError(`value is nil; should be of type ${keyTypeNames[keyKind]}`);
    return null;
  }
  if (keyKind === "any" || kindOf(index) === keyKind) return index;
  throw new GoError(`value has type ${typeName(index)}; should be ${keyTypeNames[keyKind]}`);
}

function index(item: unknown, ...indexes: unknown[]): unknown {
  item = indirectInterface(item);
  if (item === undefined) throw new GoError("index of untyped nil");
  for (const raw of indexes) {
    const ix = indirectInterface(raw);
    if (item === null) throw new GoError("index of nil pointer");
    item = unbox(item);
    const kind = kindOf(item);
    switch (kind) {
      case "slice":
      case "string": {
        const len = kind === "string" ? utf8Len(item as string) : (item as unknown[]).length;
        const x = indexArg(ix, len);
        // indexArg lets x == len through and reflect then panics, as it does in Go.
        if (x === len) throw new GoError(`reflect: ${kind} index out of range`);
        item = kind === "string" ? utf8Bytes(item as string)[x] : ((item as unknown[])[x] ?? null);
        break;
      }
      case "map": {
        const v = mapLookup(item as object, mapKey(ix, mapKeyKind(item as object)));
        item = isMissingKey(v) || v === undefined ? null : v; // the zero interface{} is nil
        break;
      }
      default:
        throw new GoError(`can't index item of type ${typeName(item)}`);
    }
  }
  return item;
}

function slice(item: unknown, ...indexes: unknown[]): unknown {
  item = indirectInterface(item);
  if (item === undefined) throw new GoError("slice of untyped nil");
  if (indexes.length > 3) throw new GoError(`too many slice indexes: ${indexes.length}`);
  let cap: number;
  const kind = kindOf(item);
  if (kind === "string") {
    if (indexes.length === 3) throw new GoError("cannot 3-index slice a string");
    cap = utf8Len(item as string);
  } else if (kind === "slice") {
    cap = (item as unknown[]).length;
  } else {
    throw new GoError(`can't slice item of type ${typeName(item)}`);
  }
  const idx = [0, cap, 0];
  indexes.forEach((ix, i) => {
    idx[i] = indexArg(unbox(ix), cap);
  });
  if (idx[0] > idx[1]) throw new GoError(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (indexes.length === 3 && idx[1] > idx[2])
    throw new GoError(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  if (kind === "string")
    return Buffer.from(utf8Bytes(item as string).subarray(idx[0], idx[1])).toString("utf8");
  return (item as unknown[]).slice(idx[0], idx[1]);
}

function length(item: unknown): number {
  item = unbox(item);
  if (item === null) throw new GoError("len of nil pointer");
  switch (kindOf(item)) {
    case "slice":
      return (item as unknown[]).length;
    case "map":
      return mapLen(item as object);
    case "string":
      return utf8Len(item as string);
    case "invalid":
      // Go calls item.Type() on the zero Value here; reflect's panic becomes the error.
      throw new GoError("reflect: call of reflect.Value.Type on zero Value");
  }
  throw new GoError(`len of type ${typeName(item)}`);
}

/** call: the callee's name (as written in the template) is passed first by the evaluator. */
export function callFunction(name: string, fn: unknown, ...args: unknown[]): unknown {
  fn = indirectInterface(fn);
  if (fn === undefined) throw new GoError("call of nil");
  if (typeof fn !== "function") throw new GoError(`non-function ${name} of type ${typeName(fn)}`);
  return fn(...args.map(unbox));
}

// ---- comparison ----

type BasicKind = "bool" | "int" | "float" | "complex" | "string" | "invalid";

function basicKind(v: unknown): BasicKind {
  const k = kindOf(v);
  return k === "bool" || k === "int" || k === "float" || k === "complex" || k === "string" ? k : "invalid";
}

const errBadComparisonType = "invalid type for comparison";

/** Whether Go's == applies: not to slices, maps and funcs, nor to structs holding them. */
function comparable(v: unknown): boolean {
  switch (kindOf(v)) {
    case "slice":
    case "map":
    case "func":
      return false;
    case "struct":
      return structFields(v as object).every((f) => comparable((v as Record<string, unknown>)[f]));
    default:
      return true;
  }
}

/** Go's == on two interface values holding these (struct fields compared one by one). */
function ifaceEqual(a: unknown, b: unknown): boolean {
  a = unbox(a);
  b = unbox(b);
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka === "invalid" || kb === "invalid") return ka === kb;
  if (!comparable(a)) throw new GoError(`runtime error: comparing uncomparable type ${typeName(a)}`);
  if (typeName(a) !== typeName(b)) return false;
  switch (ka) {
    case "int":
      return compareInts(a as number, b as number) === 0;
    case "float":
      return floatValue(a) === floatValue(b);
    case "complex":
      return (a as GoComplex).re === (b as GoComplex).re && (a as GoComplex).im === (b as GoComplex).im;
    case "struct": {
      const fa = structFields(a as object);
      if (fa.join() !== structFields(b as object).join()) return false;
      return fa.every((f) =>
        ifaceEqual((a as Record<string, unknown>)[f], (b as Record<string, unknown>)[f]),
      );
    }
    default:
      return a === b;
  }
}

function equalBasic(k: BasicKind, a: unknown, b: unknown): boolean {
  switch (k) {
    case "int":
      return compareInts(a as number, b as number) === 0;
    case "float":
      return floatValue(a) === floatValue(b);
    case "complex":
      return (a as GoComplex).re === (b as GoComplex).re && (a as GoComplex).im === (b as GoComplex).im;
    default:
      return a === b;
  }
}

function eq(arg1: unknown, ...arg2: unknown[]): boolean {
  arg1 = indirectInterface(arg1);
  if (arg2.length === 0) throw new GoError("missing argument for comparison");
  const k1 = basicKind(arg1);
  for (let arg of arg2) {
    arg = indirectInterface(arg);
    const k2 = basicKind(arg);
    let t = false;
    if (k1 !== k2) {
      if (arg1 !== undefined && arg !== undefined) {
        throw new GoError(`incompatible types for comparison: ${typeName(arg1)} and ${typeName(arg)}`);
      }
    } else if (k1 !== "invalid") {
      t = equalBasic(k1, arg1, arg);
    } else {
      const c1 = kindOf(arg1);
      const c2 = kindOf(arg);
      if (c1 !== c2 && c1 !== "invalid" && c2 !== "invalid") {
        throw new GoError(
          `non-comparable types ${sprintf("%s", [arg1])}: ${typeName(arg1)}, ${typeName(arg)}: ${sprintf("%v", [arg])}`,
        );
      }
      if (arg1 === undefined || arg === undefined) {
        t = arg1 === arg;
      } else {
        if (!comparable(arg))
          throw new GoError(`non-comparable type ${sprintf("%s", [arg])}: ${typeName(arg)}`);
        t = ifaceEqual(arg1, arg);
      }
    }
    if (t) return true;
  }
  return false;
}

function ne(arg1: unknown, arg2: unknown): boolean {
  return !eq(arg1, arg2);
}

function lt(arg1: unknown, arg2: unknown): boolean {
  arg1 = indirectInterface(arg1);
  const k1 = basicKind(arg1);
  if (k1 === "invalid") throw new GoError(errBadComparisonType);
  arg2 = indirectInterface(arg2);
  const k2 = basicKind(arg2);
  if (k2 === "invalid") throw new GoError(errBadComparisonType);
  if (k1 !== k2)
    throw new GoError(`incompatible types for comparison: ${typeName(arg1)} and ${typeName(arg2)}`);
  switch (k1) {
    case "bool":
    case "complex":
      throw new GoError(errBadComparisonType);
    case "float":
      return floatValue(arg1) < floatValue(arg2);
    case "int":
      return compareInts(arg1 as number, arg2 as number) < 0;
    default:
      return compareStrings(arg1 as string, arg2 as string) < 0;
  }
}

function le(arg1: unknown, arg2: unknown): boolean {
  return lt(arg1, arg2) || eq(arg1, arg2);
}

function gt(arg1: unknown, arg2: unknown): boolean {
  return !le(arg1, arg2);
}

function ge(arg1: unknown, arg2: unknown): boolean {
  return !lt(arg1, arg2);
}

// ---- escaping ----

/** template.HTMLEscapeString. */
export function htmlEscapeString(s: string): string {
  return s.replace(/["'&<>\0]/g, (c) => htmlEscapes[c]);
}

const htmlEscapes: Record<string, string> = {
  '"': "&#34;",
  "'": "&#39;",
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  "\0": "\uFFFD",
};

const jsEscapes: Record<string, string> = {
  "\\": "\\\\",
  "'": "\\'",
  '"': '\\"',
  "<": "\\u003C",
  ">": "\\u003E",
  "&": "\\u0026",
  "=": "\\u003D",
};

/** template.JSEscapeString. */
export function jsEscapeString(s: string): string {
  let out = "";
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    if (ch in jsEscapes) out += jsEscapes[ch];
    else if (r < 0x20) out += "\\u00" + r.toString(16).toUpperCase().padStart(2, "0");
    else if (r < 0x80 || isPrint(r)) out += ch;
    else out += "\\u" + r.toString(16).toUpperCase().padStart(4, "0");
  }
  return out;
}

/** url.QueryEscape. */
export function urlQueryEscape(s: string): string {
  let out = "";
  for (const b of utf8Bytes(s)) {
    if (
      (b >= 0x30 && b <= 0x39) ||
      (b >= 0x41 && b <= 0x5a) ||
      (b >= 0x61 && b <= 0x7a) ||
      "-_.~".includes(String.fromCharCode(b))
    ) {
      out += String.fromCharCode(b);
    } else if (b === 0x20) {
      out += "+";
    } else {
      out += "%" + b.toString(16).toUpperCase().padStart(2, "0");
    }
  }
  return out;
}

/** evalArgs: fmt.Sprint, except that a nil argument prints as "<no value>" (as an action would). */
function evalArgs(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === "string") return args[0];
  return sprint(args.map((a) => (a === undefined || a === null ? "<no value>" : a)));
}

// ---- the table ----

const value: ParamType = "value";
const any: ParamType = "any";

export const builtins: Record<string, Builtin> = {
  and: { sig: { fixed: [value], variadic: value }, fn: () => undefined },
  call: { sig: { fixed: [value], variadic: value }, fn: () => undefined },
  html: { sig: { fixed: [], variadic: any }, fn: (...a) => htmlEscapeString(evalArgs(a)) },
  index: { sig: { fixed: [value], variadic: value }, fn: index },
  slice: { sig: { fixed: [value], variadic: value }, fn: slice },
  js: { sig: { fixed: [], variadic: any }, fn: (...a) => jsEscapeString(evalArgs(a)) },
  len: { sig: { fixed: [value] }, fn: length },
  not: { sig: { fixed: [value] }, fn: (a) => !truth(a) },
  or: { sig: { fixed: [value], variadic: value }, fn: () => undefined },
  print: { sig: { fixed: [], variadic: any }, fn: (...a) => sprint(a) },
  printf: { sig: { fixed: ["string"], variadic: any }, fn: (f, ...a) => sprintf(f as string, a) },
  println: { sig: { fixed: [], variadic: any }, fn: (...a) => sprintln(a) },
  urlquery: { sig: { fixed: [], variadic: any }, fn: (...a) => urlQueryEscape(evalArgs(a)) },
  eq: { sig: { fixed: [value], variadic: value }, fn: eq },
  ge: { sig: { fixed: [value, value] }, fn: ge },
  gt: { sig: { fixed: [value, value] }, fn: gt },
  le: { sig: { fixed: [value, value] }, fn: le },
  lt: { sig: { fixed: [value, value] }, fn: lt },
  ne: { sig: { fixed: [value, value] }, fn: ne },
};
