// A port of text/template/parse/parse.go: a recursive-descent parser over the lexer's items with
// Go's three-token lookahead, so that errors name the same token and line as Go's do.

import { TemplateError } from "./errors.ts";
import { type Item, itemString, Lexer, T } from "./lex.ts";
import {
  type BranchNode,
  type CommandNode,
  isEmptyTree,
  type ListNode,
  type Node,
  nodeString,
  type NumberNode,
  type PipeNode,
  type Source,
  type VariableNode,
} from "./node.ts";
import { parseFloat64, parseInteger, quote, unquote, unquoteChar } from "../../lib/strconv.ts";

/** Go allows 10000 nested parentheses (1000 on wasm); JavaScript's stack sides with wasm. */
const maxStackDepth = 1000;
const maxPipelineCmds = 100000;

export type FuncNames = ReadonlyArray<Readonly<Record<string, unknown>> | undefined>;

export class Tree {
  root: ListNode | null = null;
  parseName: string;
  private lex!: Lexer;
  private token: Item[] = [];
  private peekCount = 0;
  private vars: string[] = [];
  private treeSet!: Map<string, Tree>;
  private funcs: FuncNames = [];
  private actionLine = 0;
  private rangeDepth = 0;
  private stackDepth = 0;

  constructor(
    public name: string,
    readonly src: Source,
  ) {
    this.parseName = src.name;
  }

  // ---- token stream ----

  private next(): Item {
    if (this.peekCount > 0) this.peekCount--;
    else this.token[0] = this.lex.nextItem();
    return this.token[this.peekCount];
  }

  private backup(): void {
    this.peekCount++;
  }

  private backup2(t1: Item): void {
    this.token[1] = t1;
    this.peekCount = 2;
  }

  private backup3(t2: Item, t1: Item): void {
    this.token[1] = t1;
    this.token[2] = t2;
    this.peekCount = 3;
  }

  private peek(): Item {
    if (this.peekCount > 0) return this.token[this.peekCount - 1];
    this.peekCount = 1;
    this.token[0] = this.lex.nextItem();
    return this.token[0];
  }

  private nextNonSpace(): Item {
    for (;;) {
      const token = this.next();
      if (token.typ !== T.Space) return token;
    }
  }

  private peekNonSpace(): Item {
    const token = this.nextNonSpace();
    this.backup();
    return token;
  }

  // ---- errors ----

  /** Go reports the line of the most recently lexed token (token[0]). */
  errorf(message: string): never {
    this.root = null;
    const line = this.token[0]?.line ?? 1;
    throw new TemplateError(`template: ${this.parseName}:${line}: ${message}`, "parse");
  }

  private expect(expected: T, context: string): Item {
    const token = this.nextNonSpace();
    if (token.typ !== expected) this.unexpected(token, context);
    return token;
  }

  private expectOneOf(e1: T, e2: T, context: string): Item {
    const token = this.nextNonSpace();
    if (token.typ !== e1 && token.typ !== e2) this.unexpected(token, context);
    return token;
  }

  private unexpected(token: Item, context: string): never {
    if (token.typ === T.Error) {
      let extra = "";
      if (this.actionLine !== 0 && this.actionLine !== token.line) {
        extra = ` in action started at ${this.parseName}:${this.actionLine}`;
        if (token.val.endsWith(" action")) extra = extra.slice(" in action".length);
      }
      this.errorf(`${itemString(token)}${extra}`);
    }
    this.errorf(`unexpected ${itemString(token)} in ${context}`);
  }

  // ---- parsing ----

  private startParse(funcs: FuncNames, lex: Lexer, treeSet: Map<string, Tree>): void {
    this.root = null;
    this.lex = lex;
    this.vars = ["$"];
    this.funcs = funcs;
    this.treeSet = treeSet;
    this.stackDepth = 0;
  }

  /** Tree.Parse: parses the whole text; definitions land in treeSet alongside this tree. */
  parseText(leftDelim: string, rightDelim: string, treeSet: Map<string, Tree>, funcs: FuncNames): void {
    const options = { breakOK: !hasFunction(funcs, "break"), continueOK: !hasFunction(funcs, "continue") };
    const lex = new Lexer(this.src.text, leftDelim || "{{", rightDelim || "}}", options);
    this.startParse(funcs, lex, treeSet);
    this.parse();
    this.add();
  }

