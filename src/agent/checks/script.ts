// Script check, as Consul's CheckMonitor with ScriptArgs: run the command directly (no shell)
// in its own process group; exit 0 passing, 1 warning, anything else critical (Nagios plugin
// convention). Output is stdout and stderr interleaved into one ring buffer that keeps the
// LAST maxOutput bytes, prefixed "Captured N of M bytes\n...\n" when cut. At the timeout the
// whole group is SIGKILLed and the Output is "Timed out (30s) running check" (plus "\n\n" and
// what was captured, if anything).

import { spawn, type ChildProcess } from "node:child_process";
import type { NodeSysError } from "./goerrors.ts";
import { RingBuffer, capturedOutput, goDuration, goQuote } from "./output.ts";
import { runTimeout } from "./timeouts.ts";
import type { Probe, ProbeResult, ProbeStatus } from "./types.ts";

/** Go's os/exec error text for a command that could not be started. */
export function startErrorText(cmd: string, err: NodeSysError): string {
  if (!cmd.includes("/") && (err.code === "ENOENT" || err.code === "EACCES")) {
    return `exec: ${goQuote(cmd)}: executable file not found in $PATH`;
  }
  const why: Record<string, string> = {
    ENOENT: "no such file or directory",
    EACCES: "permission denied",
    ENOEXEC: "exec format error",
    ENOTDIR: "not a directory",
  };
  return `fork/exec ${cmd}: ${(err.code && why[err.code]) || err.message}`;
}

/** Nagios-style exit code mapping shared by script and docker checks. */
export function exitStatus(code: number | null): ProbeStatus {
  if (code === 0) return "passing";
  if (code === 1) return "warning";
  return "critical";
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
}

export const scriptProbe: Probe = async (def, ctx) => {
  const args = def.ScriptArgs ?? [];
  if (args.length === 0) return { status: "critical", output: "need an executable to run" };
  const timeoutMs = runTimeout("script", def, ctx);
  const ring = new RingBuffer(ctx.maxOutput);

  return new Promise<ProbeResult>((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(args[0], args.slice(1), {
        stdio: ["ignore", "pipe", "pipe"],
        // Own process group, so a timeout kills the script's children too.
        detached: true,
      });
    } catch (e) {
      return resolve({ status: "critical", output: startErrorText(args[0], e as NodeSysError) });
    }
    let timedOut = false;
    let settled = false;
    const finish = (r: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ctx.signal.removeEventListener("abort", onTimeout);
      resolve(r);
    };
    const onTimeout = () => {
      if (timedOut) return;
      timedOut = true;
      killGroup(child);
      // A grandchild that left the group could hold the pipes open; stop waiting for them.
      setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
      }, 1000).unref();
    };
    const timer = setTimeout(onTimeout, timeoutMs);
    if (ctx.signal.aborted) onTimeout();
    else ctx.signal.addEventListener("abort", onTimeout, { once: true });

    child.stdout!.on("data", (c: Buffer) => ring.write(c));
    child.stderr!.on("data", (c: Buffer) => ring.write(c));
    child.on("error", (err: NodeSysError) => {
      if (child.pid === undefined) finish({ status: "critical", output: startErrorText(args[0], err) });
    });
    child.on("close", (code) => {
      const out = capturedOutput(ring);
      if (timedOut) {
        let msg = `Timed out (${goDuration(timeoutMs)}) running check`;
        if (out.length > 0) msg += "\n\n" + out;
        return finish({ status: "critical", output: msg });
      }
      finish({ status: exitStatus(code), output: out });
    });
  });
};
