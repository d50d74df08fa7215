// Go's fmt.Sprint, Sprintln and Sprintf over the value model in values.ts: the same verbs, flags,
// padding and error notation (%!d(string=hi), %!v(MISSING), %!(EXTRA ...)).

import { canBackquote, formatFloat, isPrint, quote, quoteRune } from "../../lib/strconv.ts";
import {
  floatValue,
  GoComplex,
  kindOf,
  sortedEntries,
  structFields,
  typeName,
  unbox,
  utf8Bytes,
} from "./values.ts";

interface Flags {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  plusV: boolean;
  sharpV: boolean;
  wid: number;
  widPresent: boolean;
  prec: number;
  precPresent: boolean;
}

function clearFlags(): Flags {
  return {
    plus: false,
    minus: false,
    sharp: false,
    space: false,
    zero: false,
    plusV: false,
    sharpV: false,
    wid: 0,
    widPresent: false,
    prec: 0,
    precPresent: false,
  };
}

const ldigits = "0123456789abcdefx";
const udigits = "0123456789ABCDEFX";

function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Whether a value may carry String/Error methods (Go's Stringer and error interfaces). */
function methodHolder(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Map);
}

class Printer {
  buf = "";
  f: Flags = clearFlags();
  arg: unknown = undefined;
  value: unknown = undefined;
  hasValue = false;
  erroring = false;

  // ---- padding (fmt/format.go) ----

  writePadding(n: number): void {
    if (n <= 0) return;
    this.buf += (this.f.zero && !this.f.minus ? "0" : " ").repeat(n);
  }

  pad(s: string): void {
    if (!this.f.widPresent || this.f.wid === 0) {
      this.buf += s;
      return;
    }
    const width = this.f.wid - runeCount(s);
    if (!this.f.minus) {
      this.writePadding(width);
      this.buf += s;
    } else {
      this.buf += s;
      this.writePadding(width);
    }
  }

  truncate(s: string): string {
    if (!this.f.precPresent) return s;
    const runes = [...s];
    return runes.length > this.f.prec ? runes.slice(0, this.f.prec).join("") : s;
  }

  fmtS(s: string): void {
    this.pad(this.truncate(s));
  }

  fmtBoolean(b: boolean): void {
    this.pad(b ? "true" : "false");
  }

  fmtQ(s: string): void {
    s = this.truncate(s);
    if (this.f.sharp && canBackquote(s)) {
      this.pad("`" + s + "`");
      return;
    }
    this.pad(quote(s, this.f.plus));
  }

  /** fmtSbx for strings: hex of the UTF-8 bytes, honouring precision, space and sharp. */
  fmtSx(s: string, digits: string): void {
    const b = utf8Bytes(s);
    let length = b.length;
    if (this.f.precPresent && this.f.prec < length) length = this.f.prec;
    let width = 2 * length;
    if (width > 0) {
      if (this.f.space) {
        if (this.f.sharp) width *= 2;
        width += length - 1;
      } else if (this.f.sharp) {
        width += 2;
      }
    } else {
      if (this.f.widPresent) this.writePadding(this.f.wid);
      return;
    }
    if (this.f.widPresent && this.f.wid > width && !this.f.minus) this.writePadding(this.f.wid - width);
    let out = "";
    if (this.f.sharp) out += "0" + digits[16];
    for (let i = 0; i < length; i++) {
      if (this.f.space && i > 0) {
        out += " ";
        if (this.f.sharp) out += "0" + digits[16];
      }
      out += digits[b[i] >> 4] + digits[b[i] & 0xf];
    }
    this.buf += out;
    if (this.f.widPresent && this.f.wid > width && this.f.minus) this.writePadding(this.f.wid - width);
  }

