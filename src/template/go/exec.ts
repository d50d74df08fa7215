// A port of text/template/exec.go over the value model in values.ts. The structure (walk,
// evalPipeline, evalCommand, evalField, evalCall, evalArg, validateType) and the points where the
// error position is recorded (at) follow Go, so errors name the same node, line and column.

import { GoError, TemplateError } from "./errors.ts";
import { sprint, sprintf } from "./fmt.ts";
import {
  type Builtin,
  builtins,
  callFunction,
  isTrue,
  jsSignature,
  type ParamType,
  type Signature,
  truth,
} from "./funcs.ts";
import {
  type ActionNode,
  type BranchNode,
  type ChainNode,
  type CommandNode,
  type FieldNode,
  type IdentifierNode,
  type ListNode,
  type Node,
  nodeString,
  type NumberNode,
  type PipeNode,
  type TemplateNode,
  type VariableNode,
} from "./node.ts";
import { quote } from "../../lib/strconv.ts";
import {
  box,
  findStructProp,
  GoComplex,
  GoFloat,
  Iface,
  indirectInterface,
  isExported,
  isMissingKey,
  kindOf,
  makeFloat,
  makeInt,
  mapKeyKind,
  mapLookup,
  sortedEntries,
  typeName,
  unbox,
  utf8Len,
} from "./values.ts";

export type MissingKey = "default" | "zero" | "error";
export type FuncMap = Record<string, (...args: any[]) => unknown>;

/** What execution needs from a template's namespace. */
export interface Namespace {
  lookup(name: string): ListNode | undefined;
  funcs: Readonly<FuncMap>;
  missingKey: MissingKey;
}

/**
 * Go stops runaway recursion at 100000 nested template calls (1000 on wasm); a JavaScript stack
 * holds far fewer frames, so this follows the wasm limit.
 */
export const maxExecDepth = 1000;

/** Go's missingVal: "no value was piped in", as distinct from a nil value. */
const missingVal = Symbol("missingVal");

const walkBreak = Symbol("break");
const walkContinue = Symbol("continue");

interface Variable {
  name: string;
  value: unknown;
}

interface Callee {
  fn: (...args: unknown[]) => unknown;
  thisArg?: unknown;
  sig: Signature;
  builtin: boolean;
}

/** Where a node sits, as Go's ErrorContext reports it: "name:line:byteColumn". */
function errorLocation(n: Node): string {
  const before = n.src.text.slice(0, n.pos);
  const nl = before.lastIndexOf("\n");
  const col = utf8Len(nl === -1 ? before : before.slice(nl + 1));
  let line = 1;
  for (let i = before.indexOf("\n"); i >= 0; i = before.indexOf("\n", i + 1)) line++;
  return `${n.src.name}:${line}:${col}`;
}

/** Arguments as JavaScript functions want them: plain numbers, not float64 markers. */
function toJS(v: unknown): unknown {
  const u = unbox(v);
  return u instanceof GoFloat ? u.value : u;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : sprintf("%v", [e]);
}

/** The methods of a value: its function-valued properties (own ones for maps and slices). */
function findMethod(recv: unknown, name: string): ((...args: unknown[]) => unknown) | undefined {
  if (typeof recv !== "object" || recv === null) return undefined;
  let v: unknown;
  switch (kindOf(recv)) {
    case "struct":
      if (!isExported(name)) return undefined;
      v = findStructProp(recv, name)?.value;
      break;
    case "map":
      if (recv instanceof Map) v = recv.get(name);
      else if (Object.prototype.hasOwnProperty.call(recv, name)) v = (recv as Record<string, unknown>)[name];
      break;
    case "slice":
      // A named slice type with methods (consul-template's ServiceTags.Contains).
      if (!/^\d+$/.test(name) && Object.prototype.hasOwnProperty.call(recv, name)) {
        v = (recv as unknown as Record<string, unknown>)[name];
      }
      break;
  }
  return typeof v === "function" ? (v as (...args: unknown[]) => unknown) : undefined;
}

