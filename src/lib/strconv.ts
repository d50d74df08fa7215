// The parts of Go's strconv census needs (the template engine, ?filter literals): quoting,
// unquoting, float formatting, number parsing.

const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** strconv.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isPrint(r: number): boolean {
  if (r < 0x20) return false;
  if (r < 0x7f) return true;
  if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) return false;
  return printable.test(String.fromCodePoint(r));
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}

function escapeRune(r: number, quote: string, asciiOnly: boolean): string {
  const ch = String.fromCodePoint(r);
  if (ch === quote || ch === "\\") return "\\" + ch;
  if (asciiOnly ? r < 0x80 && isPrint(r) : isPrint(r)) return ch;
  switch (r) {
    case 7:
      return "\\a";
    case 8:
      return "\\b";
    case 12:
      return "\\f";
    case 10:
      return "\\n";
    case 13:
      return "\\r";
    case 9:
      return "\\t";
    case 11:
      return "\\v";
  }
  if (r < 0x20 || r === 0x7f) return "\\x" + hex(r, 2);
  if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) r = 0xfffd;
  return r < 0x10000 ? "\\u" + hex(r, 4) : "\\U" + hex(r, 8);
}

function codePoints(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) out.push(ch.codePointAt(0)!);
  return out;
}

/** strconv.Quote (or QuoteToASCII). */
export function quote(s: string, asciiOnly = false): string {
  let out = '"';
  for (const r of codePoints(s)) out += escapeRune(r, '"', asciiOnly);
  return out + '"';
}

/** strconv.QuoteRune (or QuoteRuneToASCII). */
export function quoteRune(r: number, asciiOnly = false): string {
  if (r < 0 || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) r = 0xfffd;
  return "'" + escapeRune(r, "'", asciiOnly) + "'";
}

/** strconv.CanBackquote. */
export function canBackquote(s: string): boolean {
  for (const r of codePoints(s)) {
    if (r === 0xfeff) return false;
    if (r < 0x80 && ((r < 0x20 && r !== 9) || r === 0x60 || r === 0x7f)) return false;
  }
  return true;
}

export class SyntaxError_ extends Error {
  constructor() {
    super("invalid syntax");
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** strconv.UnquoteChar: decodes one (possibly escaped) character; bytes from \x and octal escapes. */
export function unquoteChar(s: string, q: string): { value: number; isByte: boolean; tail: string } {
  const c = s.codePointAt(0);
  if (c === undefined) throw new SyntaxError_();
  const ch = String.fromCodePoint(c);
  if (ch === q && (q === "'" || q === '"')) throw new SyntaxError_();
  if (ch !== "\\") return { value: c, isByte: false, tail: s.slice(ch.length) };
  if (s.length <= 1) throw new SyntaxError_();
  const e = s[1];
  let tail = s.slice(2);
  const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, "\\": 92 };
  if (e in simple) return { value: simple[e], isByte: false, tail };
  switch (e) {
    case "x":
    case "u":
    case "U": {
      const n = e === "x" ? 2 : e === "u" ? 4 : 8;
      const digits = tail.slice(0, n);
      if (digits.length < n || !/^[0-9a-fA-F]+$/.test(digits)) throw new SyntaxError_();
      const v = parseInt(digits, 16);
      tail = tail.slice(n);
      if (e === "x") return { value: v, isByte: true, tail };
      if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) throw new SyntaxError_();
      return { value: v, isByte: false, tail };
    }
    case "0":
    case "1":
    case "2":
    case "3":
    case "4":
    case "5":
    case "6":
    case "7": {
      const digits = s.slice(1, 4);
      if (!/^[0-7]{3}$/.test(digits)) throw new SyntaxError_();
      const v = parseInt(digits, 8);
      if (v > 255) throw new SyntaxError_();
      return { value: v, isByte: true, tail: s.slice(4) };
    }
    case "'":
    case '"':
      if (e !== q) throw new SyntaxError_();
      return { value: e.charCodeAt(0), isByte: false, tail };
  }
  throw new SyntaxError_();
}