  private add(): void {
    const tree = this.treeSet.get(this.name);
    if (tree === undefined || isEmptyTree(tree.root)) {
      this.treeSet.set(this.name, this);
      return;
    }
    if (!isEmptyTree(this.root)) {
      this.errorf(`template: multiple definition of template ${quote(this.name)}`);
    }
  }

  private parse(): void {
    this.root = this.newList(this.peek().pos);
    while (this.peek().typ !== T.EOF) {
      if (this.peek().typ === T.LeftDelim) {
        const delim = this.next();
        if (this.nextNonSpace().typ === T.Define) {
          const newT = new Tree("definition", this.src); // name updated once known
          newT.startParse(this.funcs, this.lex, this.treeSet);
          newT.parseDefinition();
          continue;
        }
        this.backup2(delim);
      }
      const n = this.textOrAction();
      if (n.type === "End" || n.type === "Else") this.errorf(`unexpected ${nodeString(n)}`);
      this.root!.nodes.push(n);
    }
  }

  private parseDefinition(): void {
    const context = "define clause";
    const name = this.expectOneOf(T.String, T.RawString, context);
    this.name = this.unquote(name.val);
    this.expect(T.RightDelim, context);
    const [root, end] = this.itemList();
    this.root = root;
    if (end.type !== "End") this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    this.add();
  }

  private unquote(s: string): string {
    try {
      return unquote(s);
    } catch (e) {
      this.errorf((e as Error).message);
    }
  }

  private itemList(): [ListNode, Node] {
    const list = this.newList(this.peekNonSpace().pos);
    while (this.peekNonSpace().typ !== T.EOF) {
      const n = this.textOrAction();
      if (n.type === "End" || n.type === "Else") return [list, n];
      list.nodes.push(n);
    }
    this.errorf("unexpected EOF");
  }

