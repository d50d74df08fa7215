// consul-template's loop: render every template from the watched data, write what changed,
// run the commands, and render again when a dependency changes (after the quiescence wait).
// A template whose data has not all arrived yet is not written: half-rendered output never
// reaches a destination.

import { readFile } from "node:fs/promises";
import { createRenderContext, templateFuncs } from "./functions.ts";
import { Template } from "./go/template.ts";
import { runCommand, writeIfChanged } from "./output.ts";
import { Watcher, type WatchClientOptions, type WatchKey } from "./watch.ts";

export interface TemplateSpec {
  /** A file to read the template from, or contents given inline. */
  source?: string;
  contents?: string;
  destination: string;
  command?: string;
  commandTimeoutMs: number;
  perms?: number;
  createDestDirs: boolean;
  leftDelim?: string;
  rightDelim?: string;
  errorOnMissingKey: boolean;
}

export interface RunnerOptions {
  templates: TemplateSpec[];
  consul: WatchClientOptions;
  once: boolean;
  dry: boolean;
  /** Quiescence: render minMs after the last change, but no later than maxMs after the first. */
  wait?: { minMs: number; maxMs: number };
  log: (level: "debug" | "info" | "warn" | "error", msg: string) => void;
  /** Where -dry prints. */
  stdout: (text: string) => void;
}

interface Loaded {
  spec: TemplateSpec;
  name: string;
  template: Template;
}

export class Runner {
  private loaded: Loaded[] = [];
  private readonly watcher: Watcher;
  private timer?: NodeJS.Timeout;
  private firstChange = 0;
  private rendering = false;
  private again = false;
  private stopped = false;
  private finish!: (code: number) => void;
  /** Resolves with the exit code: with -once after the first complete render, else on stop(). */
  readonly done: Promise<number>;

  constructor(private readonly opts: RunnerOptions) {
    this.watcher = new Watcher({ ...opts.consul, log: opts.log }, () => this.changed());
    this.done = new Promise((resolve) => (this.finish = resolve));
  }

  /** Parses every template; a parse error is fatal (as consul-template), naming template and line. */
  async load(): Promise<void> {
    const loaded: Loaded[] = [];
    for (const spec of this.opts.templates) {
      const name = spec.source ?? spec.destination;
      let text = spec.contents;
      if (text === undefined) {
        try {
          text = await readFile(spec.source!, "utf8");
        } catch (err) {
          throw new Error(`template ${name}: cannot read: ${(err as Error).message}`, { cause: err });
        }
      }
      const template = Template.parse(name, text, {
        funcs: templateFuncs,
        delims:
          spec.leftDelim || spec.rightDelim ? [spec.leftDelim ?? "{{", spec.rightDelim ?? "}}"] : undefined,
        missingKey: spec.errorOnMissingKey ? "error" : "default",
      });
      loaded.push({ spec, name, template });
    }
    this.loaded = loaded;
  }

  async start(): Promise<void> {
    await this.load();
    this.schedule(true);
  }

  /** SIGHUP: read the templates again and render. */
  async reload(): Promise<void> {
    try {
      await this.load();
      this.opts.log("info", "templates reloaded");
      this.schedule(true);
    } catch (err) {
      this.opts.log("error", `reload failed, keeping the previous templates: ${(err as Error).message}`);
    }
  }

  stop(code = 0): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    this.watcher.stop();
    this.finish(code);
  }

  private changed() {
    this.schedule(false);
  }

  private schedule(now: boolean) {
    if (this.stopped) return;
    const wait = this.opts.wait;
    clearTimeout(this.timer);
    if (now || !wait) {
      this.timer = setTimeout(() => void this.renderAll(), 0);
      return;
    }
    const t = Date.now();
    if (this.firstChange === 0) this.firstChange = t;
    const due = Math.min(t + wait.minMs, this.firstChange + wait.maxMs);
    this.timer = setTimeout(() => void this.renderAll(), Math.max(0, due - t));
  }

  private async renderAll(): Promise<void> {
    if (this.rendering) {
      this.again = true;
      return;
    }
    this.rendering = true;
    this.firstChange = 0;
    try {
      do {
        this.again = false;
        await this.pass();
      } while (this.again && !this.stopped);
    } finally {
      this.rendering = false;
    }
  }

  /** One pass over every template: render, write, then run the commands of those written. */
  private async pass(): Promise<void> {
    const used = new Set<WatchKey>();
    const commands: { command: string; timeoutMs: number; name: string }[] = [];
    let complete = true;
    let failed = false;
    for (const t of this.loaded) {
      const ctx = createRenderContext(this.watcher);
      let text: string;
      try {
        text = ctx.run(() => t.template.execute(ctx.root));
      } catch (err) {
        for (const k of ctx.used) used.add(k);
        if (ctx.missing) {
          complete = false; // an error from data not yet there: render again when it arrives
          continue;
        }
        this.opts.log("error", `${(err as Error).message}`);
        failed = true;
        continue;
      }
      for (const k of ctx.used) used.add(k);
      if (ctx.missing) {
        complete = false;
        this.opts.log("debug", `${t.name}: waiting for data (${ctx.missingKeys.join(", ")})`);
        continue;
      }
      if (this.opts.dry) {
        this.opts.stdout(`> ${t.spec.destination}\n${text}`);
        continue;
      }
      try {
        const wrote = await writeIfChanged(t.spec.destination, text, {
          perms: t.spec.perms,
          createDirs: t.spec.createDestDirs,
        });
        if (wrote) {
          this.opts.log("info", `rendered ${t.name} => ${t.spec.destination}`);
          if (t.spec.command && !commands.some((c) => c.command === t.spec.command)) {
            commands.push({ command: t.spec.command, timeoutMs: t.spec.commandTimeoutMs, name: t.name });
          }
        }
      } catch (err) {
        this.opts.log(
          "error",
          `template ${t.name}: writing ${t.spec.destination}: ${(err as Error).message}`,
        );
        failed = true;
      }
    }
    this.watcher.retain(used);
    for (const c of commands) {
      const r = await runCommand(c.command, c.timeoutMs);
      if (r.timedOut) {
        this.opts.log(
          "error",
          `template ${c.name}: command "${c.command}" timed out after ${c.timeoutMs} ms`,
        );
        failed = true;
      } else if (r.code !== 0) {
        this.opts.log(
          "error",
          `template ${c.name}: command "${c.command}" exited ${r.code}: ${r.output.trim()}`,
        );
        failed = true;
      } else {
        this.opts.log("debug", `template ${c.name}: ran "${c.command}"`);
      }
    }
    if (this.opts.once && (complete || failed)) this.stop(failed ? 1 : 0);
  }
}