  fmtIntegerDigits(v: bigint, base: number, verb: string, digits: string): void {
    const negative = v < 0n;
    let u = negative ? -v : v;
    let prec = 0;
    if (this.f.precPresent) {
      prec = this.f.prec;
      if (prec === 0 && u === 0n) {
        const oldZero = this.f.zero;
        this.f.zero = false;
        this.writePadding(this.f.wid);
        this.f.zero = oldZero;
        return;
      }
    } else if (this.f.zero && !this.f.minus && this.f.widPresent) {
      prec = this.f.wid;
      if (negative || this.f.plus || this.f.space) prec--;
    }
    let s = "";
    const b = BigInt(base);
    do {
      s = digits[Number(u % b)] + s;
      u /= b;
    } while (u > 0n);
    s = s.padStart(prec, "0");
    if (this.f.sharp) {
      if (base === 2) s = "0b" + s;
      else if (base === 8 && s[0] !== "0") s = "0" + s;
      else if (base === 16) s = "0" + digits[16] + s;
    }
    if (verb === "O") s = "0o" + s;
    if (negative) s = "-" + s;
    else if (this.f.plus) s = "+" + s;
    else if (this.f.space) s = " " + s;
    const oldZero = this.f.zero;
    this.f.zero = false;
    this.pad(s);
    this.f.zero = oldZero;
  }

  fmtC(c: bigint): void {
    const r = c < 0n || c > 0x10ffffn || (c >= 0xd800n && c <= 0xdfffn) ? 0xfffd : Number(c);
    this.pad(String.fromCodePoint(r));
  }

  fmtQc(c: bigint): void {
    const r = c < 0n || c > 0x10ffffn ? 0xfffd : Number(c);
    this.pad(quoteRune(r, this.f.plus));
  }

  fmtUnicode(c: bigint): void {
    const prec = this.f.precPresent && this.f.prec > 4 ? this.f.prec : 4;
    let s = "U+" + (c < 0n ? c + 2n ** 64n : c).toString(16).toUpperCase().padStart(prec, "0");
    if (this.f.sharp && c >= 0n && c <= 0x10ffffn && isPrint(Number(c))) {
      s += " '" + String.fromCodePoint(Number(c)) + "'";
    }
    const oldZero = this.f.zero;
    this.f.zero = false;
    this.pad(s);
    this.f.zero = oldZero;
  }

  fmtFloatWith(v: number, verb: string, prec: number): void {
    if (this.f.precPresent) prec = this.f.prec;
    let num = formatFloat(v, verb, prec);
    if (num[0] !== "-" && num[0] !== "+") num = "+" + num;
    if (this.f.space && num[0] === "+" && !this.f.plus) num = " " + num.slice(1);
    if (num[1] === "I" || num[1] === "N") {
      const oldZero = this.f.zero;
      this.f.zero = false;
      if (num[1] === "N" && !this.f.space && !this.f.plus) num = num.slice(1);
      this.pad(num);
      this.f.zero = oldZero;
      return;
    }
    if (this.f.sharp) {
      // The sharp flag forces a decimal point and keeps trailing zeros for %g.
      let digits = 0;
      if (verb === "v" || verb === "g" || verb === "G") digits = prec === -1 ? 6 : prec;
      let tail = "";
      let body = num;
      const e = body.search(/[eE]/);
      if (e >= 0) {
        tail = body.slice(e);
        body = body.slice(0, e);
      }
      let sawNonzero = false;
      for (let i = 1; i < body.length; i++) {
        const c = body[i];
        if (c === ".") continue;
        if (c !== "0") sawNonzero = true;
        if (sawNonzero) digits--;
      }
      if (!body.includes(".")) {
        if (body.length === 2 && body[1] === "0") digits--;
        body += ".";
      }
      if (digits > 0) body += "0".repeat(digits);
      num = body + tail;
    }
    if (this.f.plus || num[0] !== "+") {
      if (this.f.zero && !this.f.minus && this.f.widPresent && this.f.wid > num.length) {
        this.buf += num[0];
        this.writePadding(this.f.wid - num.length);
        this.buf += num.slice(1);
        return;
      }
      this.pad(num);
      return;
    }
    this.pad(num.slice(1));
  }

  // ---- per-type printing (fmt/print.go) ----

  badVerb(verb: string): void {
    this.erroring = true;
    this.buf += "%!" + verb + "(";
    if (this.arg !== undefined && this.arg !== null) {
      this.buf += typeName(this.arg) + "=";
      this.printArg(this.arg, "v");
    } else if (this.hasValue && this.value !== undefined && this.value !== null) {
      this.buf += typeName(this.value) + "=";
      this.printValue(this.value, "v", 0);
    } else {
      this.buf += "<nil>";
    }
    this.buf += ")";
    this.erroring = false;
  }

  fmtBool(v: boolean, verb: string): void {
    if (verb === "t" || verb === "v") this.fmtBoolean(v);
    else this.badVerb(verb);
  }