  private textOrAction(): Node {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case T.Text:
        return { type: "Text", pos: token.pos, src: this.src, text: token.val };
      case T.LeftDelim:
        this.actionLine = token.line;
        try {
          return this.action();
        } finally {
          this.actionLine = 0;
        }
      default:
        this.unexpected(token, "input");
    }
  }

  private action(): Node {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case T.Block:
        return this.blockControl();
      case T.Break:
        return this.breakControl(token, "break");
      case T.Continue:
        return this.breakControl(token, "continue");
      case T.Else:
        return this.elseControl();
      case T.End:
        return { type: "End", pos: this.expect(T.RightDelim, "end").pos, src: this.src };
      case T.If:
        return this.branch("If", "if");
      case T.Range:
        return this.branch("Range", "range");
      case T.Template:
        return this.templateControl();
      case T.With:
        return this.branch("With", "with");
    }
    this.backup();
    const first = this.peek();
    // Variables declared here persist until the enclosing "end".
    const pipe = this.pipeline("command", T.RightDelim);
    return { type: "Action", pos: first.pos, line: first.line, src: this.src, pipe };
  }

  private breakControl(token: Item, word: "break" | "continue"): Node {
    const t = this.nextNonSpace();
    if (t.typ !== T.RightDelim) this.unexpected(t, `{{${word}}}`);
    if (this.rangeDepth === 0) this.errorf(`{{${word}}} outside {{range}}`);
    return { type: word === "break" ? "Break" : "Continue", pos: token.pos, line: token.line, src: this.src };
  }

  private pipeline(context: string, end: T): PipeNode {
    const token = this.peekNonSpace();
    const pipe: PipeNode = {
      type: "Pipe",
      pos: token.pos,
      line: token.line,
      src: this.src,
      isAssign: false,
      decl: [],
      cmds: [],
    };
    // Declarations or assignments? Spaces are tokens, so "$x foo" needs three tokens of lookahead.
    decls: for (;;) {
      const v = this.peekNonSpace();
      if (v.typ === T.Variable) {
        this.next();
        const tokenAfterVariable = this.peek();
        const next = this.peekNonSpace();
        if (next.typ === T.Assign || next.typ === T.Declare) {
          pipe.isAssign = next.typ === T.Assign;
          this.nextNonSpace();
          pipe.decl.push(this.newVariable(v.pos, v.val));
          this.vars.push(v.val);
        } else if (next.typ === T.Char && next.val === ",") {
          this.nextNonSpace();
          pipe.decl.push(this.newVariable(v.pos, v.val));
          this.vars.push(v.val);
          if (context === "range" && pipe.decl.length < 2) {
            const t = this.peekNonSpace().typ;
            if (t === T.Variable || t === T.RightDelim || t === T.RightParen) continue decls;
            this.errorf("range can only initialize variables");
          }
          this.errorf(`too many declarations in ${context}`);
        } else if (tokenAfterVariable.typ === T.Space) {
          this.backup3(v, tokenAfterVariable);
        } else {
          this.backup2(v);
        }
      }
      break;
    }
    for (;;) {
      const token = this.nextNonSpace();
      switch (token.typ) {
        case end:
          this.checkPipeline(pipe, context);
          return pipe;
        case T.Bool:
        case T.CharConstant:
        case T.Complex:
        case T.Dot:
        case T.Field:
        case T.Identifier:
        case T.Number:
        case T.Nil:
        case T.RawString:
        case T.String:
        case T.Variable:
        case T.LeftParen:
          this.backup();
          pipe.cmds.push(this.command());
          if (pipe.cmds.length > maxPipelineCmds) this.errorf("pipeline too long");
          break;
        default:
          this.unexpected(token, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    // Only the first command of a pipeline can start with a non-executable operand.
    pipe.cmds.slice(1).forEach((c, i) => {
      switch (c.args[0].type) {
        case "Bool":
        case "Dot":
        case "Nil":
        case "Number":
        case "String":
          this.errorf(`non executable command in pipeline stage ${i + 2}`);
      }
    });
  }

  private parseControl(context: string): [PipeNode, ListNode, ListNode | null] {
    const varsLen = this.vars.length;
    try {
      const pipe = this.pipeline(context, T.RightDelim);
      if (context === "range") this.rangeDepth++;
      const [list, next] = this.itemList();
      if (context === "range") this.rangeDepth--;
      let elseList: ListNode | null = null;
      if (next.type === "Else") {
        // "{{else if x}}" and "{{else with x}}" read as "{{else}}{{if x}}...{{end}}{{end}}": parse the
        // inner if/with, whose {{end}} also ends this one.
        if (context === "if" && this.peek().typ === T.If) {
          this.next();
          elseList = this.newList(next.pos);
          elseList.nodes.push(this.branch("If", "if"));
        } else if (context === "with" && this.peek().typ === T.With) {
          this.next();
          elseList = this.newList(next.pos);
          elseList.nodes.push(this.branch("With", "with"));
        } else {
          const [els, end] = this.itemList();
          elseList = els;
          if (end.type !== "End") this.errorf(`expected end; found ${nodeString(end)}`);
        }
      }
      return [pipe, list, elseList];
    } finally {
      this.vars.length = varsLen;
    }
  }

  private branch(type: BranchNode["type"], context: string): BranchNode {
    const [pipe, list, elseList] = this.parseControl(context);
    return { type, pos: pipe.pos, line: pipe.line, src: this.src, pipe, list, elseList };
  }

  private elseControl(): Node {
    const peek = this.peekNonSpace();
    // "{{else if ..." and "{{else with ..." leave the if/with pending for parseControl.
    if (peek.typ === T.If || peek.typ === T.With) {
      return { type: "Else", pos: peek.pos, line: peek.line, src: this.src };
    }
    const token = this.expect(T.RightDelim, "else");
    return { type: "Else", pos: token.pos, line: token.line, src: this.src };
  }

  private blockControl(): Node {
    const context = "block clause";
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    const pipe = this.pipeline(context, T.RightDelim);
    const block = new Tree(name, this.src);
    block.startParse(this.funcs, this.lex, this.treeSet);
    const [root, end] = block.itemList();
    block.root = root;
    if (end.type !== "End") this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    block.add();
    return { type: "Template", pos: token.pos, line: token.line, src: this.src, name, pipe };
  }

  private templateControl(): Node {
    const context = "template clause";
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    let pipe: PipeNode | null = null;
    if (this.nextNonSpace().typ !== T.RightDelim) {
      this.backup();
      pipe = this.pipeline(context, T.RightDelim);
    }
    return { type: "Template", pos: token.pos, line: token.line, src: this.src, name, pipe };
  }

  private parseTemplateName(token: Item, context: string): string {
    if (token.typ === T.String || token.typ === T.RawString) return this.unquote(token.val);
    this.unexpected(token, context);
  }

  private command(): CommandNode {
    const cmd: CommandNode = { type: "Command", pos: this.peekNonSpace().pos, src: this.src, args: [] };
    for (;;) {
      this.peekNonSpace(); // skip leading spaces
      const operand = this.operand();
      if (operand !== null) cmd.args.push(operand);
      const token = this.next();
      if (token.typ === T.Space) continue;
      if (token.typ === T.RightDelim || token.typ === T.RightParen) this.backup();
      else if (token.typ !== T.Pipe) this.unexpected(token, "operand");
      break;
    }
    if (cmd.args.length === 0) this.errorf("empty command");
    return cmd;
  }

  private operand(): Node | null {
    const node = this.term();
    if (node === null) return null;
    if (this.peek().typ !== T.Field) return node;
    const pos = this.peek().pos;
    const fields: string[] = [];
    while (this.peek().typ === T.Field) fields.push(this.next().val.slice(1));
    // .X.Y and $x.Y stay fields and variables (positioned at the first chained field, as in Go);
    // literals cannot have fields; anything else becomes a chain.
    switch (node.type) {
      case "Field":
        return { type: "Field", pos, src: this.src, ident: [...node.ident, ...fields] };
      case "Variable":
        return { type: "Variable", pos, src: this.src, ident: [...node.ident, ...fields] };
      case "Bool":
      case "String":
      case "Number":
      case "Nil":
      case "Dot":
        this.errorf(`unexpected . after term ${quote(nodeString(node))}`);
    }
    return { type: "Chain", pos, src: this.src, node, field: fields };
  }

  private term(): Node | null {
    const token = this.nextNonSpace();
    const base = { pos: token.pos, src: this.src };
    switch (token.typ) {
      case T.Identifier:
        if (!hasFunction(this.funcs, token.val)) this.errorf(`function ${quote(token.val)} not defined`);
        return { type: "Identifier", ...base, ident: token.val };
      case T.Dot:
        return { type: "Dot", ...base };
      case T.Nil:
        return { type: "Nil", ...base };
      case T.Variable:
        return this.useVar(token.pos, token.val);
      case T.Field:
        return this.newField(token.pos, token.val);
      case T.Bool:
        return { type: "Bool", ...base, value: token.val === "true" };
      case T.CharConstant:
      case T.Complex:
      case T.Number:
        return this.number(token);
      case T.LeftParen:
        if (this.stackDepth >= maxStackDepth) this.errorf("max expression depth exceeded");
        this.stackDepth++;
        try {
          return this.pipeline("parenthesized pipeline", T.RightParen);
        } finally {
          this.stackDepth--;
        }
      case T.String:
      case T.RawString:
        return { type: "String", ...base, quoted: token.val, text: this.unquote(token.val) };
    }
    this.backup();
    return null;
  }

  private number(token: Item): NumberNode {
    try {
      return newNumber(token.pos, this.src, token.val, token.typ);
    } catch (e) {
      this.errorf((e as Error).message);
    }
  }

  private useVar(pos: number, name: string): VariableNode {
    const v = this.newVariable(pos, name);
    if (!this.vars.includes(v.ident[0])) this.errorf(`undefined variable ${quote(v.ident[0])}`);
    return v;
  }

  private newVariable(pos: number, ident: string): VariableNode {
    return { type: "Variable", pos, src: this.src, ident: ident.split(".") };
  }

  private newField(pos: number, ident: string): Node {
    return { type: "Field", pos, src: this.src, ident: ident.slice(1).split(".") };
  }

  private newList(pos: number): ListNode {
    return { type: "List", pos, src: this.src, nodes: [] };
  }
}

function hasFunction(funcs: FuncNames, name: string): boolean {
  return funcs.some(
    (m) => m !== undefined && Object.prototype.hasOwnProperty.call(m, name) && m[name] != null,
  );
}

const twoTo63 = 2 ** 63;
const twoTo64 = 2 ** 64;

/** NumberNode construction (node.go newNumber): every reading of the literal that fits. */
function newNumber(pos: number, src: Source, text: string, typ: T): NumberNode {
  const n: NumberNode = {
    type: "Number",
    pos,
    src,
    text,
    isInt: false,
    isUint: false,
    isFloat: false,
    isComplex: false,
    int64: 0n,
    uint64: 0n,
    float64: 0,
    complex: [0, 0],
  };
  const fromFloat = (f: number) => {
    n.isFloat = true;
    n.float64 = f;
    n.isInt = Number.isInteger(f) && f >= -twoTo63 && f < twoTo63;
    if (n.isInt) n.int64 = BigInt(f);
    n.isUint = Number.isInteger(f) && f >= 0 && f < twoTo64;
    if (n.isUint) n.uint64 = BigInt(f);
  };
  if (typ === T.CharConstant) {
    const { value, tail } = unquoteChar(text.slice(1), text[0]);
    if (tail !== "'") throw new Error(`malformed character constant: ${text}`);
    n.int64 = n.uint64 = BigInt(value);
    n.isInt = n.isUint = n.isFloat = true;
    n.float64 = value;
    return n;
  }
  if (typ === T.Complex) {
    // fmt.Sscan reads "re±imi": split at the last sign that does not belong to an exponent.
    let k = text.length - 2;
    while (k > 0 && !((text[k] === "+" || text[k] === "-") && !"eEpP".includes(text[k - 1]))) k--;
    const re = k > 0 ? parseFloat64(text.slice(0, k)) : undefined;
    const im = k > 0 ? parseFloat64(text.slice(k, -1)) : undefined;
    if (re === undefined || im === undefined) throw new Error("expected integer");
    n.isComplex = true;
    n.complex = [re, im];
    if (im === 0) fromFloat(re);
    return n;
  }
  // Imaginary constants can only be complex unless they are zero.
  if (text.endsWith("i")) {
    const f = parseFloat64(text.slice(0, -1));
    if (f !== undefined) {
      n.isComplex = true;
      n.complex = [0, f];
      if (f === 0) fromFloat(0);
      return n;
    }
  }
  const u = parseInteger(text, false);
  if (u !== undefined) {
    n.isUint = true;
    n.uint64 = u;
  }
  const i = parseInteger(text, true);
  if (i !== undefined) {
    n.isInt = true;
    n.int64 = i;
    if (i === 0n) {
      n.isUint = true; // in case of -0
      n.uint64 = u ?? 0n;
    }
  }
  if (n.isInt) {
    n.isFloat = true;
    n.float64 = Number(n.int64);
  } else if (n.isUint) {
    n.isFloat = true;
    n.float64 = Number(n.uint64);
  } else {
    const f = parseFloat64(text);
    if (f !== undefined) {
      // Parsed as a float but looks like an integer: too large to fit.
      if (!/[.eEpP]/.test(text)) throw new Error(`integer overflow: ${quote(text)}`);
      fromFloat(f);
    }
  }
  if (!n.isInt && !n.isUint && !n.isFloat) throw new Error(`illegal number syntax: ${quote(text)}`);
  return n;
}

/**
 * parse.Parse: the trees of one text, keyed by template name; `name` is the top-level one.
 * `funcs` are the function maps consulted for "function not defined" (user functions, builtins).
 */
export function parseTrees(
  name: string,
  text: string,
  leftDelim: string,
  rightDelim: string,
  funcs: FuncNames,
): Map<string, Tree> {
  const treeSet = new Map<string, Tree>();
  const t = new Tree(name, { name, text });
  t.parseText(leftDelim, rightDelim, treeSet, funcs);
  return treeSet;
}
