// Consul's `?filter=` expression language: hashicorp/go-bexpr v0.1.2, which is the version Consul
// pins. Written from the grammar and the documented behaviour, not from its code.
//
//   compileFilter(expression, spec?) parses and checks the expression once and returns a plain
//   closure, `(value) => boolean`, to run over every entry of a listing.
//
// What it reproduces:
//   - The grammar (a PEG) with pigeon's error messages, e.g.
//       1:12 (11): rule "string": Unterminated string literal
//       1:4 (3): no match found, expected: "in", "not" or [ \t\r\n]
//   - Validation against the entry's type (`FieldSpec`): unknown selectors, operators the field
//     doesn't support, values that don't coerce to the field's type, bad regexes, more than 32
//     match expressions. Each message is wrapped the way Consul's HTTP 400 body shows it:
//       Failed to create boolean expression evaluator: Selector "Foo" is not valid
//   - Evaluation rules:
//       * A selector that passes through a list of objects (`Checks.Status`) is true when ANY
//         element matches. Every operator works this way, so `Checks.Status != passing` means "some
//         check isn't passing", and an empty list is false for every operator.
//       * A missing map key (`Service.Meta.nope`) is false for `==`, `in` and `is not empty` and
//         true for every other operator. That includes `matches`: bexpr returns true there too.
//       * A struct field that's absent from the JSON counts as Go's zero value ("" / 0 / false / []).
//
// Empty expression: Consul treats `?filter=` (empty string) as "no filter". compileFilter("")
// returns an always-true filter, so callers can skip the param when it's empty or compile it anyway.
// A whitespace-only expression is a syntax error, as it is in Consul.
//
// Without a spec, selectors aren't checked, and operators go by each value's runtime JSON type
// (objects behave as maps).

import { quote, underscoreOK, unquote } from "../lib/strconv.ts";

/** A filter expression that Consul rejects. `message` is the text of Consul's 400 response. */
export class FilterError extends Error {
  override name = "FilterError";
}

export type Filter = (value: unknown) => boolean;

/** Leaf kinds. "int" / "float" coerce the literal the way Go's strconv.ParseInt / ParseFloat do. */
export type ScalarKind = "string" | "int" | "float" | "bool";

/**
 * The kind of one field in a FieldSpec:
 *   "string" | "int" | "float" | "bool"   a scalar
 *   "string[]" (etc.)                      a list of scalars, e.g. Tags
 *   { map: "string" }                      a map with string keys, e.g. Meta; the value may be any FieldType
 *   { object: {...} }                      a nested struct, e.g. Weights
 *   { list: {...} }                        a list of structs, e.g. Checks
 */
export type FieldType =
  | ScalarKind
  | `${ScalarKind}[]`
  | { readonly map: FieldType }
  | { readonly object: FieldSpec }
  | { readonly list: FieldSpec };

/** The selectable fields of one filtered entry (Go struct): field name -> kind. */
export interface FieldSpec {
  readonly [field: string]: FieldType;
}

const PREFIX = "Failed to create boolean expression evaluator: ";
const MAX_MATCHES = 32;
const MAX_RAW_VALUE_LENGTH = 512;

// ---------------------------------------------------------------------------------------------
// AST

const EQ = 0;
const NEQ = 1;
const IN = 2;
const NOT_IN = 3;
const EMPTY = 4;
const NOT_EMPTY = 5;
const MATCHES = 6;
const NOT_MATCHES = 7;
type Op = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;
const OP_NAMES = ["Equal", "Not Equal", "In", "Not In", "Is Empty", "Is Not Empty", "Matches", "Not Matches"];

type Expr =
  | { readonly t: "and" | "or"; readonly l: Expr; readonly r: Expr }
  | { readonly t: "not"; readonly e: Expr }
  | MatchExpr;

interface MatchExpr {
  readonly t: "match";
  readonly sel: readonly string[];
  readonly op: Op;
  /** The value as bexpr keeps it: unquoted string, number text, or a bare selector joined by ".". */
  readonly raw: string | null;
}

// ---------------------------------------------------------------------------------------------
// Parser: bexpr v0.1.2's grammar as a packrat PEG, reporting failures the way pigeon does (furthest
// failure position with the set of things expected there; custom errors tagged with the innermost
// rule's display name).

const isWs = (c: number) => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
const isAlpha = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isIdentChar = (c: number) => isAlpha(c) || isDigit(c) || c === 0x5f;
const isNonZeroDigit = (c: number) => c >= 0x31 && c <= 0x39;

const WS_CLASS = "[ \\t\\r\\n]";
const R_OR = 0;
const R_AND = 1;
const R_NOT = 2;
const R_PAREN = 3;
const R_MATCH = 4;

interface ParseErr {
  readonly at: number;
  readonly rule: string | undefined;
  readonly msg: string;
}

class Parser {
  private pos = 0;
  private maxFail = 0;
  private expected: string[] = [];
  private inverted = false;
  private readonly errs: ParseErr[] = [];
  private readonly rules: string[] = [];
  private readonly memo = new Map<number, { end: number; val: Expr | undefined }>();
  private readonly quoted = new Map<string, string>();

  constructor(private readonly src: string) {}

  parse(): Expr {
    const expr = this.input();
    if (expr === undefined && this.errs.length === 0) {
      const set = new Set(this.expected);
      const eof = set.delete("!.");
      const list = [...set].sort();
      if (eof) list.push("EOF");
      this.errs.push({
        at: this.maxFail,
        rule: undefined,
        msg: "no match found, expected: " + listJoin(list),
      });
    }
    if (this.errs.length > 0) {
      const seen = new Set<string>();
      for (const e of this.errs) {
        const prefix = pigeonPosition(this.src, e.at) + (e.rule === undefined ? "" : `: rule ${e.rule}`);
        seen.add(`${prefix}: ${e.msg}`);
      }
      throw new FilterError(PREFIX + [...seen].join("\n"));
    }
    return expr!;
  }

  // --- primitives -------------------------------------------------------------------------

  private failAt(matched: boolean, at: number, want: string): void {
    if (matched !== this.inverted || at < this.maxFail) return;
    if (at > this.maxFail) {
      this.maxFail = at;
      this.expected = [];
    }
    this.expected.push(this.inverted ? "!" + want : want);
  }

  private lit(s: string): boolean {
    let want = this.quoted.get(s);
    if (want === undefined) this.quoted.set(s, (want = quote(s)));
    const start = this.pos;
    if (this.src.startsWith(s, start)) {
      this.pos += s.length;
      this.failAt(true, start, want);
      return true;
    }
    this.failAt(false, start, want);
    return false;
  }

