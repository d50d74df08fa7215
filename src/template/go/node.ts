// Parse-tree nodes (text/template/parse/node.go) and their String forms, which appear verbatim in
// execution errors ("executing "t" at <.Foo>").

import { quote } from "../../lib/strconv.ts";

/** The text a tree was parsed from, for error positions; shared by all nodes of one parse. */
export interface Source {
  /** Go's Tree.ParseName: the name of the top-level template being parsed. */
  name: string;
  text: string;
}

interface Base {
  pos: number;
  src: Source;
}

export interface ListNode extends Base {
  type: "List";
  nodes: Node[];
}
export interface TextNode extends Base {
  type: "Text";
  text: string;
}
export interface PipeNode extends Base {
  type: "Pipe";
  line: number;
  isAssign: boolean;
  decl: VariableNode[];
  cmds: CommandNode[];
}
export interface ActionNode extends Base {
  type: "Action";
  line: number;
  pipe: PipeNode;
}
export interface CommandNode extends Base {
  type: "Command";
  args: Node[];
}
export interface IdentifierNode extends Base {
  type: "Identifier";
  ident: string;
}
export interface VariableNode extends Base {
  type: "Variable";
  ident: string[];
}
export interface DotNode extends Base {
  type: "Dot";
}
export interface NilNode extends Base {
  type: "Nil";
}
export interface FieldNode extends Base {
  type: "Field";
  ident: string[];
}
export interface ChainNode extends Base {
  type: "Chain";
  node: Node;
  field: string[];
}
export interface BoolNode extends Base {
  type: "Bool";
  value: boolean;
}
export interface NumberNode extends Base {
  type: "Number";
  isInt: boolean;
  isUint: boolean;
  isFloat: boolean;
  isComplex: boolean;
  int64: bigint;
  uint64: bigint;
  float64: number;
  complex: [number, number];
  text: string;
}
export interface StringNode extends Base {
  type: "String";
  quoted: string;
  text: string;
}
export interface EndNode extends Base {
  type: "End";
}
export interface ElseNode extends Base {
  type: "Else";
  line: number;
}
export interface BranchNode extends Base {
  type: "If" | "Range" | "With";
  line: number;
  pipe: PipeNode;
  list: ListNode;
  elseList: ListNode | null;
}
export interface TemplateNode extends Base {
  type: "Template";
  line: number;
  name: string;
  pipe: PipeNode | null;
}
export interface BreakNode extends Base {
  type: "Break";
  line: number;
}
export interface ContinueNode extends Base {
  type: "Continue";
  line: number;
}

export type Node =
  | ListNode
  | TextNode
  | PipeNode
  | ActionNode
  | CommandNode
  | IdentifierNode
  | VariableNode
  | DotNode
  | NilNode
  | FieldNode
  | ChainNode
  | BoolNode
  | NumberNode
  | StringNode
  | EndNode
  | ElseNode
  | BranchNode
  | TemplateNode
  | BreakNode
  | ContinueNode;

function pipeString(p: PipeNode): string {
  let s = "";
  if (p.decl.length > 0) {
    s += p.decl.map(nodeString).join(", ") + (p.isAssign ? " = " : " := ");
  }
  return s + p.cmds.map(nodeString).join(" | ");
}

/** Node.String() as in node.go. */
export function nodeString(n: Node): string {
  switch (n.type) {
    case "List":
      return n.nodes.map(nodeString).join("");
    case "Text":
      return n.text;
    case "Pipe":
      return pipeString(n);
    case "Action":
      return "{{" + pipeString(n.pipe) + "}}";
    case "Command":
      return n.args.map((a) => (a.type === "Pipe" ? "(" + pipeString(a) + ")" : nodeString(a))).join(" ");
    case "Identifier":
      return n.ident;
    case "Variable":
      return n.ident.join(".");
    case "Dot":
      return ".";
    case "Nil":
      return "nil";
    case "Field":
      return n.ident.map((id) => "." + id).join("");
    case "Chain": {
      const head = n.node.type === "Pipe" ? "(" + nodeString(n.node) + ")" : nodeString(n.node);
      return head + n.field.map((f) => "." + f).join("");
    }
    case "Bool":
      return n.value ? "true" : "false";
    case "Number":
      return n.text;
    case "String":
      return n.quoted;
    case "End":
      return "{{end}}";
    case "Else":
      return "{{else}}";
    case "If":
    case "Range":
    case "With": {
      let s = `{{${n.type.toLowerCase()} ${pipeString(n.pipe)}}}${nodeString(n.list)}`;
      if (n.elseList !== null) s += "{{else}}" + nodeString(n.elseList);
      return s + "{{end}}";
    }
    case "Template":
      return `{{template ${quote(n.name)}${n.pipe !== null ? " " + pipeString(n.pipe) : ""}}}`;
    case "Break":
      return "{{break}}";
    case "Continue":
      return "{{continue}}";
  }
}

/** parse.IsEmptyTree: only space (and comments, which are dropped) — such a tree does not replace another. */
export function isEmptyTree(n: Node | null): boolean {
  if (n === null) return true;
  switch (n.type) {
    case "List":
      return n.nodes.every(isEmptyTree);
    case "Text":
      return n.text.trim() === "";
    default:
      return false;
  }
}
