// Go's time.Duration as Consul reads and prints it: "10s", "1m30s", "1.5h", "300ms", or an
// integer count of nanoseconds. Internally census keeps durations in (fractional) milliseconds.

const UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

export class DurationError extends Error {}

/** Parses a Go duration string ("1m30s") into milliseconds; throws DurationError like Go's time.ParseDuration. */
export function parseGoDuration(text: string): number {
  const orig = text;
  let s = text;
  let sign = 1;
  if (s.startsWith("-") || s.startsWith("+")) {
    if (s[0] === "-") sign = -1;
    s = s.slice(1);
  }
  if (s === "0") return 0;
  if (s === "") throw new DurationError(`time: invalid duration "${orig}"`);
  let total = 0;
  while (s.length > 0) {
    // As Go: a number (with optional fraction), then a unit that runs to the next digit or dot.
    const num = /^(\d*)(\.\d*)?/.exec(s)!;
    if (num[0] === "" || num[0] === ".") throw new DurationError(`time: invalid duration "${orig}"`);
    s = s.slice(num[0].length);
    const unit = /^[^\d.]*/.exec(s)![0];
    s = s.slice(unit.length);
    if (unit === "") throw new DurationError(`time: missing unit in duration "${orig}"`);
    const scale = UNITS[unit];
    if (scale === undefined) throw new DurationError(`time: unknown unit "${unit}" in duration "${orig}"`);
    total += Number(num[0]) * scale;
  }
  return sign * total;
}

/** A duration from JSON: a Go duration string or an integer number of nanoseconds. */
export function durationFromJson(value: unknown): number {
  if (typeof value === "number" && Number.isFinite(value)) return value / 1e6;
  if (typeof value === "string") return parseGoDuration(value);
  throw new DurationError(`time: invalid duration ${JSON.stringify(value)}`);
}

/** Prints milliseconds the way Go's Duration.String() does: "10s", "1m30s", "1.5s", "300ms", "0s". */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return "0s";
  const neg = ms < 0;
  let ns = Math.round(Math.abs(ms) * 1e6);
  let out: string;
  if (ns < 1e9) {
    // Sub-second: Go picks ns, µs or ms and prints a fraction.
    if (ns < 1e3) out = `${ns}ns`;
    else if (ns < 1e6) out = `${trimFraction(ns / 1e3)}µs`;
    else out = `${trimFraction(ns / 1e6)}ms`;
  } else {
    const h = Math.floor(ns / 3.6e12);
    ns -= h * 3.6e12;
    const m = Math.floor(ns / 6e10);
    ns -= m * 6e10;
    const s = trimFraction(ns / 1e9);
    out = h > 0 ? `${h}h${m}m${s}s` : m > 0 ? `${m}m${s}s` : `${s}s`;
  }
  return neg ? `-${out}` : out;
}

function trimFraction(n: number): string {
  return String(Number(n.toFixed(9)));
}
