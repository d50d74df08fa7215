// Writing a rendered template and running its command, as consul-template does: atomically
// (a temporary file beside the destination, then rename), keeping the file's mode, only when
// the content changed; the command runs after a write, through the shell, with a timeout.

import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";

/** Writes content to dest unless it already holds exactly that; returns whether it wrote. */
export async function writeIfChanged(
  dest: string,
  content: string,
  opts: { perms?: number; createDirs?: boolean } = {},
): Promise<boolean> {
  let mode = opts.perms;
  try {
    const [current, st] = await Promise.all([readFile(dest, "utf8"), stat(dest)]);
    if (current === content && (mode === undefined || (st.mode & 0o777) === mode)) return false;
    mode ??= st.mode & 0o777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const dir = path.dirname(dest);
  if (opts.createDirs ?? true) await mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(dest)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await writeFile(tmp, content, { mode: mode ?? 0o644, flush: true });
    if (mode !== undefined) await chmod(tmp, mode); // the umask may have narrowed it
    await rename(tmp, dest);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  return true;
}

export interface CommandResult {
  code: number | null;
  output: string;
  timedOut: boolean;
}

/** Runs command through /bin/sh; kills its process group at the timeout. */
export function runCommand(command: string, timeoutMs: number): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn("/bin/sh", ["-c", command], { stdio: ["ignore", "pipe", "pipe"], detached: true });
    let output = "";
    const keep = (d: Buffer) => {
      output = (output + d.toString()).slice(-8192);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    }, timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      resolve({ code: null, output: err.message, timedOut });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output, timedOut });
    });
  });
}
