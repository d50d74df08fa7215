// The agent's log: pino, printed as JSON with -log-json and otherwise in Consul's text form,
// `2026-11-25T05:52:26.980Z [INFO]  agent: HTTP API listening: addr=127.0.0.1:8500`.

import pino, { type Logger } from "pino";

const LEVELS: Record<number, string> = {
  10: "TRACE",
  20: "DEBUG",
  30: "INFO",
  40: "WARN",
  50: "ERROR",
  60: "ERROR",
};

function consulLine(json: string): string {
  const { level, time, msg, name, ...fields } = JSON.parse(json);
  const tag = `[${LEVELS[level] ?? "INFO"}]`.padEnd(7);
  const kv = Object.entries(fields)
    .map(([k, v]) => `${k}=${typeof v === "string" && !/\s/.test(v) ? v : JSON.stringify(v)}`)
    .join(" ");
  return `${new Date(time).toISOString()} ${tag} ${name ?? "agent"}: ${msg}${kv ? `: ${kv}` : ""}\n`;
}

export function createLogger(level: string, json: boolean): Logger {
  if (json) return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime });
  return pino(
    { level, base: undefined },
    { write: (line: string) => void process.stderr.write(consulLine(line)) },
  );
}