export class State {
  node: Node | null = null;

  constructor(
    private readonly ns: Namespace,
    /** The name of the template being executed, for "executing %q". */
    private readonly name: string,
    private readonly out: string[],
    private vars: Variable[],
    private readonly depth: number,
  ) {}

  // ---- errors ----

  errorf(message: string, cause?: unknown): never {
    const name = this.name;
    const full =
      this.node === null
        ? `template: ${name}: ${message}`
        : `template: ${errorLocation(this.node)}: executing ${quote(name)} at <${nodeString(this.node)}>: ${message}`;
    throw new TemplateError(full, "exec", cause === undefined ? undefined : { cause });
  }

  private at(node: Node): void {
    this.node = node;
  }

  // ---- variables ----

  private push(name: string, value: unknown): void {
    this.vars.push({ name, value });
  }

  private setVar(name: string, value: unknown): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i].name === name) {
        this.vars[i].value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  private setTopVar(n: number, value: unknown): void {
    this.vars[this.vars.length - n].value = value;
  }

  private varValue(name: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i].name === name) return this.vars[i].value;
    }
    this.errorf(`undefined variable: ${name}`);
  }

  // ---- walking ----

  walk(dot: unknown, node: Node): void {
    this.at(node);
    switch (node.type) {
      case "Action": {
        // Variables declared here stay until the enclosing end; a declaration prints nothing.
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, val);
        return;
      }
      case "Break":
        throw walkBreak;
      case "Continue":
        throw walkContinue;
      case "If":
      case "With":
        return this.walkIfOrWith(dot, node);
      case "List":
        for (const n of node.nodes) this.walk(dot, n);
        return;
      case "Range":
        return this.walkRange(dot, node);
      case "Template":
        return this.walkTemplate(dot, node);
      case "Text":
        this.out.push(node.text);
        return;
      default:
        this.errorf(`unknown node: ${nodeString(node)}`);
    }
  }

  private walkIfOrWith(dot: unknown, node: BranchNode): void {
    const mark = this.vars.length;
    try {
      const val = this.evalPipeline(dot, node.pipe);
      const [t, ok] = isTrue(indirectInterface(val));
      if (!ok) this.errorf(`if/with can't use ${sprintf("%v", [val])}`);
      if (t) this.walk(node.type === "With" ? val : dot, node.list);
      else if (node.elseList !== null) this.walk(dot, node.elseList);
    } finally {
      this.vars.length = mark;
    }
  }

  private walkRange(dot: unknown, r: BranchNode): void {
    this.at(r);
    const outer = this.vars.length;
    try {
      const val = unbox(this.evalPipeline(dot, r.pipe));
      // Mark the top of the stack before any variables in the body are pushed.
      const mark = this.vars.length;
      const decl = r.pipe.decl;
      const oneIteration = (index: unknown, elem: unknown) => {
        if (decl.length > 0) {
          if (r.pipe.isAssign) {
            // With two variables the index comes first; with one, the element.
            this.setVar(decl[0].ident[0], decl.length > 1 ? index : elem);
          } else {
            this.setTopVar(1, elem);
          }
        }
        if (decl.length > 1) {
          if (r.pipe.isAssign) this.setVar(decl[1].ident[0], elem);
          else this.setTopVar(2, index);
        }
        try {
          this.walk(elem, r.list);
        } catch (e) {
          if (e !== walkContinue) throw e;
        } finally {
          this.vars.length = mark;
        }
      };
      let ran = false;
      switch (kindOf(val)) {
        case "int": {
          if (decl.length > 1)
            this.errorf(`can't use ${sprint([val])} to iterate over more than one variable`);
          const n = Number(val);
          for (let i = 0; i < n; i++) {
            ran = true;
            oneIteration(undefined, i);
          }
          break;
        }
        case "slice": {
          const arr = val as unknown[];
          for (let i = 0; i < arr.length; i++) {
            ran = true;
            oneIteration(i, arr[i] === undefined ? null : box(arr[i]));
          }
          break;
        }
        case "map":
          for (const [k, v] of sortedEntries(val as object)) {
            ran = true;
            oneIteration(k, v === undefined ? null : box(v));
          }
          break;
        case "invalid":
          break; // A nil value acts like an empty map.
        default:
          this.errorf(`range can't iterate over ${sprintf("%v", [val])}`);
      }
      if (!ran && r.elseList !== null) this.walk(dot, r.elseList);
    } catch (e) {
      if (e !== walkBreak) throw e;
    } finally {
      this.vars.length = outer;
    }
  }

  private walkTemplate(dot: unknown, t: TemplateNode): void {
    this.at(t);
    const root = this.ns.lookup(t.name);
    if (root === undefined) this.errorf(`template ${quote(t.name)} not defined`);
    if (this.depth >= maxExecDepth) this.errorf(`exceeded maximum template depth (${maxExecDepth})`);
    // Variables declared by the pipeline persist.
    dot = this.evalPipeline(dot, t.pipe);
    // No dynamic scoping: template invocations inherit no variables.
    const state = new State(this.ns, t.name, this.out, [{ name: "$", value: dot }], this.depth + 1);
    try {
      state.walk(dot, root);
    } catch (e) {
      if (e instanceof RangeError && /call stack/.test(e.message)) {
        // The JavaScript stack ran out first (deep range/with nesting in each call).
        this.at(t);
        this.errorf(`exceeded maximum template depth (${maxExecDepth})`);
      }
      throw e;
    }
  }

  // ---- evaluation ----

  evalPipeline(dot: unknown, pipe: PipeNode | null): unknown {
    if (pipe === null) return undefined;
    this.at(pipe);
    let value: unknown = missingVal;
    for (const cmd of pipe.cmds) {
      // The previous value is the final argument of this command.
      value = this.evalCommand(dot, cmd, value);
      // An interface{} result stands for what it holds; a nil one for nothing at all.
      value = indirectInterface(value);
    }
    for (const v of pipe.decl) {
      if (pipe.isAssign) this.setVar(v.ident[0], value);
      else this.push(v.ident[0], value);
    }
    return value;
  }

  private notAFunction(args: Node[] | null, final: unknown): void {
    if ((args !== null && args.length > 1) || final !== missingVal) {
      this.errorf(`can't give argument to non-function ${nodeString(args![0])}`);
    }
  }

  private evalCommand(dot: unknown, cmd: CommandNode, final: unknown): unknown {
    const firstWord = cmd.args[0];
    switch (firstWord.type) {
      case "Field":
        return this.evalFieldNode(dot, firstWord, cmd.args, final);
      case "Chain":
        return this.evalChainNode(dot, firstWord, cmd.args, final);
      case "Identifier":
        return this.evalFunction(dot, firstWord, cmd, cmd.args, final);
      case "Pipe":
        // A parenthesized pipeline: its arguments are inside; no final value may be given.
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, firstWord);
      case "Variable":
        return this.evalVariableNode(dot, firstWord, cmd.args, final);
    }
    this.at(firstWord);
    this.notAFunction(cmd.args, final);
    switch (firstWord.type) {
      case "Bool":
        return firstWord.value;
      case "Dot":
        return dot;
      case "Nil":
        return this.errorf("nil is not a command");
      case "Number":
        return this.idealConstant(firstWord);
      case "String":
        return firstWord.text;
    }
    this.errorf(`can't evaluate command ${quote(nodeString(firstWord))}`);
  }

  /** A number in a context with no type: its syntax decides, as for Go's untyped constants. */
  private idealConstant(constant: NumberNode): unknown {
    this.at(constant);
    const text = constant.text;
    if (constant.isComplex) return new GoComplex(constant.complex[0], constant.complex[1]);
    const isHexInt =
      text.length > 2 && text[0] === "0" && (text[1] === "x" || text[1] === "X") && !/[pP]/.test(text);
    const isRuneInt = text[0] === "'";
    if (constant.isFloat && !isHexInt && !isRuneInt && /[.eEpP]/.test(text))
      return makeFloat(constant.float64);
    if (constant.isInt) return makeInt(constant.int64);
    if (constant.isUint) this.errorf(`${text} overflows int`);
    return undefined;
  }

  private evalFieldNode(dot: unknown, field: FieldNode, args: Node[] | null, final: unknown): unknown {
    this.at(field);
    return this.evalFieldChain(dot, dot, field, field.ident, args, final);
  }

  private evalChainNode(dot: unknown, chain: ChainNode, args: Node[] | null, final: unknown): unknown {
    this.at(chain);
    if (chain.field.length === 0) this.errorf("internal error: no fields in evalChainNode");
    if (chain.node.type === "Nil") this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    // (pipe).Field1.Field2: evaluate the pipeline, then the fields.
    const pipe = this.evalArg(dot, null, chain.node);
    return this.evalFieldChain(dot, pipe, chain, chain.field, args, final);
  }

  private evalVariableNode(
    dot: unknown,
    variable: VariableNode,
    args: Node[] | null,
    final: unknown,
  ): unknown {
    // $x.Field has $x as the first ident, Field as the second.
    this.at(variable);
    const value = this.varValue(variable.ident[0]);
    if (variable.ident.length === 1) {
      this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(dot, value, variable, variable.ident.slice(1), args, final);
  }

  /** .X.Y.Z, possibly followed by arguments: dot is where arguments evaluate, receiver walks the chain. */
  private evalFieldChain(
    dot: unknown,
    receiver: unknown,
    node: Node,
    ident: string[],
    args: Node[] | null,
    final: unknown,
  ): unknown {
    const n = ident.length;
    for (let i = 0; i < n - 1; i++)
      receiver = this.evalField(dot, ident[i], node, null, missingVal, receiver);
    // Only the last element, if a method, receives the arguments.
    return this.evalField(dot, ident[n - 1], node, args, final, receiver);
  }

  private evalFunction(
    dot: unknown,
    node: IdentifierNode,
    cmd: Node,
    args: Node[] | null,
    final: unknown,
  ): unknown {
    this.at(node);
    const name = node.ident;
    const user = Object.prototype.hasOwnProperty.call(this.ns.funcs, name) ? this.ns.funcs[name] : undefined;
    if (typeof user === "function") {
      return this.evalCall(dot, { fn: user, sig: jsSignature, builtin: false }, cmd, name, args, final);
    }
    const b: Builtin | undefined = Object.prototype.hasOwnProperty.call(builtins, name)
      ? builtins[name]
      : undefined;
    if (b === undefined) this.errorf(`${quote(name)} is not a defined function`);
    return this.evalCall(dot, { fn: b.fn, sig: b.sig, builtin: true }, cmd, name, args, final);
  }

  /** (.Field) or (.Field arg1 arg2); final is the value piped in, if any. */
  private evalField(
    dot: unknown,
    fieldName: string,
    node: Node,
    args: Node[] | null,
    final: unknown,
    receiver: unknown,
  ): unknown {
    if (receiver === undefined) {
      // An invalid value counts as a missing map key.
      if (this.ns.missingKey === "error") this.errorf(`nil data; no entry for key ${quote(fieldName)}`);
      return undefined;
    }
    const typ = typeName(receiver);
    const recv = unbox(receiver);
    if (recv === null) this.errorf(`nil pointer evaluating ${typ}.${fieldName}`);
    const method = findMethod(recv, fieldName);
    if (method !== undefined) {
      return this.evalCall(
        dot,
        { fn: method, thisArg: recv, sig: jsSignature, builtin: false },
        node,
        fieldName,
        args,
        final,
      );
    }
    const hasArgs = (args !== null && args.length > 1) || final !== missingVal;
    switch (kindOf(recv)) {
      case "struct": {
        const prop = findStructProp(recv as object, fieldName);
        if (prop !== undefined) {
          if (!isExported(fieldName))
            this.errorf(`${fieldName} is an unexported field of struct type ${typ}`);
          if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
          return prop.value === undefined ? null : prop.value;
        }
        break;
      }
      case "map": {
        if (mapKeyKind(recv as object) === "int") break;
        if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
        const result = mapLookup(recv as object, fieldName);
        if (isMissingKey(result)) {
          switch (this.ns.missingKey) {
            case "default":
              return undefined;
            case "zero":
              return null; // the zero value of interface{}
            case "error":
              this.errorf(`map has no entry for key ${quote(fieldName)}`);
          }
        }
        return result === undefined ? null : box(result);
      }
    }
    this.errorf(`can't evaluate field ${fieldName} in type ${typ}`);
  }

  private evalCall(
    dot: unknown,
    callee: Callee,
    node: Node,
    name: string,
    argNodes: Node[] | null,
    final: unknown,
  ): unknown {
    // The zeroth arg is the function name or node itself; it is not passed.
    const args = argNodes !== null ? argNodes.slice(1) : [];
    const { sig } = callee;
    const numIn = args.length + (final !== missingVal ? 1 : 0);
    let numFixed = args.length;
    if (sig.variadic !== undefined) {
      numFixed = sig.fixed.length;
      if (numIn < numFixed) {
        this.errorf(`wrong number of args for ${name}: want at least ${numFixed} got ${args.length}`);
      }
    } else if (numIn !== sig.fixed.length) {
      this.errorf(`wrong number of args for ${name}: want ${sig.fixed.length} got ${numIn}`);
    }

    // and/or short-circuit: they return the first argument that decides, unevaluated beyond it.
    if (callee.builtin && (name === "and" || name === "or")) {
      let v: unknown = undefined;
      for (const arg of args) {
        v = this.evalArg(dot, "value", arg);
        if (truth(v) === (name === "or")) return v;
      }
      if (final !== missingVal) v = this.validateType(final, "value");
      return v;
    }

    const isCall = callee.builtin && name === "call";
    const argv: unknown[] = [];
    let i = 0;
    for (; i < numFixed && i < args.length; i++) {
      argv[i] = isCall && i === 0 ? this.evalCallee(dot, args[0]) : this.evalArg(dot, sig.fixed[i], args[i]);
    }
    if (sig.variadic !== undefined) {
      for (; i < args.length; i++) argv[i] = this.evalArg(dot, sig.variadic, args[i]);
    }
    if (final !== missingVal) {
      let t: ParamType;
      if (sig.variadic !== undefined) t = numIn - 1 < numFixed ? sig.fixed[numIn - 1] : sig.variadic;
      else t = sig.fixed[sig.fixed.length - 1];
      argv[i] = this.validateType(final, t);
    }

    let fn = callee.fn;
    let thisArg = callee.thisArg;
    if (isCall) {
      // The callee's name, as written, goes first (for call's error messages).
      const calleeName = args.length === 0 ? `<${typeName(final)} Value>` : nodeString(args[0]);
      argv.unshift(calleeName);
      fn = callFunction as (...args: unknown[]) => unknown;
      thisArg = undefined;
    }

    let result: unknown;
    try {
      result = fn.apply(thisArg, callee.builtin ? argv : argv.map(toJS));
    } catch (e) {
      this.at(node);
      this.errorf(`error calling ${name}: ${errorText(e)}`, e instanceof GoError ? undefined : e);
    }
    // A function that returns nothing returned a nil interface{}.
    return result === undefined ? null : result;
  }

  /**
   * call's first argument: a property holding a function is passed as the function itself, not
   * invoked as a method, so that {{call .Fn 1 2}} works on function-valued map entries and fields.
   */
  private evalCallee(dot: unknown, n: Node): unknown {
    let receiver: unknown;
    let idents: string[];
    switch (n.type) {
      case "Field":
        this.at(n);
        receiver = dot;
        idents = n.ident;
        break;
      case "Variable":
        if (n.ident.length < 2) return this.evalArg(dot, "value", n);
        this.at(n);
        receiver = this.varValue(n.ident[0]);
        idents = n.ident.slice(1);
        break;
      case "Chain":
        this.at(n);
        if (n.node.type === "Nil") this.errorf(`indirection through explicit nil in ${nodeString(n)}`);
        receiver = this.evalArg(dot, null, n.node);
        idents = n.field;
        break;
      default:
        return this.evalArg(dot, "value", n);
    }
    this.at(n);
    for (let i = 0; i < idents.length - 1; i++) {
      receiver = this.evalField(dot, idents[i], n, null, missingVal, receiver);
    }
    const last = idents[idents.length - 1];
    const recv = unbox(receiver);
    const method = recv === undefined || recv === null ? undefined : findMethod(recv, last);
    if (method !== undefined) return method.bind(recv);
    return this.validateType(this.evalField(dot, last, n, [n], missingVal, receiver), "value");
  }

  /** validateType: nil becomes the zero value of the parameter; a string parameter needs a string. */
  private validateType(value: unknown, typ: ParamType | null): unknown {
    if (value === undefined) {
      if (typ === null) return undefined;
      if (typ !== "string") return typ === "any" ? null : undefined;
      this.errorf(`invalid value; expected ${typ}`);
    }
    if (typ === "string") {
      const v = unbox(value);
      if (typeof v === "string") return v;
      this.errorf(
        `wrong type for value; expected string; got ${typeName(value instanceof Iface ? v : value)}`,
      );
    }
    return unbox(value);
  }

  private evalArg(dot: unknown, typ: ParamType | null, n: Node): unknown {
    this.at(n);
    switch (n.type) {
      case "Dot":
        return this.validateType(dot, typ);
      case "Nil":
        if (typ !== "string" && typ !== null) return typ === "any" ? null : undefined;
        return this.errorf(`cannot assign nil to ${typ ?? "<nil>"}`);
      case "Field":
        return this.validateType(this.evalFieldNode(dot, n, [n], missingVal), typ);
      case "Variable":
        return this.validateType(this.evalVariableNode(dot, n, null, missingVal), typ);
      case "Pipe":
        return this.validateType(this.evalPipeline(dot, n), typ);
      case "Identifier":
        return this.validateType(this.evalFunction(dot, n, n, null, missingVal), typ);
      case "Chain":
        return this.validateType(this.evalChainNode(dot, n, null, missingVal), typ);
    }
    if (typ === "string") {
      if (n.type === "String") return n.text;
      this.errorf(`expected string; found ${nodeString(n)}`);
    }
    // An interface{} (or reflect.Value) parameter takes the literal as an untyped constant.
    switch (n.type) {
      case "Bool":
        return n.value;
      case "Number":
        return this.idealConstant(n);
      case "String":
        return n.text;
    }
    this.errorf(`can't handle assignment of ${nodeString(n)} to empty interface argument`);
  }

  /** Writes the value of an action, as fmt.Fprint would. */
  private printValue(n: ActionNode, v: unknown): void {
    this.at(n);
    if (v === undefined) {
      this.out.push("<no value>");
      return;
    }
    if (kindOf(v) === "func") this.errorf(`can't print ${nodeString(n)} of type ${typeName(v)}`);
    this.out.push(sprint([v]));
  }
}

/** Executes root as template `name` of the namespace with data as dot and $. */
export function execute(ns: Namespace, name: string, root: ListNode, data: unknown): string {
  const out: string[] = [];
  const value = data === null ? undefined : data;
  const state = new State(ns, name, out, [{ name: "$", value }], 0);
  state.walk(value, root);
  return out.join("");
}