  private cls(test: (c: number) => boolean, want: string): boolean {
    const start = this.pos;
    if (start < this.src.length && test(this.src.charCodeAt(start))) {
      this.pos++;
      this.failAt(true, start, want);
      return true;
    }
    this.failAt(false, start, want);
    return false;
  }

  private any(): boolean {
    const start = this.pos;
    if (start >= this.src.length) {
      this.failAt(false, start, ".");
      return false;
    }
    this.pos += this.src.codePointAt(start)! > 0xffff ? 2 : 1;
    this.failAt(true, start, ".");
    return true;
  }

  /** `!e`: succeeds, consuming nothing, where e fails; expectations inside are inverted. */
  private not(e: () => boolean): boolean {
    const start = this.pos;
    this.inverted = !this.inverted;
    const ok = e();
    this.inverted = !this.inverted;
    this.pos = start;
    return !ok;
  }

  /** `&e`: succeeds, consuming nothing, where e succeeds. */
  private and(e: () => boolean): boolean {
    const start = this.pos;
    const ok = e();
    this.pos = start;
    return ok;
  }

  private rule<T>(name: string, body: () => T): T {
    this.rules.push(name);
    const r = body();
    this.rules.pop();
    return r;
  }

  private addErr(msg: string, at = this.pos): void {
    this.errs.push({ at, rule: this.rules[this.rules.length - 1], msg });
  }

  private memoized(id: number, body: () => Expr | undefined): Expr | undefined {
    const key = id * (this.src.length + 1) + this.pos;
    const hit = this.memo.get(key);
    if (hit) {
      this.pos = hit.end;
      return hit.val;
    }
    const val = body();
    this.memo.set(key, { end: this.pos, val });
    return val;
  }

  // _ "whitespace" <- [ \t\r\n]+
  private ws(): boolean {
    if (!this.cls(isWs, WS_CLASS)) return false;
    while (this.cls(isWs, WS_CLASS));
    return true;
  }

  // EOF <- !.
  private eof(): boolean {
    return this.not(() => this.any());
  }

  // --- rules ------------------------------------------------------------------------------

  // Input <- _? "(" _? OrExpression _? ")" _? EOF / _? OrExpression _? EOF
  private input(): Expr | undefined {
    const p0 = this.pos;
    this.ws();
    if (this.lit("(")) {
      this.ws();
      const e = this.orExpr();
      if (e) {
        this.ws();
        if (this.lit(")")) {
          this.ws();
          if (this.eof()) return e;
        }
      }
    }
    this.pos = p0;
    this.ws();
    const e = this.orExpr();
    if (e) {
      this.ws();
      if (this.eof()) return e;
    }
    this.pos = p0;
    return undefined;
  }

  // OrExpression <- AndExpression _ "or" _ OrExpression / AndExpression
  private orExpr(): Expr | undefined {
    return this.memoized(R_OR, () => this.binary("or", R_OR));
  }

  // AndExpression <- NotExpression _ "and" _ AndExpression / NotExpression
  private andExpr(): Expr | undefined {
    return this.memoized(R_AND, () => this.binary("and", R_AND));
  }

  private binary(word: "and" | "or", id: number): Expr | undefined {
    const p0 = this.pos;
    const operand = () => (id === R_OR ? this.andExpr() : this.notExpr());
    const l = operand();
    if (l && this.ws() && this.lit(word) && this.ws()) {
      const r = id === R_OR ? this.orExpr() : this.andExpr();
      if (r) return { t: word, l, r };
    }
    this.pos = p0;
    const e = operand();
    if (e) return e;
    this.pos = p0;
    return undefined;
  }

  // NotExpression <- "not" _ NotExpression / ParenthesizedExpression
  private notExpr(): Expr | undefined {
    return this.memoized(R_NOT, () => {
      const p0 = this.pos;
      if (this.lit("not") && this.ws()) {
        const e = this.notExpr();
        if (e) return e.t === "not" ? e.e : { t: "not", e };
      }
      this.pos = p0;
      const e = this.parenExpr();
      if (e) return e;
      this.pos = p0;
      return undefined;
    });
  }

  // ParenthesizedExpression "grouping" <- "(" _? OrExpression _? ")" / MatchExpression
  //                                     / "(" _? OrExpression _? !")" &{Unmatched parentheses}
  private parenExpr(): Expr | undefined {
    return this.memoized(R_PAREN, () =>
      this.rule('"grouping"', () => {
        const p0 = this.pos;
        if (this.lit("(")) {
          this.ws();
          const e = this.orExpr();
          if (e) {
            this.ws();
            if (this.lit(")")) return e;
          }
        }
        this.pos = p0;
        const m = this.matchExpr();
        if (m) return m;
        this.pos = p0;
        if (this.lit("(")) {
          this.ws();
          if (this.orExpr()) {
            this.ws();
            if (this.not(() => this.lit(")"))) this.addErr("Unmatched parentheses");
          }
        }
        this.pos = p0;
        return undefined;
      }),
    );
  }

  // MatchExpression "match" <- MatchSelectorOpValue / MatchSelectorOp / MatchValueOpSelector
  private matchExpr(): Expr | undefined {
    return this.memoized(R_MATCH, () =>
      this.rule('"match"', () => {
        const p0 = this.pos;
        const m = this.matchSelectorOpValue() ?? this.matchSelectorOp() ?? this.matchValueOpSelector();
        if (m) return m;
        this.pos = p0;
        return undefined;
      }),
    );
  }

  // MatchSelectorOpValue "match" <- Selector (MatchEqual / MatchNotEqual / MatchContains
  //                                 / MatchNotContains / MatchMatches / MatchNotMatches) Value
  private matchSelectorOpValue(): MatchExpr | undefined {
    return this.rule('"match"', () => {
      const p0 = this.pos;
      const sel = this.selector();
      if (sel) {
        let op: Op | undefined;
        if (this.symbolOp("==")) op = EQ;
        else if (this.symbolOp("!=")) op = NEQ;
        else if (this.wordOp(["contains"], true)) op = IN;
        else if (this.wordOp(["not", "contains"], true)) op = NOT_IN;
        else if (this.wordOp(["matches"], true)) op = MATCHES;
        else if (this.wordOp(["not", "matches"], true)) op = NOT_MATCHES;
        if (op !== undefined) {
          const raw = this.value();
          if (raw !== undefined) return { t: "match", sel, op, raw };
        }
      }
      this.pos = p0;
      return undefined;
    });
  }