  fmtInteger(v: bigint, verb: string): void {
    switch (verb) {
      case "v":
      case "d":
        return this.fmtIntegerDigits(v, 10, verb, ldigits);
      case "b":
        return this.fmtIntegerDigits(v, 2, verb, ldigits);
      case "o":
      case "O":
        return this.fmtIntegerDigits(v, 8, verb, ldigits);
      case "x":
        return this.fmtIntegerDigits(v, 16, verb, ldigits);
      case "X":
        return this.fmtIntegerDigits(v, 16, verb, udigits);
      case "c":
        return this.fmtC(v);
      case "q":
        return this.fmtQc(v);
      case "U":
        return this.fmtUnicode(v);
      default:
        this.badVerb(verb);
    }
  }

  fmtFloat(v: number, verb: string): void {
    switch (verb) {
      case "v":
        return this.fmtFloatWith(v, "g", -1);
      case "g":
      case "G":
        return this.fmtFloatWith(v, verb, -1);
      case "f":
      case "e":
      case "E":
      case "F":
        return this.fmtFloatWith(v, verb, 6);
      default:
        this.badVerb(verb);
    }
  }

  fmtComplex(v: GoComplex, verb: string): void {
    if (!"vgGfFeE".includes(verb)) {
      this.badVerb(verb);
      return;
    }
    const oldPlus = this.f.plus;
    this.buf += "(";
    this.fmtFloat(v.re, verb);
    this.f.plus = true;
    this.fmtFloat(v.im, verb);
    this.buf += "i)";
    this.f.plus = oldPlus;
  }

  fmtString(v: string, verb: string): void {
    switch (verb) {
      case "v":
        if (this.f.sharpV) this.fmtQ(v);
        else this.fmtS(v);
        return;
      case "s":
        return this.fmtS(v);
      case "x":
        return this.fmtSx(v, ldigits);
      case "X":
        return this.fmtSx(v, udigits);
      case "q":
        return this.fmtQ(v);
      default:
        this.badVerb(verb);
    }
  }

  fmtPointer(verb: string): void {
    // JavaScript has no addresses; a function value prints as a non-nil pointer would, at 0x0.
    if (verb === "v" && this.f.sharpV) this.buf += "(" + typeName(this.value ?? this.arg) + ")(0x0)";
    else if (verb === "v" || verb === "p") this.pad("0x0");
    else this.badVerb(verb);
  }

  /** Error() and String() methods, for the verbs Go consults them for. */
  handleMethods(verb: string): boolean {
    if (this.erroring || this.f.sharpV) return false;
    if (!"vsxXq".includes(verb)) return false;
    const v = this.arg;
    if (!methodHolder(v)) return false;
    for (const method of ["Error", "String"]) {
      const fn = v[method];
      if (typeof fn !== "function") continue;
      let s: unknown;
      try {
        s = fn.call(v);
      } catch (e) {
        const oldFlags = this.f;
        this.f = clearFlags();
        this.buf += "%!" + verb + "(PANIC=" + method + " method: ";
        this.buf += e instanceof Error ? e.message : sprint([e]);
        this.buf += ")";
        this.f = oldFlags;
        return true;
      }
      this.fmtString(typeof s === "string" ? s : sprint([s]), verb);
      return true;
    }
    return false;
  }

  printArg(arg: unknown, verb: string): void {
    arg = unbox(arg);
    this.arg = arg;
    this.hasValue = false;
    if (arg === undefined || arg === null) {
      if (verb === "T" || verb === "v") this.pad("<nil>");
      else this.badVerb(verb);
      return;
    }
    if (verb === "T") {
      this.fmtS(typeName(arg));
      return;
    }
    switch (kindOf(arg)) {
      case "bool":
      case "int":
      case "float":
      case "complex":
      case "string":
        return this.printValue(arg, verb, 0);
    }
    if (verb === "p") {
      this.value = arg;
      if (kindOf(arg) === "func") this.fmtPointer(verb);
      else this.badVerb(verb);
      return;
    }
    if (!this.handleMethods(verb)) this.printValue(arg, verb, 0);
  }

