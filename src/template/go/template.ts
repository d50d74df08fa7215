// The public face of the engine: Go's *template.Template reduced to what census needs.
//
//   const t = Template.parse("page", text, { funcs, delims: ["[[", "]]"], missingKey: "error" });
//   t.execute(data)                 // the output; throws TemplateError with Go's message
//   t.executeTemplate("row", data)  // a {{define}}d template of the same namespace

import { TemplateError } from "./errors.ts";
import { execute, type FuncMap, type MissingKey, type Namespace } from "./exec.ts";
import { builtins } from "./funcs.ts";
import { isEmptyTree } from "./node.ts";
import { parseTrees, type Tree } from "./parse.ts";
import { quote } from "../../lib/strconv.ts";

export { TemplateError } from "./errors.ts";
export type { FuncMap, MissingKey } from "./exec.ts";
export { sprint, sprintf, sprintln } from "./fmt.ts";
export { htmlEscapeString, jsEscapeString, urlQueryEscape } from "./funcs.ts";
export { GoComplex, GoFloat, goFloat, goStruct } from "./values.ts";

export interface ParseOptions {
  /** Functions callable by name, as with Go's Funcs; they may override the builtins. */
  funcs?: FuncMap;
  /** Action delimiters; "" (or absent) means Go's default {{ and }}. */
  delims?: [string, string];
  /** Go's Option("missingkey=..."): what .key yields on a map without it. Default "default". */
  missingKey?: MissingKey;
}

/** What the templates of one namespace share (Go's `common`). */
interface Common {
  trees: Map<string, Tree>;
  funcs: FuncMap;
  missingKey: MissingKey;
  leftDelim: string;
  rightDelim: string;
}

const goodName = /^[\p{L}_][\p{L}\p{Nd}_]*$/u;

function checkFuncs(funcs: FuncMap): void {
  for (const [name, fn] of Object.entries(funcs)) {
    if (!goodName.test(name)) {
      throw new TemplateError(`function name ${quote(name)} is not a valid identifier`, "parse");
    }
    if (typeof fn !== "function") throw new TemplateError(`value for ${name} not a function`, "parse");
  }
}

export class Template {
  private constructor(
    /** The template's name; errors and executeTemplate refer to it. */
    readonly name: string,
    private readonly common: Common,
  ) {}

  /** Parses text as template `name`; {{define}} and {{block}} add templates to its namespace. */
  static parse(name: string, text: string, opts: ParseOptions = {}): Template {
    const funcs = { ...opts.funcs };
    checkFuncs(funcs);
    const [left, right] = opts.delims ?? ["", ""];
    const common: Common = {
      trees: new Map(),
      funcs,
      missingKey: opts.missingKey ?? "default",
      leftDelim: left,
      rightDelim: right,
    };
    return new Template(name, common).parse(text);
  }

  /**
   * Parses more text into this namespace (Go's t.Parse called again): definitions may replace
   * earlier ones, but a body of only space never replaces a non-empty one.
   */
  parse(text: string): this {
    const c = this.common;
    const trees = parseTrees(this.name, text, c.leftDelim, c.rightDelim, [c.funcs, builtins]);
    for (const [name, tree] of trees) {
      const old = c.trees.get(name);
      if (old !== undefined && isEmptyTree(tree.root)) continue;
      c.trees.set(name, tree);
    }
    return this;
  }

  /** Go's Option: "missingkey=default", "missingkey=invalid", "missingkey=zero", "missingkey=error". */
  option(...opts: string[]): this {
    for (const opt of opts) {
      if (opt === "") throw new TemplateError("empty option string", "parse");
      const [key, value] = opt.split("=", 2);
      if (key === "missingkey" && value !== undefined) {
        if (value === "invalid" || value === "default") {
          this.common.missingKey = "default";
          continue;
        }
        if (value === "zero" || value === "error") {
          this.common.missingKey = value;
          continue;
        }
      }
      throw new TemplateError(`unrecognized option: ${opt}`, "parse");
    }
    return this;
  }

  /** Applies the template to data (dot and $ at the start). */
  execute(data?: unknown): string {
    const tree = this.common.trees.get(this.name);
    if (tree?.root == null) {
      throw new TemplateError(
        `template: ${this.name}: ${quote(this.name)} is an incomplete or empty template`,
        "exec",
      );
    }
    return execute(this.namespace(), this.name, tree.root, data);
  }

  /** Applies the associated template `name` to data. */
  executeTemplate(name: string, data?: unknown): string {
    const t = this.lookup(name);
    if (t === undefined) {
      throw new TemplateError(
        `template: no template ${quote(name)} associated with template ${quote(this.name)}`,
        "exec",
      );
    }
    return t.execute(data);
  }

  /** The associated template `name`, if defined. */
  lookup(name: string): Template | undefined {
    return this.common.trees.has(name) ? new Template(name, this.common) : undefined;
  }

  /** The names of the templates in this namespace, sorted. */
  definedTemplates(): string[] {
    return [...this.common.trees.keys()].sort();
  }

  /** A copy of the namespace: later parse() calls on it leave this one alone (Go's Clone). */
  clone(): Template {
    return new Template(this.name, { ...this.common, trees: new Map(this.common.trees) });
  }

  private namespace(): Namespace {
    const c = this.common;
    return {
      lookup: (name) => c.trees.get(name)?.root ?? undefined,
      funcs: c.funcs,
      missingKey: c.missingKey,
    };
  }
}