  // MatchSelectorOp "match" <- Selector (MatchIsEmpty / MatchIsNotEmpty)
  private matchSelectorOp(): MatchExpr | undefined {
    return this.rule('"match"', () => {
      const p0 = this.pos;
      const sel = this.selector();
      if (sel) {
        if (this.wordOp(["is", "empty"], false)) return { t: "match", sel, op: EMPTY, raw: null };
        if (this.wordOp(["is", "not", "empty"], false)) return { t: "match", sel, op: NOT_EMPTY, raw: null };
      }
      this.pos = p0;
      return undefined;
    });
  }

  // MatchValueOpSelector "match" <- Value (MatchIn / MatchNotIn) Selector
  //                               / Value (MatchIn / MatchNotIn) !Selector &{Invalid selector}
  private matchValueOpSelector(): MatchExpr | undefined {
    return this.rule('"match"', () => {
      const p0 = this.pos;
      const inOp = (): Op | undefined =>
        this.wordOp(["in"], true) ? IN : this.wordOp(["not", "in"], true) ? NOT_IN : undefined;
      let raw = this.value();
      if (raw !== undefined) {
        const op = inOp();
        if (op !== undefined) {
          const sel = this.selector();
          if (sel) return { t: "match", sel, op, raw };
        }
      }
      this.pos = p0;
      raw = this.value();
      if (raw !== undefined && inOp() !== undefined && this.not(() => this.selector() !== undefined)) {
        this.addErr("Invalid selector");
      }
      this.pos = p0;
      return undefined;
    });
  }

  // MatchEqual <- _? "==" _?      MatchNotEqual <- _? "!=" _?
  private symbolOp(symbol: string): boolean {
    const p0 = this.pos;
    this.ws();
    if (this.lit(symbol)) {
      this.ws();
      return true;
    }
    this.pos = p0;
    return false;
  }

  // e.g. MatchNotIn <- _ "not" _ "in" _      MatchIsEmpty <- _ "is" _ "empty"
  private wordOp(words: readonly string[], trailingWs: boolean): boolean {
    const p0 = this.pos;
    for (const w of words) {
      if (!(this.ws() && this.lit(w))) {
        this.pos = p0;
        return false;
      }
    }
    if (trailingWs && !this.ws()) {
      this.pos = p0;
      return false;
    }
    return true;
  }

  // Selector <- Identifier SelectorOrIndex*
  // SelectorOrIndex <- "." Identifier / IndexExpression
  private selector(): string[] | undefined {
    return this.rule("Selector", () => {
      const first = this.identifier();
      if (first === undefined) return undefined;
      const path = [first];
      for (;;) {
        const p0 = this.pos;
        if (this.lit(".")) {
          const id = this.identifier();
          if (id !== undefined) {
            path.push(id);
            continue;
          }
        }
        this.pos = p0;
        const ix = this.indexExpr();
        if (ix === undefined) {
          this.pos = p0;
          return path;
        }
        path.push(ix);
      }
    });
  }

  // Identifier <- [a-zA-Z] [a-zA-Z0-9_]*
  private identifier(): string | undefined {
    const p0 = this.pos;
    if (!this.cls(isAlpha, "[a-zA-Z]")) return undefined;
    while (this.cls(isIdentChar, "[a-zA-Z0-9_]"));
    return this.src.slice(p0, this.pos);
  }

  // IndexExpression "index" <- "[" _? StringLiteral _? "]" / "[" _? !StringLiteral &{Invalid index}
  //                          / "[" _? StringLiteral _? !"]" &{Unclosed index expression}
  private indexExpr(): string | undefined {
    return this.rule('"index"', () => {
      const p0 = this.pos;
      if (this.lit("[")) {
        this.ws();
        const s = this.stringLiteral();
        if (s !== undefined) {
          this.ws();
          if (this.lit("]")) return s;
        }
      }
      this.pos = p0;
      if (this.lit("[")) {
        this.ws();
        if (this.not(() => this.stringLiteral() !== undefined)) this.addErr("Invalid index");
      }
      this.pos = p0;
      if (this.lit("[")) {
        this.ws();
        if (this.stringLiteral() !== undefined) {
          this.ws();
          if (this.not(() => this.lit("]"))) this.addErr("Unclosed index expression");
        }
      }
      this.pos = p0;
      return undefined;
    });
  }

  // Value "value" <- Selector / NumberLiteral / StringLiteral
  private value(): string | undefined {
    return this.rule('"value"', () => {
      const p0 = this.pos;
      const sel = this.selector();
      if (sel) return sel.join(".");
      this.pos = p0;
      const n = this.numberLiteral();
      if (n !== undefined) return n;
      this.pos = p0;
      const s = this.stringLiteral();
      if (s !== undefined) return s;
      this.pos = p0;
      return undefined;
    });
  }

  // NumberLiteral "number" <- "-"? IntegerOrFloat &AfterNumbers
  //                         / "-"? IntegerOrFloat !AfterNumbers &{Invalid number literal}
  // AfterNumbers <- &(_ / EOF / ")")
  private numberLiteral(): string | undefined {
    return this.rule('"number"', () => {
      const p0 = this.pos;
      const after = () => this.and(() => this.ws() || this.eof() || this.lit(")"));
      this.lit("-");
      if (this.integerOrFloat() && this.and(after)) return this.src.slice(p0, this.pos);
      this.pos = p0;
      this.lit("-");
      if (this.integerOrFloat() && this.not(after)) this.addErr("Invalid number literal");
      this.pos = p0;
      return undefined;
    });
  }

  // IntegerOrFloat <- ("0" / [1-9][0-9]*) ("." [0-9]+)?
  private integerOrFloat(): boolean {
    if (!this.lit("0")) {
      if (!this.cls(isNonZeroDigit, "[1-9]")) return false;
      while (this.cls(isDigit, "[0-9]"));
    }
    const p1 = this.pos;
    if (this.lit(".")) {
      if (this.cls(isDigit, "[0-9]")) while (this.cls(isDigit, "[0-9]"));
      else this.pos = p1;
    }
    return true;
  }

  // StringLiteral "string" <- ('`' RawStringChar* '`' / '"' DoubleStringChar* '"') {strconv.Unquote}
  //                         / ('`' RawStringChar* / '"' DoubleStringChar*) EOF &{Unterminated string literal}
  // RawStringChar <- !'`' .        DoubleStringChar <- !'"' .
  private stringLiteral(): string | undefined {
    return this.rule('"string"', () => {
      const p0 = this.pos;
      const body = (q: string) => {
        for (;;) {
          const p = this.pos;
          if (this.not(() => this.lit(q)) && this.any()) continue;
          this.pos = p;
          return;
        }
      };
      let closed = false;
      if (this.lit("`")) {
        body("`");
        closed = this.lit("`");
      }
      if (!closed) {
        this.pos = p0;
        if (this.lit('"')) {
          body('"');
          closed = this.lit('"');
        }
      }
      if (closed) {
        const text = goUnquote(this.src.slice(p0, this.pos));
        if (text !== undefined) return text;
        // pigeon keeps going after an action error; the error still fails the parse.
        this.addErr("invalid syntax", p0);
        return "";
      }
      this.pos = p0;
      let open = false;
      if (this.lit("`")) {
        body("`");
        open = true;
      } else if (this.lit('"')) {
        body('"');
        open = true;
      }
      if (open && this.eof()) this.addErr("Unterminated string literal");
      this.pos = p0;
      return undefined;
    });
  }
}