/** strconv.Unquote for "..." and `...` literals (the lexer has already checked the shape). */
export function unquote(s: string): string {
  if (s.length < 2) throw new SyntaxError_();
  const q = s[0];
  if (q !== s[s.length - 1]) throw new SyntaxError_();
  let body = s.slice(1, -1);
  if (q === "`") {
    if (body.includes("`")) throw new SyntaxError_();
    return body.replaceAll("\r", "");
  }
  if (q !== '"') throw new SyntaxError_();
  if (body.includes("\n")) throw new SyntaxError_();
  if (!body.includes("\\") && !body.includes(q)) return body;
  // Escapes such as \xc3\xa9 produce bytes; Go strings are bytes, so assemble UTF-8 and decode once.
  const bytes: number[] = [];
  while (body.length > 0) {
    const { value, isByte, tail } = unquoteChar(body, q);
    body = tail;
    if (isByte) bytes.push(value);
    else bytes.push(...encoder.encode(String.fromCodePoint(value)));
  }
  return decoder.decode(new Uint8Array(bytes));
}

// ---- Numbers ----

/** strconv's underscoreOK: underscores only between digits or after a base prefix. */
export function underscoreOK(s: string): boolean {
  let saw = "^";
  let i = 0;
  if (s.length >= 1 && (s[0] === "-" || s[0] === "+")) s = s.slice(1);
  let hexDigits = false;
  if (s.length >= 2 && s[0] === "0" && "bBoOxX".includes(s[1])) {
    i = 2;
    saw = "0";
    hexDigits = s[1] === "x" || s[1] === "X";
  }
  for (; i < s.length; i++) {
    const c = s[i];
    if ((c >= "0" && c <= "9") || (hexDigits && /[a-fA-F]/.test(c))) {
      saw = "0";
      continue;
    }
    if (c === "_") {
      if (saw !== "0") return false;
      saw = "_";
      continue;
    }
    if (saw === "_") return false;
    saw = "!";
  }
  return saw !== "_";
}

/** strconv.ParseUint(s, 0, 64) / ParseInt(s, 0, 64): the value, or undefined when out of range or malformed. */
export function parseInteger(s: string, signed: boolean): bigint | undefined {
  let neg = false;
  let body = s;
  if (signed && (body[0] === "+" || body[0] === "-")) {
    neg = body[0] === "-";
    body = body.slice(1);
  }
  let base = 10;
  let digits = body;
  if (body.length >= 2 && body[0] === "0") {
    const p = body[1].toLowerCase();
    if (p === "x" || p === "o" || p === "b") {
      base = p === "x" ? 16 : p === "o" ? 8 : 2;
      digits = body.slice(2);
    } else {
      base = 8;
      digits = body.slice(1);
    }
  }
  if (digits.includes("_")) {
    if (!underscoreOK(s)) return undefined;
    digits = digits.replaceAll("_", "");
  }
  if (digits === "") return undefined;
  const valid = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ }[base]!;
  if (!valid.test(digits)) return undefined;
  let v = 0n;
  const b = BigInt(base);
  for (const d of digits) v = v * b + BigInt(parseInt(d, base));
  if (neg) v = -v;
  if (signed ? v < -(2n ** 63n) || v >= 2n ** 63n : v >= 2n ** 64n) return undefined;
  return v;
}

/** strconv.ParseFloat(s, 64) for the literal syntax the lexer lets through. */
export function parseFloat64(s: string): number | undefined {
  if (s.includes("_") && !underscoreOK(s)) return undefined;
  const t = s.replaceAll("_", "");
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) {
    const v = Number(t);
    return Number.isFinite(v) ? v : undefined; // Go reports ErrRange
  }
  const m = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)$/.exec(t);
  if (m === null || m[2] + m[3] === "") return undefined;
  // Hex floats: the mantissa is exact in a BigInt; scaling by a power of two is exact too.
  const mant = BigInt("0x" + (m[2] + m[3] || "0"));
  const exp = Number(m[4]) - 4 * m[3].length;
  const v = Number(mant) * 2 ** exp;
  if (!Number.isFinite(v)) return undefined;
  return m[1] === "-" ? -v : v;
}

// ---- Float formatting (strconv.FormatFloat) ----

interface Digits {
  d: string; // significant digits, no trailing zeros; "" for zero
  dp: number; // decimal point position: value = 0.d × 10^dp
}