  printValue(value: unknown, verb: string, depth: number): void {
    value = unbox(value);
    if (depth > 0 && methodHolder(value)) {
      this.arg = value;
      if (this.handleMethods(verb)) return;
    }
    this.arg = undefined;
    this.value = value;
    this.hasValue = true;
    switch (kindOf(value)) {
      case "invalid":
        if (depth === 0) this.buf += "<invalid reflect.Value>";
        else if (this.f.sharpV) this.buf += "interface {}(nil)";
        else this.buf += "<nil>";
        return;
      case "bool":
        return this.fmtBool(value as boolean, verb);
      case "int":
        return this.fmtInteger(BigInt(value as number | bigint), verb);
      case "float":
        return this.fmtFloat(floatValue(value), verb);
      case "complex":
        return this.fmtComplex(value as GoComplex, verb);
      case "string":
        return this.fmtString(value as string, verb);
      case "map": {
        const entries = sortedEntries(value as object);
        this.buf += this.f.sharpV ? typeName(value) + "{" : "map[";
        entries.forEach(([k, v], i) => {
          if (i > 0) this.buf += this.f.sharpV ? ", " : " ";
          this.printValue(k, verb, depth + 1);
          this.buf += ":";
          this.printValue(v, verb, depth + 1);
        });
        this.buf += this.f.sharpV ? "}" : "]";
        return;
      }
      case "struct": {
        const obj = value as Record<string, unknown>;
        if (this.f.sharpV) this.buf += typeName(value);
        this.buf += "{";
        structFields(obj).forEach((name, i) => {
          if (i > 0) this.buf += this.f.sharpV ? ", " : " ";
          if (this.f.plusV || this.f.sharpV) this.buf += name + ":";
          this.printValue(obj[name], verb, depth + 1);
        });
        this.buf += "}";
        return;
      }
      case "slice": {
        const arr = value as unknown[];
        if (this.f.sharpV) this.buf += typeName(value) + "{";
        else this.buf += "[";
        arr.forEach((v, i) => {
          if (i > 0) this.buf += this.f.sharpV ? ", " : " ";
          this.printValue(v, verb, depth + 1);
        });
        this.buf += this.f.sharpV ? "}" : "]";
        return;
      }
      case "func":
        return this.fmtPointer(verb);
      default:
        this.buf += "?" + typeof value + "?";
    }
  }

  // ---- fmt.Sprintf's format loop ----

