// Command-line flag parsing with the semantics of Go's `flag` package, which is what Consul's CLI
// uses: `-flag value`, `-flag=value`, `--flag`, `--flag=value`; boolean flags take no separate
// value (`-dev`, `-dev=false`); parsing stops at the first non-flag argument or after `--`.
// Repeatable flags ("list") collect every occurrence into an array.

import { parseGoDuration } from "../lib/duration.ts";

function durationOrUndefined(text: string): number | undefined {
  try {
    return parseGoDuration(text);
  } catch {
    return undefined;
  }
}

export type FlagKind = "bool" | "string" | "int" | "list" | "duration";

export interface FlagDef {
  kind: FlagKind;
  help: string;
  /** Placeholder for the value in usage text (default "value"). */
  placeholder?: string;
  /** Shown in usage text only; parseFlags never fills in defaults. */
  defaultText?: string;
}

export type FlagSpec = Record<string, FlagDef>;

interface KindValue {
  bool: boolean;
  string: string;
  int: number;
  list: string[];
  /** Milliseconds. */
  duration: number;
}

/** Parsed values: a flag that was not given is absent, except list flags, which are always an array. */
export type FlagValues<S extends FlagSpec> = {
  [K in keyof S as S[K]["kind"] extends "list" ? K : never]: string[];
} & {
  [K in keyof S as S[K]["kind"] extends "list" ? never : K]?: KindValue[S[K]["kind"]];
};

export interface FlagOccurrence {
  name: string;
  value: boolean | number | string;
}

export interface ParsedFlags<S extends FlagSpec> {
  values: FlagValues<S>;
  /** Arguments after the flags (Go: flag.Args()). */
  args: string[];
  /** Every flag given, in command-line order (for flags whose relative order matters). */
  occurrences: FlagOccurrence[];
}

export class FlagError extends Error {
  /** True when -h / -help / --help was given and is not a defined flag (Go: flag.ErrHelp). */
  readonly helpRequested: boolean;
  constructor(message: string, helpRequested = false) {
    super(message);
    this.name = "FlagError";
    this.helpRequested = helpRequested;
  }
}

const TRUE_STRINGS = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const FALSE_STRINGS = new Set(["0", "f", "F", "FALSE", "false", "False"]);

/** strconv.ParseBool. */
export function parseGoBool(s: string): boolean | undefined {
  if (TRUE_STRINGS.has(s)) return true;
  if (FALSE_STRINGS.has(s)) return false;
  return undefined;
}

/**
 * strconv.ParseInt(s, 0, 64) restricted to JavaScript's safe integers: optional sign, then decimal,
 * 0x/0o/0b prefixed or leading-zero octal; underscores only allowed with a base prefix.
 */
export function parseGoInt(s: string): number | "parse error" | "value out of range" {
  const m = /^([+-]?)(.*)$/s.exec(s)!;
  const sign = m[1] === "-" ? -1n : 1n;
  let body = m[2];
  let base = 10;
  let prefixed = false;
  if (/^0[xX]/.test(body)) [base, body, prefixed] = [16, body.slice(2), true];
  else if (/^0[oO]/.test(body)) [base, body, prefixed] = [8, body.slice(2), true];
  else if (/^0[bB]/.test(body)) [base, body, prefixed] = [2, body.slice(2), true];
  else if (body.length > 1 && body.startsWith("0")) [base, body, prefixed] = [8, body.slice(1), true];
  if (prefixed) {
    if (/^_|__|_$/.test(body)) return "parse error";
    body = body.replace(/_/g, "");
  }
  const digits = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ }[base]!;
  if (!digits.test(body)) return "parse error";
  const prefix = { 2: "0b", 8: "0o", 10: "", 16: "0x" }[base]!;
  const n = sign * BigInt(prefix + body);
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) return "value out of range";
  return Number(n);
}

/**
 * Parses argv (without the program and subcommand names) against spec. Throws FlagError with Go's
 * wording: "flag provided but not defined: -foo", "flag needs an argument: -foo",
 * `invalid value "x" for flag -http-port: parse error`, `invalid boolean value "x" for -dev: parse error`.
 */
export function parseFlags<S extends FlagSpec>(argv: readonly string[], spec: S): ParsedFlags<S> {
  const values: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(spec)) if (def.kind === "list") values[name] = [];
  const occurrences: FlagOccurrence[] = [];
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i];
    if (arg.length < 2 || arg[0] !== "-") break; // first non-flag (including "-") stops parsing
    let numMinuses = 1;
    if (arg[1] === "-") {
      numMinuses = 2;
      if (arg.length === 2) {
        i++; // "--" terminates the flags
        break;
      }
    }
    i++;
    let name = arg.slice(numMinuses);
    if (name.length === 0 || name[0] === "-" || name[0] === "=") {
      throw new FlagError(`bad flag syntax: ${arg}`);
    }
    let value: string | undefined;
    const eq = name.indexOf("=");
    if (eq > 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    const def = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (!def) {
      if (name === "help" || name === "h") throw new FlagError("flag: help requested", true);
      throw new FlagError(`flag provided but not defined: -${name}`);
    }
    if (def.kind === "bool") {
      let b = true;
      if (value !== undefined) {
        const parsed = parseGoBool(value);
        if (parsed === undefined)
          throw new FlagError(`invalid boolean value "${value}" for -${name}: parse error`);
        b = parsed;
      }
      values[name] = b;
      occurrences.push({ name, value: b });
      continue;
    }
    if (value === undefined) {
      if (i >= argv.length) throw new FlagError(`flag needs an argument: -${name}`);
      value = argv[i++];
    }
    const invalid = (why: string) =>
      new FlagError(`invalid value ${JSON.stringify(value)} for flag -${name}: ${why}`);
    switch (def.kind) {
      case "string":
        values[name] = value;
        occurrences.push({ name, value });
        break;
      case "list":
        (values[name] as string[]).push(value);
        occurrences.push({ name, value });
        break;
      case "int": {
        const n = parseGoInt(value);
        if (typeof n === "string") throw invalid(n);
        values[name] = n;
        occurrences.push({ name, value: n });
        break;
      }
      case "duration": {
        const d = durationOrUndefined(value);
        if (d === undefined) throw invalid("parse error");
        values[name] = d;
        occurrences.push({ name, value: d });
        break;
      }
    }
  }
  return { values: values as FlagValues<S>, args: argv.slice(i), occurrences };
}

/**
 * Usage text in Consul's style, flags sorted by name:
 *
 *   -bind=<value>
 *      Sets the bind address for cluster communication.
 */
export function usage(spec: FlagSpec): string {
  const lines: string[] = [];
  for (const name of Object.keys(spec).sort()) {
    const def = spec[name];
    lines.push(def.kind === "bool" ? `  -${name}` : `  -${name}=<${def.placeholder ?? "value"}>`);
    const help = def.help + (def.defaultText !== undefined ? ` (default ${def.defaultText})` : "");
    for (const line of help.split("\n")) lines.push(`     ${line}`);
    lines.push("");
  }
  return lines.join("\n");
}