/** The exact decimal expansion of a finite non-negative double. */
function exactDigits(a: number): Digits {
  if (a === 0) return { d: "", dp: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, a);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e2: number;
  if (biased === 0) {
    e2 = -1074;
  } else {
    mant |= 1n << 52n;
    e2 = biased - 1075;
  }
  let d: string;
  let dp: number;
  if (e2 >= 0) {
    d = (mant << BigInt(e2)).toString();
    dp = d.length;
  } else {
    d = (mant * 5n ** BigInt(-e2)).toString();
    dp = d.length + e2;
  }
  return { d: d.replace(/0+$/, ""), dp };
}

/** The shortest digits that read back as the same double (what Go's %v and JS's toString agree on). */
function shortestDigits(a: number): Digits {
  if (a === 0) return { d: "", dp: 0 };
  const [mant, exp] = a.toExponential().split("e");
  return { d: mant.replace(".", "").replace(/0+$/, ""), dp: Number(exp) + 1 };
}

/** decimal.Round: keep nd digits, rounding half to even (the digits are exact, so ties are real). */
function roundDigits(x: Digits, nd: number): Digits {
  if (nd < 0 || nd >= x.d.length) return x;
  const next = x.d.charCodeAt(nd) - 48;
  let up: boolean;
  if (next === 5 && nd + 1 === x.d.length) up = nd > 0 && (x.d.charCodeAt(nd - 1) - 48) % 2 === 1;
  else up = next >= 5;
  if (!up) return { d: x.d.slice(0, nd).replace(/0+$/, ""), dp: x.dp };
  for (let i = nd - 1; i >= 0; i--) {
    if (x.d[i] !== "9") {
      return { d: x.d.slice(0, i) + String.fromCharCode(x.d.charCodeAt(i) + 1), dp: x.dp };
    }
  }
  return { d: "1", dp: x.dp + 1 };
}

function fmtE(neg: boolean, x: Digits, prec: number, e: string): string {
  let out = neg ? "-" : "";
  out += x.d.length > 0 ? x.d[0] : "0";
  if (prec > 0) {
    out += "." + x.d.slice(1, prec + 1).padEnd(prec, "0");
  }
  let exp = x.d.length === 0 ? 0 : x.dp - 1;
  const sign = exp < 0 ? "-" : "+";
  exp = Math.abs(exp);
  return out + e + sign + (exp < 10 ? "0" + exp : String(exp));
}

function fmtF(neg: boolean, x: Digits, prec: number): string {
  let out = neg ? "-" : "";
  if (x.dp > 0) out += x.d.slice(0, x.dp).padEnd(x.dp, "0");
  else out += "0";
  if (prec > 0) {
    out += ".";
    for (let i = 1; i <= prec; i++) {
      const j = x.dp + i - 1;
      out += j >= 0 && j < x.d.length ? x.d[j] : "0";
    }
  }
  return out;
}

/** strconv.FormatFloat(v, fmt, prec, 64) for the formats e, E, f, F, g, G (prec < 0: shortest). */
export function formatFloat(v: number, fmt: string, prec: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  const neg = v < 0 || Object.is(v, -0);
  const a = Math.abs(v);
  const shortest = prec < 0;
  const lower = fmt.toLowerCase();
  let x: Digits;
  if (shortest) {
    x = shortestDigits(a);
    prec =
      lower === "e"
        ? Math.max(x.d.length - 1, 0)
        : lower === "f"
          ? Math.max(x.d.length - x.dp, 0)
          : x.d.length;
  } else if (lower === "f") {
    const exact = exactDigits(a);
    x = roundDigits(exact, exact.dp + prec);
  } else {
    if (lower === "g" && prec === 0) prec = 1;
    x = roundDigits(exactDigits(a), lower === "e" ? prec + 1 : prec);
  }
  switch (fmt) {
    case "e":
    case "E":
      return fmtE(neg, x, prec, fmt);
    case "f":
    case "F":
      return fmtF(neg, x, prec);
    case "g":
    case "G": {
      let eprec = prec;
      if (eprec > x.d.length && x.d.length >= x.dp) eprec = x.d.length;
      if (shortest) eprec = 6;
      const exp = x.dp - 1;
      if (exp < -4 || exp >= eprec) {
        if (prec > x.d.length) prec = x.d.length;
        return fmtE(neg, x, prec - 1, fmt === "g" ? "e" : "E");
      }
      if (prec > x.dp) prec = x.d.length;
      return fmtF(neg, x, Math.max(prec - x.dp, 0));
    }
  }
  return "%" + fmt;
}
