// Output capture and Go-flavoured formatting shared by the probes. Consul's texts are Go's
// fmt/strconv/time output, so the few Go formatting rules we need live here.

/**
 * A byte ring buffer that keeps the LAST `size` bytes written, as armon/circbuf does in
 * Consul (script, docker and HTTP body capture all go through one).
 */
export class RingBuffer {
  readonly size: number;
  private buf: Buffer;
  private written = 0;

  constructor(size: number) {
    this.size = Math.max(1, Math.floor(size));
    this.buf = Buffer.alloc(0);
  }

  write(chunk: Buffer | string): void {
    const data = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    this.written += data.length;
    if (data.length >= this.size) {
      this.buf = Buffer.from(data.subarray(data.length - this.size));
    } else if (this.buf.length + data.length <= this.size) {
      this.buf = Buffer.concat([this.buf, data]);
    } else {
      const keep = this.size - data.length;
      this.buf = Buffer.concat([this.buf.subarray(this.buf.length - keep), data]);
    }
  }

  /** Total bytes ever written (circbuf's TotalWritten). */
  get totalWritten(): number {
    return this.written;
  }

  bytes(): Buffer {
    return this.buf;
  }

  toString(): string {
    return this.buf.toString("utf8");
  }
}

/**
 * Consul's report of a capped script/docker output: the kept tail, prefixed with
 * "Captured N of M bytes\n...\n" when something was dropped.
 */
export function capturedOutput(buf: RingBuffer): string {
  const out = buf.toString();
  if (buf.totalWritten > buf.bytes().length) {
    return `Captured ${buf.bytes().length} of ${buf.totalWritten} bytes\n...\n${out}`;
  }
  return out;
}

/** Go's time.Duration.String() for a whole number of milliseconds ("30s", "1m30s", "500ms"). */
export function goDuration(ms: number): string {
  const totalMs = Math.round(ms);
  if (totalMs === 0) return "0s";
  const neg = totalMs < 0;
  let rest = Math.abs(totalMs);
  let out: string;
  if (rest < 1000) {
    out = `${rest}ms`;
  } else {
    const h = Math.floor(rest / 3_600_000);
    rest -= h * 3_600_000;
    const m = Math.floor(rest / 60_000);
    rest -= m * 60_000;
    const wholeS = Math.floor(rest / 1000);
    const frac = rest % 1000;
    const s = frac === 0 ? `${wholeS}` : `${wholeS}.${String(frac).padStart(3, "0").replace(/0+$/, "")}`;
    if (h > 0) out = `${h}h${m}m${s}s`;
    else if (m > 0) out = `${m}m${s}s`;
    else out = `${s}s`;
  }
  return neg ? `-${out}` : out;
}

/** Go's strconv.Quote (the %q verb) for the strings we print: URLs, header names, targets. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return out + '"';
}

/** Go's url.QueryEscape: everything but unreserved characters escaped, space as "+". */
export function goQueryEscape(s: string): string {
  let out = "";
  for (const byte of Buffer.from(s, "utf8")) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === " ") out += "+";
    else out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}