/** pigeon's "line:col (byteOffset)"; col counts runes, and a "\n" sits at col 0 of the next line. */
function pigeonPosition(src: string, at: number): string {
  let line = 1;
  let col = 0;
  let bytes = 0;
  for (let i = 0; ;) {
    col++;
    if (i >= src.length) break;
    const cp = src.codePointAt(i)!;
    if (cp === 0x0a) {
      line++;
      col = 0;
    }
    if (i >= at) break;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    i += cp > 0xffff ? 2 : 1;
  }
  return `${line}:${col} (${bytes})`;
}

function listJoin(list: readonly string[]): string {
  if (list.length <= 1) return list.join("");
  return `${list.slice(0, -1).join(", ")} or ${list[list.length - 1]}`;
}

// ---------------------------------------------------------------------------------------------
// Go string helpers (quoting for messages, strconv parsing for literals)

const utf8 = new TextEncoder();

/** strconv.Unquote for a `...` or "..." literal; undefined where Go reports invalid syntax. */
function goUnquote(text: string): string | undefined {
  try {
    return unquote(text);
  } catch {
    return undefined;
  }
}

type Parsed<T> = { ok: true; value: T } | { ok: false; err: string };

/** strconv.ParseInt(s, 0, 64): base prefixes (0x, 0o, 0b, leading 0) and "_" separators. */
function goParseInt(s0: string): Parsed<number> {
  const fail = (why: string): Parsed<number> => ({
    ok: false,
    err: `strconv.ParseInt: parsing ${quote(s0)}: ${why}`,
  });
  let s = s0;
  const neg = s[0] === "-";
  if (s[0] === "+" || s[0] === "-") s = s.slice(1);
  if (s === "") return fail("invalid syntax");
  let base = 10n;
  let underscores = false;
  if (s[0] === "0") {
    const p = s[1]?.toLowerCase();
    if (s.length >= 3 && (p === "b" || p === "o" || p === "x")) {
      base = p === "b" ? 2n : p === "o" ? 8n : 16n;
      s = s.slice(2);
    } else {
      base = 8n;
      s = s.slice(1);
    }
  }
  let n = 0n;
  for (const ch of s) {
    if (ch === "_") {
      underscores = true;
      continue;
    }
    const d = /[0-9]/.test(ch)
      ? BigInt(ch)
      : /[a-z]/i.test(ch)
        ? BigInt(ch.toLowerCase().charCodeAt(0) - 87)
        : 99n;
    if (d >= base) return fail("invalid syntax");
    n = n * base + d;
    if (n >= 1n << 64n) return fail("value out of range");
  }
  if (underscores && !underscoreOK(s0)) return fail("invalid syntax");
  if (neg ? n > 1n << 63n : n >= 1n << 63n) return fail("value out of range");
  return { ok: true, value: Number(neg ? -n : n) };
}

/** strconv.ParseFloat(s, 64), decimal forms plus inf/nan. */
function goParseFloat(s: string): Parsed<number> {
  if (/^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d+)?$/.test(s)) {
    return { ok: true, value: Number(s.replaceAll("_", "")) };
  }
  const m = /^([+-]?)(inf|infinity|nan)$/i.exec(s);
  if (m) return { ok: true, value: m[2].toLowerCase() === "nan" ? NaN : m[1] === "-" ? -Infinity : Infinity };
  return { ok: false, err: `strconv.ParseFloat: parsing ${quote(s)}: invalid syntax` };
}

/** strconv.ParseBool. */
function goParseBool(s: string): Parsed<boolean> {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(s)) return { ok: true, value: true };
  if (["0", "f", "F", "FALSE", "false", "False"].includes(s)) return { ok: true, value: false };
  return { ok: false, err: `strconv.ParseBool: parsing ${quote(s)}: invalid syntax` };
}

// ---------------------------------------------------------------------------------------------
// Go (RE2) regular expressions -> JS RegExp. Go's syntax is translated where the two differ
// (\A \z \Q..\E (?P<n>) [[:alpha:]] \pL, ASCII-only \s, "." not matching "\n", leading (?ims U)
// flags) and its most common parse errors are reported in Go's words.

class RegexpError extends Error {}

function reError(code: string, arg: string): never {
  throw new RegexpError(`error parsing regexp: ${code}: \`${arg}\``);
}