  doPrintf(format: string, a: unknown[]): void {
    const end = format.length;
    let argNum = 0;
    let afterIndex: boolean;
    let reordered = false;
    let goodArgNum: boolean;

    // Parses an explicit argument index such as [3]; returns the new arg number and position.
    const argNumber = (argNum: number, i: number): [number, number, boolean] => {
      if (format.length <= i || format[i] !== "[") return [argNum, i, false];
      reordered = true;
      let index = 0;
      let wid = 1;
      let ok = false;
      if (format.length - i >= 3) {
        const close = format.indexOf("]", i + 1);
        if (close >= 0) {
          const text = format.slice(i + 1, close);
          wid = close - i + 1;
          ok = /^\d+$/.test(text) && text.length <= 7;
          index = ok ? Number(text) - 1 : 0;
        }
      }
      if (ok && index >= 0 && index < a.length) return [index, i + wid, true];
      goodArgNum = false;
      return [argNum, i + wid, ok];
    };
    const parsenum = (i: number): [number, boolean, number] => {
      let num = 0;
      let isnum = false;
      while (i < end && format[i] >= "0" && format[i] <= "9") {
        if (num > 1e6) return [0, false, end];
        num = num * 10 + (format.charCodeAt(i) - 48);
        isnum = true;
        i++;
      }
      return [num, isnum, i];
    };
    const intFromArg = (argNum: number): [number, boolean, number] => {
      if (argNum < a.length) {
        const v = unbox(a[argNum]);
        if (kindOf(v) === "int" && Math.abs(Number(v)) <= 1e6) return [Number(v), true, argNum + 1];
        return [0, false, argNum + 1];
      }
      return [0, false, argNum];
    };

    let i = 0;
    formatLoop: while (i < end) {
      goodArgNum = true;
      const lasti = i;
      while (i < end && format[i] !== "%") i++;
      if (i > lasti) this.buf += format.slice(lasti, i);
      if (i >= end) break;
      i++; // skip %
      this.f = clearFlags();
      simpleFormat: for (; i < end; i++) {
        const c = format[i];
        switch (c) {
          case "#":
            this.f.sharp = true;
            break;
          case "0":
            this.f.zero = !this.f.minus; // Only allow zero padding to the left.
            break;
          case "+":
            this.f.plus = true;
            break;
          case "-":
            this.f.minus = true;
            this.f.zero = false;
            break;
          case " ":
            this.f.space = true;
            break;
          default:
            if (c >= "a" && c <= "z" && argNum < a.length) {
              if (c === "v") {
                this.f.sharpV = this.f.sharp;
                this.f.sharp = false;
                this.f.plusV = this.f.plus;
                this.f.plus = false;
              }
              this.printArg(a[argNum], c);
              argNum++;
              i++;
              continue formatLoop;
            }
            break simpleFormat;
        }
      }

      [argNum, i, afterIndex] = argNumber(argNum, i);

      if (i < end && format[i] === "*") {
        i++;
        [this.f.wid, this.f.widPresent, argNum] = intFromArg(argNum);
        if (!this.f.widPresent) this.buf += "%!(BADWIDTH)";
        if (this.f.wid < 0) {
          this.f.wid = -this.f.wid;
          this.f.minus = true;
          this.f.zero = false;
        }
        afterIndex = false;
      } else {
        [this.f.wid, this.f.widPresent, i] = parsenum(i);
        if (afterIndex && this.f.widPresent) goodArgNum = false;
      }

      if (i + 1 < end && format[i] === ".") {
        i++;
        if (afterIndex) goodArgNum = false;
        [argNum, i, afterIndex] = argNumber(argNum, i);
        if (i < end && format[i] === "*") {
          i++;
          [this.f.prec, this.f.precPresent, argNum] = intFromArg(argNum);
          if (this.f.prec < 0) {
            this.f.prec = 0;
            this.f.precPresent = false;
          }
          if (!this.f.precPresent) this.buf += "%!(BADPREC)";
          afterIndex = false;
        } else {
          [this.f.prec, this.f.precPresent, i] = parsenum(i);
          if (!this.f.precPresent) {
            this.f.prec = 0;
            this.f.precPresent = true;
          }
        }
      }

      if (!afterIndex) [argNum, i] = argNumber(argNum, i);

      if (i >= end) {
        this.buf += "%!(NOVERB)";
        break;
      }
      const verb = String.fromCodePoint(format.codePointAt(i)!);
      i += verb.length;

      if (verb === "%") {
        this.buf += "%";
      } else if (!goodArgNum) {
        this.buf += "%!" + verb + "(BADINDEX)";
      } else if (argNum >= a.length) {
        this.buf += "%!" + verb + "(MISSING)";
      } else {
        if (verb === "v") {
          this.f.sharpV = this.f.sharp;
          this.f.sharp = false;
          this.f.plusV = this.f.plus;
          this.f.plus = false;
        }
        this.printArg(a[argNum], verb);
        argNum++;
      }
    }

    if (!reordered && argNum < a.length) {
      this.f = clearFlags();
      this.buf += "%!(EXTRA ";
      a.slice(argNum).forEach((arg, k) => {
        if (k > 0) this.buf += ", ";
        arg = unbox(arg);
        if (arg === undefined || arg === null) {
          this.buf += "<nil>";
        } else {
          this.buf += typeName(arg) + "=";
          this.printArg(arg, "v");
        }
      });
      this.buf += ")";
    }
  }
}

/** fmt.Sprint: spaces between operands when neither is a string. */
export function sprint(args: unknown[]): string {
  const p = new Printer();
  let prevString = false;
  args.forEach((arg, i) => {
    const isString = typeof unbox(arg) === "string";
    if (i > 0 && !isString && !prevString) p.buf += " ";
    p.f = clearFlags();
    p.printArg(arg, "v");
    prevString = isString;
  });
  return p.buf;
}

/** fmt.Sprintln: spaces between all operands and a trailing newline. */
export function sprintln(args: unknown[]): string {
  const p = new Printer();
  args.forEach((arg, i) => {
    if (i > 0) p.buf += " ";
    p.f = clearFlags();
    p.printArg(arg, "v");
  });
  return p.buf + "\n";
}

/** fmt.Sprintf. */
export function sprintf(format: string, args: unknown[]): string {
  const p = new Printer();
  p.doPrintf(format, args);
  return p.buf;
}