const POSIX_CLASSES: Record<string, string> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7f",
  blank: "\\t ",
  cntrl: "\\x00-\\x1f\\x7f",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-\\/:-@\\[-`{-~",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};
const NEGATED_POSIX: Record<string, string> = { digit: "\\D", word: "\\W", space: "\\S" };
const JS_SYNTAX = "^$\\.*+?()[]{}|/";

function escapeOutsideClass(ch: string): string {
  return JS_SYNTAX.includes(ch) ? "\\" + ch : ch;
}

function escapeInClass(ch: string): string {
  return "\\]^-[".includes(ch) ? "\\" + ch : ch;
}

function unicodeClass(negated: boolean, name: string): string {
  const prop = name === "Any" || name.length <= 2 ? name : `Script=${name}`;
  return `\\${negated ? "P" : "p"}{${prop}}`;
}

/** Compiles a Go regexp to an equivalent JS RegExp, or throws RegexpError with Go's message. */
export function compileGoRegexp(src: string): RegExp {
  let i = 0;
  let flags = "u";
  let dotAll = false;
  let ungreedy = false;
  for (;;) {
    const m = /^\(\?([imsU]+)\)/.exec(src.slice(i));
    if (!m) break;
    for (const f of m[1]) {
      if (f === "U") ungreedy = true;
      else if (!flags.includes(f)) flags += f;
      if (f === "s") dotAll = true;
    }
    i += m[0].length;
  }
  const n = src.length;
  let out = "";
  let depth = 0;
  let canRepeat = false;
  let lastRepeat = -1;

  // One escape starting at src[at] === "\\". Returns the JS text and where it ends.
  const escape = (at: number, inClass: boolean): { js: string; next: number } => {
    if (at + 1 >= n) reError("trailing backslash at end of expression", "");
    const c = String.fromCodePoint(src.codePointAt(at + 1)!);
    let next = at + 1 + c.length;
    const literal = (cp: number) => {
      const ch = String.fromCodePoint(cp);
      return { js: inClass ? escapeInClass(ch) : escapeOutsideClass(ch), next };
    };
    if (/[0-7]/.test(c) && (c === "0" || /[0-7]/.test(src[next] ?? ""))) {
      let v = Number(c);
      for (let k = 0; k < 2 && /[0-7]/.test(src[next] ?? ""); k++) v = v * 8 + Number(src[next++]);
      return literal(v);
    }
    switch (c) {
      case "a":
        return literal(7);
      case "f":
      case "n":
      case "r":
      case "t":
      case "v":
        return { js: "\\" + c, next };
      case "d":
      case "D":
      case "w":
      case "W":
        return { js: "\\" + c, next };
      case "s":
        return { js: inClass ? "\\t\\n\\f\\r " : "[\\t\\n\\f\\r ]", next };
      case "S":
        return { js: inClass ? "\\S" : "[^\\t\\n\\f\\r ]", next };
      case "x": {
        if (src[next] === "{") {
          const close = src.indexOf("}", next);
          const hex = close < 0 ? "" : src.slice(next + 1, close);
          if (!/^[0-9a-fA-F]+$/.test(hex) || parseInt(hex, 16) > 0x10ffff) {
            reError("invalid escape sequence", src.slice(at, close < 0 ? n : close + 1));
          }
          next = close + 1;
          return literal(parseInt(hex, 16));
        }
        const hex = src.slice(next, next + 2);
        if (!/^[0-9a-fA-F]{2}$/.test(hex))
          reError("invalid escape sequence", src.slice(at, next + hex.length));
        next += 2;
        return literal(parseInt(hex, 16));
      }
      case "p":
      case "P": {
        let name: string;
        if (src[next] === "{") {
          const close = src.indexOf("}", next);
          if (close < 0) reError("invalid character class range", src.slice(at));
          name = src.slice(next + 1, close);
          next = close + 1;
        } else {
          if (next >= n) reError("invalid character class range", src.slice(at));
          name = src[next++];
        }
        let negated = c === "P";
        if (name.startsWith("^")) {
          negated = !negated;
          name = name.slice(1);
        }
        const js = unicodeClass(negated, name);
        try {
          new RegExp(js, "u");
        } catch {
          reError("invalid character class range", src.slice(at, next));
        }
        return { js, next };
      }
    }
    if (!inClass) {
      switch (c) {
        case "b":
        case "B":
          return { js: "\\" + c, next };
        case "A":
          return { js: "(?<![\\s\\S])", next };
        case "z":
          return { js: "(?![\\s\\S])", next };
        case "Q": {
          const end = src.indexOf("\\E", next);
          const text = src.slice(next, end < 0 ? n : end);
          return { js: [...text].map(escapeOutsideClass).join(""), next: end < 0 ? n : end + 2 };
        }
      }
    }
    const cp = c.codePointAt(0)!;
    if (cp < 0x80 && !/[0-9A-Za-z]/.test(c)) return literal(cp);
    return reError("invalid escape sequence", src.slice(at, next));
  };

  // A bracketed class starting at src[at] === "[".
  const charClass = (at: number): { js: string; next: number } => {
    let k = at + 1;
    let js = "[";
    if (src[k] === "^") {
      js += "^";
      k++;
    }
    const missing = () => reError("missing closing ]", src.slice(at));
    // One class item: a single character (for ranges) or a whole class like \d or [:alpha:].
    const item = (): { js: string; cp?: number } => {
      if (src.startsWith("[:", k)) {
        const close = src.indexOf(":]", k + 2);
        if (close >= 0) {
          let name = src.slice(k + 2, close);
          const text = src.slice(k, close + 2);
          k = close + 2;
          const negated = name.startsWith("^");
          if (negated) name = name.slice(1);
          const js = negated ? NEGATED_POSIX[name] : POSIX_CLASSES[name];
          if (js === undefined) reError("invalid character class range", text);
          return { js };
        }
      }
      if (src[k] === "\\") {
        if (/^\\[dDwWsSpP]/.test(src.slice(k, k + 2))) {
          const r = escape(k, true);
          k = r.next;
          return { js: r.js };
        }
        const r = escape(k, true);
        const text = src.slice(k, r.next);
        k = r.next;
        const cp = /^\\[fnrtv]$/.test(text)
          ? "\f\n\r\t\v"["fnrtv".indexOf(text[1])].codePointAt(0)!
          : undefined;
        const lit = r.js.startsWith("\\") && r.js.length === 2 ? r.js[1] : r.js;
        return { js: r.js, cp: cp ?? lit.codePointAt(0)! };
      }
      const cp = src.codePointAt(k)!;
      const ch = String.fromCodePoint(cp);
      k += ch.length;
      return { js: escapeInClass(ch), cp };
    };
    for (let first = true; ; first = false) {
      if (k >= n) missing();
      if (src[k] === "]" && !first) break;
      const start = k;
      const lo = item();
      if (lo.cp !== undefined && src[k] === "-" && k + 1 < n && src[k + 1] !== "]") {
        k++;
        const hi = item();
        if (hi.cp === undefined || hi.cp < lo.cp)
          reError("invalid character class range", src.slice(start, k));
        js += `${lo.js}-${hi.js}`;
      } else {
        js += lo.js;
      }
    }
    return { js: js + "]", next: k + 1 };
  };

  while (i < n) {
    const c = src[i];
    if (c === "*" || c === "+" || c === "?" || c === "{") {
      let j = i + 1;
      let op = c;
      if (c === "{") {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i));
        if (!m) {
          out += "\\{";
          i++;
          canRepeat = true;
          lastRepeat = -1;
          continue;
        }
        const min = Number(m[1]);
        const max = m[2] === undefined ? min : m[3] === "" ? -1 : Number(m[3]);
        if (min > 1000 || max > 1000 || (max >= 0 && min > max)) reError("invalid repeat count", m[0]);
        j = i + m[0].length;
        op = m[0];
      }
      let lazy = false;
      if (src[j] === "?") {
        lazy = true;
        j++;
      }
      if (lastRepeat >= 0) reError("invalid nested repetition operator", src.slice(lastRepeat, j));
      if (!canRepeat) reError("missing argument to repetition operator", src.slice(i, j));
      out += op + (lazy !== ungreedy ? "?" : "");
      lastRepeat = i;
      i = j;
      continue;
    }
    lastRepeat = -1;
    if (c === "\\") {
      const r = escape(i, false);
      out += r.js;
      i = r.next;
      canRepeat = true;
    } else if (c === "[") {
      const r = charClass(i);
      out += r.js;
      i = r.next;
      canRepeat = true;
    } else if (c === "(") {
      if (src.startsWith("(?P<", i)) {
        out += "(?<";
        i += 4;
      } else if (src.startsWith("(?:", i) || /^\(\?<[A-Za-z_]/.test(src.slice(i, i + 4))) {
        out += src.slice(i, i + 3);
        i += 3;
      } else if (src.startsWith("(?", i)) {
        reError("invalid or unsupported Perl syntax", src.slice(i, i + 3));
      } else {
        out += "(";
        i++;
      }
      depth++;
      canRepeat = false;
    } else if (c === ")") {
      if (depth === 0) reError("unexpected )", src);
      depth--;
      out += ")";
      i++;
      canRepeat = true;
    } else if (c === "|") {
      out += "|";
      i++;
      canRepeat = false;
    } else if (c === ".") {
      out += dotAll ? "." : "[^\\n]";
      i++;
      canRepeat = true;
    } else if (c === "^" || c === "$") {
      out += c;
      i++;
      canRepeat = true;
    } else {
      const ch = String.fromCodePoint(src.codePointAt(i)!);
      out += escapeOutsideClass(ch);
      i += ch.length;
      canRepeat = true;
    }
  }
  if (depth > 0) reError("missing closing )", src);
  try {
    return new RegExp(out, flags);
  } catch (e) {
    throw new RegexpError(`error parsing regexp: ${(e as Error).message}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Field configurations (bexpr's FieldConfigurations, generated from a FieldSpec)

const opsMask = (...ops: Op[]) => ops.reduce<number>((m, op) => m | (1 << op), 0);
const STRING_OPS = opsMask(EQ, NEQ, IN, NOT_IN, MATCHES, NOT_MATCHES);
const EQUALITY_OPS = opsMask(EQ, NEQ);
const LIST_OPS = opsMask(IN, NOT_IN, EMPTY, NOT_EMPTY);
const MAP_OPS = opsMask(EMPTY, NOT_EMPTY, IN, NOT_IN);
const EMPTINESS_OPS = opsMask(EMPTY, NOT_EMPTY);

interface Cfg {
  readonly kind: ScalarKind | "list" | "map" | "object" | "objects";
  readonly ops: number;
  /** How the expression's value is coerced for this field (bexpr's CoerceFn). */
  readonly coerce?: ScalarKind;
  /** Sub-selectors: struct fields (object, objects), or "any key" (map). */
  readonly fields?: ReadonlyMap<string, Cfg>;
  readonly any?: Cfg;
}

const structCache = new WeakMap<FieldSpec, Cfg>();

function structCfg(spec: FieldSpec): Cfg {
  let cfg = structCache.get(spec);
  if (!cfg) {
    const fields = new Map<string, Cfg>();
    cfg = { kind: "object", ops: 0, fields };
    structCache.set(spec, cfg);
    for (const [name, type] of Object.entries(spec)) fields.set(name, fieldCfg(type));
  }
  return cfg;
}

function fieldCfg(type: FieldType): Cfg {
  if (typeof type === "string") {
    if (type.endsWith("[]")) return { kind: "list", ops: LIST_OPS, coerce: type.slice(0, -2) as ScalarKind };
    const kind = type as ScalarKind;
    return { kind, ops: kind === "string" ? STRING_OPS : EQUALITY_OPS, coerce: kind };
  }
  if ("map" in type) return { kind: "map", ops: MAP_OPS, coerce: "string", any: fieldCfg(type.map) };
  if ("object" in type) return structCfg(type.object);
  return { kind: "objects", ops: EMPTINESS_OPS, fields: structCfg(type.list).fields };
}

function subCfg(cfg: Cfg, name: string): Cfg | undefined {
  return cfg.fields?.get(name) ?? cfg.any;
}

// ---------------------------------------------------------------------------------------------
// Validation (bexpr's validate): selectors, operators, value coercion, regexes, limits.

/** The literal of one match expression, coerced for the field it's compared with. */
interface Literal {
  readonly raw: string;
  readonly num: number | undefined;
  readonly bool: boolean | undefined;
  readonly re: RegExp | undefined;
}

function coerce(kind: ScalarKind, raw: string): Parsed<unknown> {
  switch (kind) {
    case "string":
      return { ok: true, value: raw };
    case "int":
      return goParseInt(raw);
    case "float":
      return goParseFloat(raw);
    case "bool":
      return goParseBool(raw);
  }
}

function checkMatch(m: MatchExpr, root: Cfg | undefined): Literal {
  const sel = m.sel.join(".");
  const raw = m.raw ?? "";
  if (m.raw !== null && utf8.encode(m.raw).length > MAX_RAW_VALUE_LENGTH) {
    // bexpr's format string is short one argument: the limit lands on the selector's %q.
    const len = utf8.encode(m.raw).length;
    throw new FilterError(
      `${PREFIX}Value in expression with length ${len} for selector 'Ȁ' exceeds maximum length of`,
    );
  }
  let cfg: Cfg | undefined;
  if (root) {
    cfg = root;
    for (let i = 0; i < m.sel.length; i++) {
      const next = subCfg(cfg, m.sel[i]);
      if (!next)
        throw new FilterError(`${PREFIX}Selector ${quote(m.sel.slice(0, i + 1).join("."))} is not valid`);
      cfg = next;
    }
    if (!(cfg.ops & (1 << m.op))) {
      throw new FilterError(
        `${PREFIX}Invalid match operator ${quote(OP_NAMES[m.op])} for selector ${quote(sel)}`,
      );
    }
    if (m.raw !== null && cfg.coerce) {
      const r = coerce(cfg.coerce, m.raw);
      if (!r.ok) {
        throw new FilterError(
          `${PREFIX}Failed to coerce value ${quote(m.raw)} for selector ${quote(sel)}: ${r.err}`,
        );
      }
    }
  }
  let re: RegExp | undefined;
  if (m.op === MATCHES || m.op === NOT_MATCHES) {
    try {
      re = compileGoRegexp(raw);
    } catch (e) {
      throw new FilterError(
        `${PREFIX}Failed to compile regular expression ${quote(raw)}: ${(e as Error).message}`,
      );
    }
  }
  const int = goParseInt(raw);
  const float = goParseFloat(raw);
  const bool = goParseBool(raw);
  const num = cfg?.coerce === "float" ? float : cfg?.coerce === "int" ? int : int.ok ? int : float;
  return { raw, num: num.ok ? num.value : undefined, bool: bool.ok ? bool.value : undefined, re };
}

// ---------------------------------------------------------------------------------------------
// Evaluation closures

type Rec = Record<string, unknown>;
const hasOwn = Object.prototype.hasOwnProperty;
const isRecord = (v: unknown): v is Rec => typeof v === "object" && v !== null && !Array.isArray(v);
const strOf = (v: unknown): string => (typeof v === "string" ? v : v == null ? "" : String(v));
const numOf = (v: unknown): number => (typeof v === "number" ? v : v == null ? 0 : Number(v));

function isEmptyRecord(v: Rec): boolean {
  for (const k in v) if (hasOwn.call(v, k)) return false;
  return true;
}

const isNegated = (op: Op) => op === NEQ || op === NOT_IN || op === NOT_EMPTY || op === NOT_MATCHES;
const negate = (op: Op, f: Filter): Filter => (isNegated(op) ? (v) => !f(v) : f);

/** bexpr's answer when a map lookup on the selector's path finds no key. */
const missingResult = (op: Op) => !(op === EQ || op === NOT_EMPTY || op === IN);

/** The leaf operation on a value whose Go type is known. */
function typedLeaf(cfg: Cfg, op: Op, lit: Literal): Filter {
  const { raw } = lit;
  switch (cfg.kind) {
    case "string": {
      const re = lit.re!;
      if (op === EQ) return (v) => strOf(v) === raw;
      if (op === NEQ) return (v) => strOf(v) !== raw;
      if (op === IN) return (v) => strOf(v).includes(raw);
      if (op === NOT_IN) return (v) => !strOf(v).includes(raw);
      if (op === MATCHES) return (v) => re.test(strOf(v));
      return (v) => !re.test(strOf(v));
    }
    case "int":
    case "float": {
      const n = lit.num!;
      return op === EQ ? (v) => numOf(v) === n : (v) => numOf(v) !== n;
    }
    case "bool": {
      const b = lit.bool!;
      return op === EQ ? (v) => (v === true) === b : (v) => (v === true) !== b;
    }
    case "list":
    case "objects": {
      if (op === EMPTY || op === NOT_EMPTY) {
        return negate(op, (v) => !Array.isArray(v) || v.length === 0);
      }
      const el = cfg.coerce === "string" ? raw : cfg.coerce === "bool" ? lit.bool : lit.num;
      return negate(op, (v) => Array.isArray(v) && v.includes(el));
    }
    case "map": {
      if (op === EMPTY || op === NOT_EMPTY) return negate(op, (v) => !isRecord(v) || isEmptyRecord(v));
      return negate(op, (v) => isRecord(v) && hasOwn.call(v, raw));
    }
    case "object":
      return () => false; // no operations on a struct; validation rejects these
  }
}

function typedPath(path: readonly string[], i: number, cfg: Cfg, op: Op, lit: Literal): Filter {
  if (i === path.length) return typedLeaf(cfg, op, lit);
  const key = path[i];
  switch (cfg.kind) {
    case "object": {
      // A struct field missing from the JSON is Go's zero value, which the next step reads from undefined.
      const next = typedPath(path, i + 1, cfg.fields!.get(key)!, op, lit);
      return (v) => next(isRecord(v) && hasOwn.call(v, key) ? v[key] : undefined);
    }
    case "objects": {
      // A list of structs in the middle of a selector: ANY element, same selector position.
      const next = typedPath(path, i, { kind: "object", ops: 0, fields: cfg.fields }, op, lit);
      return (v) => {
        if (!Array.isArray(v)) return false;
        for (let k = 0; k < v.length; k++) if (next(v[k])) return true;
        return false;
      };
    }
    case "map": {
      const next = typedPath(path, i + 1, cfg.any!, op, lit);
      const missing = missingResult(op);
      return (v) => {
        if (isRecord(v) && hasOwn.call(v, key)) {
          const x = v[key];
          if (x !== undefined && x !== null) return next(x);
        }
        return missing;
      };
    }
    default:
      return () => false;
  }
}

/** Equality of one JSON scalar with the literal, coercing the literal to the scalar's type. */
function dynamicEquals(v: unknown, lit: Literal): boolean {
  if (typeof v === "string") return v === lit.raw;
  if (typeof v === "number") return v === lit.num;
  if (typeof v === "boolean") return v === lit.bool;
  return false;
}

/** The leaf operation without a spec: decided by the value's JSON type. */
function dynamicLeaf(op: Op, lit: Literal): Filter {
  const missing = missingResult(op);
  const negated = isNegated(op);
  const re = lit.re;
  const leaf = (v: unknown): boolean => {
    if (v === undefined || v === null) return missing;
    if (Array.isArray(v)) {
      if (op === IN || op === NOT_IN) return v.some((e) => dynamicEquals(e, lit)) !== negated;
      if (op === EMPTY || op === NOT_EMPTY) return (v.length === 0) !== negated;
      for (let k = 0; k < v.length; k++) if (leaf(v[k])) return true;
      return false;
    }
    let hit: boolean;
    if (op === EMPTY || op === NOT_EMPTY) {
      hit = typeof v === "string" ? v.length === 0 : isRecord(v) ? isEmptyRecord(v) : false;
    } else if (op === IN || op === NOT_IN) {
      hit = typeof v === "string" ? v.includes(lit.raw) : isRecord(v) ? hasOwn.call(v, lit.raw) : false;
    } else if (op === MATCHES || op === NOT_MATCHES) {
      hit =
        typeof v === "string" || typeof v === "number" || typeof v === "boolean"
          ? re!.test(String(v))
          : false;
    } else {
      hit = dynamicEquals(v, lit);
    }
    return hit !== negated;
  };
  return leaf;
}

function dynamicPath(path: readonly string[], i: number, op: Op, lit: Literal): Filter {
  if (i === path.length) return dynamicLeaf(op, lit);
  const key = path[i];
  const next = dynamicPath(path, i + 1, op, lit);
  const missing = missingResult(op);
  const step = (v: unknown): boolean => {
    if (Array.isArray(v)) {
      for (let k = 0; k < v.length; k++) if (step(v[k])) return true;
      return false;
    }
    if (v === undefined || v === null) return missing;
    if (!isRecord(v)) return false;
    if (hasOwn.call(v, key)) {
      const x = v[key];
      if (x !== undefined && x !== null) return next(x);
    }
    return missing;
  };
  return step;
}

// ---------------------------------------------------------------------------------------------
// Entry point

const matchAll: Filter = () => true;

/**
 * Compiles a Consul filter expression into a predicate over one entry (a service, node, check, or
 * health entry as Consul's JSON prints it). With `fields`, selectors are checked against that
 * shape the way Consul checks them against its Go type. Throws FilterError with Consul's message.
 * An empty expression matches everything (Consul's "no filter").
 */
export function compileFilter(expression: string, fields?: FieldSpec): Filter {
  if (expression === "") return matchAll;
  try {
    return compile(expression, fields);
  } catch (e) {
    // Only reachable with hundreds of nested parentheses (bexpr itself would take exponential time).
    if (e instanceof RangeError) throw new FilterError(`${PREFIX}expression is nested too deeply`);
    throw e;
  }
}

function compile(expression: string, fields: FieldSpec | undefined): Filter {
  const ast = new Parser(expression).parse();
  const root = fields ? structCfg(fields) : undefined;
  let matches = 0;
  const build = (e: Expr): Filter => {
    switch (e.t) {
      case "and": {
        const l = build(e.l);
        const r = build(e.r);
        return (v) => l(v) && r(v);
      }
      case "or": {
        const l = build(e.l);
        const r = build(e.r);
        return (v) => l(v) || r(v);
      }
      case "not": {
        const x = build(e.e);
        return (v) => !x(v);
      }
      case "match": {
        matches++;
        const lit = checkMatch(e, root);
        return root ? typedPath(e.sel, 0, root, e.op, lit) : dynamicPath(e.sel, 0, e.op, lit);
      }
    }
  };
  const filter = build(ast);
  if (matches > MAX_MATCHES) {
    throw new FilterError(
      `${PREFIX}Number of match expressions (${matches}) exceeds the limit (${MAX_MATCHES})`,
    );
  }
  return filter;
}

// ---------------------------------------------------------------------------------------------
// Specs for the shapes Consul filters (its structs' field configurations, Consul 1.16).

const StringMap: FieldType = { map: "string" };
const WeightsSpec: FieldSpec = { Passing: "int", Warning: "int" };
const ServiceAddressSpec: FieldSpec = { Address: "string", Port: "int" };
const MeshGatewaySpec: FieldSpec = { Mode: "string" };

const UpstreamSpec: FieldSpec = {
  DestinationType: "string",
  DestinationNamespace: "string",
  DestinationPartition: "string",
  DestinationPeer: "string",
  DestinationName: "string",
  Datacenter: "string",
  LocalBindAddress: "string",
  LocalBindPort: "int",
  LocalBindSocketPath: "string",
  LocalBindSocketMode: "string",
  MeshGateway: { object: MeshGatewaySpec },
};

const ExposePathSpec: FieldSpec = {
  ListenerPort: "int",
  Path: "string",
  LocalPathPort: "int",
  Protocol: "string",
  ParsedFromCheck: "bool",
};

const ConnectProxySpec: FieldSpec = {
  EnvoyExtensions: {
    list: { Name: "string", Required: "bool", ConsulVersion: "string", EnvoyVersion: "string" },
  },
  DestinationServiceName: "string",
  DestinationServiceID: "string",
  LocalServiceAddress: "string",
  LocalServicePort: "int",
  LocalServiceSocketPath: "string",
  Mode: "string",
  Upstreams: { list: UpstreamSpec },
  MeshGateway: { object: MeshGatewaySpec },
  Expose: { object: { Checks: "bool", Paths: { list: ExposePathSpec } } },
  TransparentProxy: { object: { OutboundListenerPort: "int", DialedDirectly: "bool" } },
  AccessLogs: {
    object: {
      Enabled: "bool",
      DisableListenerLogs: "bool",
      Type: "string",
      Path: "string",
      JSONPath: "string",
      TextPath: "string",
    },
  },
};

/** A service as /v1/agent/services and /v1/catalog/node/:node print it (Go: NodeService / api.AgentService). */
export const NodeServiceSpec: FieldSpec = {
  Kind: "string",
  ID: "string",
  Service: "string",
  Tags: "string[]",
  Address: "string",
  TaggedAddresses: { map: { object: ServiceAddressSpec } },
  Meta: StringMap,
  Port: "int",
  SocketPath: "string",
  Weights: { object: WeightsSpec },
  EnableTagOverride: "bool",
  Proxy: { object: ConnectProxySpec },
  Connect: { object: { Native: "bool" } },
  PeerName: "string",
};

/** A node as /v1/catalog/nodes prints it (Go: Node). */
export const NodeSpec: FieldSpec = {
  ID: "string",
  Node: "string",
  Partition: "string",
  PeerName: "string",
  Address: "string",
  Datacenter: "string",
  TaggedAddresses: StringMap,
  Meta: StringMap,
};

/** An entry of /v1/catalog/service/:name (Go: ServiceNode). */
export const CatalogServiceSpec: FieldSpec = {
  ID: "string",
  Node: "string",
  Address: "string",
  Datacenter: "string",
  TaggedAddresses: StringMap,
  NodeMeta: StringMap,
  ServiceKind: "string",
  ServiceID: "string",
  ServiceName: "string",
  ServiceTags: "string[]",
  ServiceAddress: "string",
  ServiceTaggedAddresses: { map: { object: ServiceAddressSpec } },
  ServiceMeta: StringMap,
  ServicePort: "int",
  ServiceSocketPath: "string",
  ServiceWeights: { object: WeightsSpec },
  ServiceEnableTagOverride: "bool",
  ServiceProxy: { object: ConnectProxySpec },
  ServiceConnect: { object: { Native: "bool" } },
  PeerName: "string",
};

/** A check as /v1/health/node, /health/checks and /health/state print it (Go: HealthCheck). */
export const HealthCheckSpec: FieldSpec = {
  Node: "string",
  CheckID: "string",
  Name: "string",
  Status: "string",
  Notes: "string",
  Output: "string",
  ServiceID: "string",
  ServiceName: "string",
  ServiceTags: "string[]",
  Type: "string",
  Interval: "string",
  Timeout: "string",
  ExposedPort: "int",
  PeerName: "string",
};

/** An entry of /v1/health/service/:name and /health/connect/:name (Go: CheckServiceNode). */
export const ServiceNodeHealthSpec: FieldSpec = {
  Node: { object: NodeSpec },
  Service: { object: NodeServiceSpec },
  Checks: { list: HealthCheckSpec },
};

/** An entry of /v1/internal/ui/nodes and node dumps (Go: NodeInfo). */
export const NodeInfoSpec: FieldSpec = {
  ID: "string",
  Node: "string",
  Partition: "string",
  PeerName: "string",
  Address: "string",
  TaggedAddresses: StringMap,
  Meta: StringMap,
  Services: { list: NodeServiceSpec },
  Checks: { list: HealthCheckSpec },
};
