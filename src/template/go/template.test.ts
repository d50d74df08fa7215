// Conformance tests: Go's text/template exec_test.go and parse_test.go tables, adapted to the
// JavaScript value model (see README.md), with Go's outputs and error messages.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type FuncMap,
  GoComplex,
  goFloat,
  goStruct,
  htmlEscapeString,
  jsEscapeString,
  sprintf,
  Template,
  TemplateError,
  urlQueryEscape,
} from "./template.ts";

// ---- fixtures: Go's tVal (a *T) where the value model has a counterpart ----

const U = (v: string) => goStruct("*template.U", { V: v, TrueFalse: (b: boolean) => (b ? "true" : "") });

const tVal = goStruct("*template.T", {
  True: true,
  I: 17,
  U16: 16,
  X: "x",
  S: "xyz",
  FloatZero: goFloat(0),
  ComplexZero: new GoComplex(0, 0),
  U: U("v"),
  SI: [3, 4, 5],
  SIEmpty: [] as number[],
  SB: [true, false],
  AI: [3, 4, 5],
  MSI: { one: 1, two: 2, three: 3 },
  MSIone: { one: 1 },
  MSIEmpty: {},
  MXI: { one: 1 },
  MII: new Map([[1, 1]]),
  SMSI: [
    { one: 1, two: 2 },
    { eleven: 11, twelve: 12 },
  ],
  Empty0: null,
  Empty1: 3,
  Empty2: "empty2",
  Empty3: [7, 8],
  Empty4: U("UinEmpty"),
  NonEmptyInterfaceNil: null,
  Str: goStruct("*bytes.Buffer", { String: () => "foozle" }),
  Err: goStruct("*errors.errorString", { Error: () => "erroozle" }),
  PI: 23,
  PS: "a string",
  PSI: [21, 22, 23],
  BinaryFunc: (a: string, b: string) => `[${a}=${b}]`,
  VariadicFunc: (...s: string[]) => `<${s.join("+")}>`,
  VariadicFuncInt: (a: number, ...s: string[]) => `${a}=<${s.join("+")}>`,
  NilOKFunc: (s: unknown) => s === null || s === undefined,
  ErrFunc: () => "bla",
  PanicFunc: () => {
    throw new Error("test panic");
  },
  unexported: 1,
  // Methods.
  Method0: () => "M0",
  Method1: (a: number) => a,
  Method2: (a: number, b: string) => `Method2: ${a} ${b}`,
  Method3: (v: unknown) => sprintf("Method3: %v", [v]),
  MAdd: (a: number, b: number[]) => b.map((x) => x + a),
  MyError: (e: boolean) => {
    if (e) throw new Error("my error");
    return false;
  },
  GetU(this: { U: unknown }) {
    return this.U;
  },
  Copy(this: object) {
    return this;
  },
});

const funcs: FuncMap = {
  add: (...args: number[]) => args.reduce((a, b) => a + b, 0),
  die: () => {
    throw new Error("die");
  },
  echo: (x: unknown) => x,
  makemap: (...arg: string[]) => {
    const m: Record<string, string> = {};
    for (let i = 0; i < arg.length; i += 2) m[arg[i]] = arg[i + 1];
    return m;
  },
  mapOfThree: () => ({ three: 3 }),
  oneArg: (a: string) => "oneArg=" + a,
  twoArgs: (a: string, b: string) => "twoArgs=" + a + b,
  zeroArgs: () => "zeroArgs",
  doPanic: () => {
    throw "custom panic string";
  },
};

/** Runs text as template "t" (Go's tests name it after the case; messages here use "t"). */
function run(text: string, data?: unknown, opts: Parameters<typeof Template.parse>[2] = { funcs }): string {
  return Template.parse("t", text, opts).execute(data);
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof TemplateError, `not a TemplateError: ${String(e)}`);
    return e.message;
  }
  assert.fail("expected an error");
}

/** An expected error: any (as Go's table only checks that there is one), or this exact message. */
const E = { error: true } as const;
const err = (message: string) => ({ error: message });
type Want = string | typeof E | { error: string };
type Case = [name: string, input: string, want: Want, data?: unknown];

function check([name, input, want, data]: Case): void {
  if (typeof want === "string") {
    assert.equal(run(input, data), want, `${name}: ${input}`);
    return;
  }
  const message = errorOf(() => run(input, data));
  if (typeof want.error === "string") assert.equal(message, want.error, `${name}: ${input}`);
}

// ---- exec_test.go's execTests ----

const execTests: Case[] = [
  // Trivial cases.
  ["empty", "", ""],
  ["text", "some text", "some text"],
  ["nil action", "{{nil}}", err(`template: t:1:2: executing "t" at <nil>: nil is not a command`)],

  // Ideal constants.
  ["ideal int", `{{printf "%T" 3}}`, "int", 0],
  ["ideal float", `{{printf "%T" 1.0}}`, "float64", 0],
  ["ideal exp float", `{{printf "%T" 1e1}}`, "float64", 0],
  ["ideal complex", `{{printf "%T" 1i}}`, "complex128", 0],
  ["ideal int max", `{{printf "%T" 0x7fffffffffffffff}}`, "int", 0],
  [
    "ideal too big",
    `{{printf "%T" 0x8000000000000000}}`,
    err(`template: t:1:14: executing "t" at <0x8000000000000000>: 0x8000000000000000 overflows int`),
    0,
  ],
  ["ideal nil without type", "{{nil}}", E, 0],

  // Fields of structs.
  [".X", "-{{.X}}-", "-x-", tVal],
  [".U.V", "-{{.U.V}}-", "-v-", tVal],
  [
    ".unexported",
    "{{.unexported}}",
    err(
      `template: t:1:2: executing "t" at <.unexported>: unexported is an unexported field of struct type *template.T`,
    ),
    tVal,
  ],

  // Fields on maps.
  ["map .one", "{{.MSI.one}}", "1", tVal],
  ["map .two", "{{.MSI.two}}", "2", tVal],
  ["map .NO", "{{.MSI.NO}}", "<no value>", tVal],
  ["map .one interface", "{{.MXI.one}}", "1", tVal],
  [
    "map .WRONG args",
    "{{.MSI.one 1}}",
    err(`template: t:1:6: executing "t" at <.MSI.one>: one is not a method but has arguments`),
    tVal,
  ],
  [
    "map .WRONG type",
    "{{.MII.one}}",
    err(
      `template: t:1:6: executing "t" at <.MII.one>: can't evaluate field one in type map[int]interface {}`,
    ),
    tVal,
  ],

  // Dots of all kinds to test basic evaluation.
  ["dot int", "<{{.}}>", "<13>", 13],
  ["dot float", "<{{.}}>", "<15.1>", 15.1],
  ["dot bool", "<{{.}}>", "<true>", true],
  ["dot complex", "<{{.}}>", "<(16.2-17i)>", new GoComplex(16.2, -17)],
  ["dot string", "<{{.}}>", "<hello>", "hello"],
  ["dot slice", "<{{.}}>", "<[-1 -2 -3]>", [-1, -2, -3]],
  ["dot map", "<{{.}}>", "<map[two:22]>", { two: 22 }],
  ["dot struct", "<{{.}}>", "<{7 seven}>", goStruct("struct { a int; b string }", { a: 7, b: "seven" })],

  // Variables.
  ["$ int", "{{$}}", "123", 123],
  ["$.I", "{{$.I}}", "17", tVal],
  ["$.U.V", "{{$.U.V}}", "v", tVal],
  ["declare in action", "{{$x := $.U.V}}{{$x}}", "v", tVal],
  ["simple assignment", "{{$x := 2}}{{$x = 3}}{{$x}}", "3", tVal],
  ["nested assignment", "{{$x := 2}}{{if true}}{{$x = 3}}{{end}}{{$x}}", "3", tVal],
  [
    "nested assignment changes the last declaration",
    "{{$x := 1}}{{if true}}{{$x := 2}}{{if true}}{{$x = 3}}{{end}}{{end}}{{$x}}",
    "1",
    tVal,
  ],

  // Types with String and Error methods.
  ["Stringer", "-{{.Str}}-", "-foozle-", tVal],
  ["error", "-{{.Err}}-", "-erroozle-", tVal],

  // Pointers (here: plain values).
  ["*string", "{{.PS}}", "a string", tVal],
  ["*[]int", "{{.PSI}}", "[21 22 23]", tVal],
  ["*[]int[1]", "{{index .PSI 1}}", "22", tVal],

  // Empty interfaces holding values.
  ["empty nil", "{{.Empty0}}", "<no value>", tVal],
  ["empty with int", "{{.Empty1}}", "3", tVal],
  ["empty with string", "{{.Empty2}}", "empty2", tVal],
  ["empty with slice", "{{.Empty3}}", "[7 8]", tVal],
  ["empty with struct", "{{.Empty4}}", "{UinEmpty}", tVal],
  ["empty with struct, field", "{{.Empty4.V}}", "UinEmpty", tVal],

  // Edge cases with <no value> with an interface value.
  ["field on interface", "{{.foo}}", "<no value>", null],
  ["field on parenthesized interface", "{{(.).foo}}", "<no value>", null],

  // Issue 31810: parenthesized first element of pipeline with arguments.
  [
    "unparenthesized non-function",
    "{{1 2}}",
    err(`template: t:1:2: executing "t" at <1>: can't give argument to non-function 1`),
  ],
  [
    "parenthesized non-function",
    "{{(1) 2}}",
    err(`template: t:1:2: executing "t" at <(1) 2>: can't give argument to non-function 1`),
  ],
  ["parenthesized non-function with no args", "{{(1)}}", "1"],

  // Method calls.
  [".Method0", "-{{.Method0}}-", "-M0-", tVal],
  [".Method1(1234)", "-{{.Method1 1234}}-", "-1234-", tVal],
  [".Method1(.I)", "-{{.Method1 .I}}-", "-17-", tVal],
  [".Method2(3, .X)", "-{{.Method2 3 .X}}-", "-Method2: 3 x-", tVal],
  [".Method2(.U16, `str`)", "-{{.Method2 .U16 `str`}}-", "-Method2: 16 str-", tVal],
  [".Method2(.U16, $x)", "{{if $x := .X}}-{{.Method2 .U16 $x}}{{end}}-", "-Method2: 16 x-", tVal],
  [".Method3(nil constant)", "-{{.Method3 nil}}-", "-Method3: <nil>-", tVal],
  [".Method3(nil value)", "-{{.Method3 .MXI.unset}}-", "-Method3: <nil>-", tVal],
  ["method on var", "{{if $x := .}}-{{$x.Method2 .U16 $x.X}}{{end}}-", "-Method2: 16 x-", tVal],
  [
    "method on chained var",
    "{{range .MSIone}}{{if $.U.TrueFalse $.True}}{{$.U.TrueFalse $.True}}{{else}}WRONG{{end}}{{end}}",
    "true",
    tVal,
  ],
  [
    "chained method",
    "{{range .MSIone}}{{if $.GetU.TrueFalse $.True}}{{$.U.TrueFalse $.True}}{{else}}WRONG{{end}}{{end}}",
    "true",
    tVal,
  ],
  [
    "chained method on variable",
    "{{with $x := .}}{{with .SI}}{{$.GetU.TrueFalse $.True}}{{end}}{{end}}",
    "true",
    tVal,
  ],
  [".NilOKFunc not nil", "{{call .NilOKFunc .PI}}", "false", tVal],
  [".NilOKFunc nil", "{{call .NilOKFunc nil}}", "true", tVal],

  // Function call builtin.
  [".BinaryFunc", "{{call .BinaryFunc `1` `2`}}", "[1=2]", tVal],
  [".VariadicFunc0", "{{call .VariadicFunc}}", "<>", tVal],
  [".VariadicFunc2", "{{call .VariadicFunc `he` `llo`}}", "<he+llo>", tVal],
  [".VariadicFuncInt", "{{call .VariadicFuncInt 33 `he` `llo`}}", "33=<he+llo>", tVal],
  [".ErrFunc", "{{call .ErrFunc}}", "bla", tVal],
  [
    "call nil",
    "{{call nil}}",
    err(`template: t:1:2: executing "t" at <call nil>: error calling call: call of nil`),
    tVal,
  ],
  [
    "empty call",
    "{{call}}",
    err(`template: t:1:2: executing "t" at <call>: wrong number of args for call: want at least 1 got 0`),
    tVal,
  ],
  [
    "empty call after pipe invalid",
    "{{1 | call}}",
    err(`template: t:1:6: executing "t" at <call>: error calling call: non-function <int Value> of type int`),
    tVal,
  ],

  // Pipelines.
  ["pipeline", "-{{.Method0 | .Method2 .U16}}-", "-Method2: 16 M0-", tVal],
  ["pipeline func", "-{{call .VariadicFunc `llo` | call .VariadicFunc `he` }}-", "-<he+<llo>>-", tVal],

  // Nil values aren't missing arguments.
  ["nil pipeline", "{{ .Empty0 | call .NilOKFunc }}", "true", tVal],
  ["nil call arg", "{{ call .NilOKFunc .Empty0 }}", "true", tVal],

  // Parenthesized expressions.
  ["parens in pipeline", "{{printf `%d %d %d` (1) (2 | add 3) (add 4 (add 5 6))}}", "1 5 15", tVal],
  ["parens: $ in paren", "{{($).X}}", "x", tVal],
  ["parens: $.GetU in paren", "{{($.GetU).V}}", "v", tVal],
  ["parens: $ in paren in pipe", "{{($ | echo).X}}", "x", tVal],
  ["parens: spaces and args", `{{(makemap "up" "down" "left" "right").left}}`, "right", tVal],

  // If.
  ["if true", "{{if true}}TRUE{{end}}", "TRUE", tVal],
  ["if false", "{{if false}}TRUE{{else}}FALSE{{end}}", "FALSE", tVal],
  [
    "if nil",
    "{{if nil}}TRUE{{end}}",
    err(`template: t:1:5: executing "t" at <nil>: nil is not a command`),
    tVal,
  ],
  ["if 1", "{{if 1}}NON-ZERO{{else}}ZERO{{end}}", "NON-ZERO", tVal],
  ["if 0", "{{if 0}}NON-ZERO{{else}}ZERO{{end}}", "ZERO", tVal],
  ["if 1.5", "{{if 1.5}}NON-ZERO{{else}}ZERO{{end}}", "NON-ZERO", tVal],
  ["if 0.0", "{{if .FloatZero}}NON-ZERO{{else}}ZERO{{end}}", "ZERO", tVal],
  ["if 1.5i", "{{if 1.5i}}NON-ZERO{{else}}ZERO{{end}}", "NON-ZERO", tVal],
  ["if 0.0i", "{{if .ComplexZero}}NON-ZERO{{else}}ZERO{{end}}", "ZERO", tVal],
  ["if emptystring", "{{if ``}}NON-EMPTY{{else}}EMPTY{{end}}", "EMPTY", tVal],
  ["if string", "{{if `notempty`}}NON-EMPTY{{else}}EMPTY{{end}}", "NON-EMPTY", tVal],
  ["if emptyslice", "{{if .SIEmpty}}NON-EMPTY{{else}}EMPTY{{end}}", "EMPTY", tVal],
  ["if slice", "{{if .SI}}NON-EMPTY{{else}}EMPTY{{end}}", "NON-EMPTY", tVal],
  ["if emptymap", "{{if .MSIEmpty}}NON-EMPTY{{else}}EMPTY{{end}}", "EMPTY", tVal],
  ["if map", "{{if .MSI}}NON-EMPTY{{else}}EMPTY{{end}}", "NON-EMPTY", tVal],
  ["if map unset", "{{if .MXI.none}}NON-ZERO{{else}}ZERO{{end}}", "ZERO", tVal],
  ["if map not unset", "{{if not .MXI.none}}ZERO{{else}}NON-ZERO{{end}}", "ZERO", tVal],
  ["if $x with $y int", "{{if $x := true}}{{with $y := .I}}{{$x}},{{$y}}{{end}}{{end}}", "true,17", tVal],
  ["if $x with $x int", "{{if $x := true}}{{with $x := .I}}{{$x}},{{end}}{{$x}}{{end}}", "17,true", tVal],
  ["if else if", "{{if false}}FALSE{{else if true}}TRUE{{end}}", "TRUE", tVal],
  ["if else chain", "{{if eq 1 3}}1{{else if eq 2 3}}2{{else if eq 3 3}}3{{end}}", "3", tVal],

  // Print etc.
  ["print", `{{print "hello, print"}}`, "hello, print", tVal],
  ["print 123", `{{print 1 2 3}}`, "1 2 3", tVal],
  ["print nil", `{{print nil}}`, "<nil>", tVal],
  ["println", `{{println 1 2 3}}`, "1 2 3\n", tVal],
  ["printf int", `{{printf "%04x" 127}}`, "007f", tVal],
  ["printf float", `{{printf "%g" 3.5}}`, "3.5", tVal],
  ["printf complex", `{{printf "%g" 1+7i}}`, "(1+7i)", tVal],
  ["printf string", `{{printf "%s" "hello"}}`, "hello", tVal],
  ["printf function", `{{printf "%#q" zeroArgs}}`, "`zeroArgs`", tVal],
  ["printf field", `{{printf "%s" .U.V}}`, "v", tVal],
  ["printf method", `{{printf "%s" .Method0}}`, "M0", tVal],
  ["printf dot", `{{with .I}}{{printf "%d" .}}{{end}}`, "17", tVal],
  ["printf var", `{{with $x := .I}}{{printf "%d" $x}}{{end}}`, "17", tVal],
  ["printf lots", `{{printf "%d %s %g %s" 127 "hello" 7-3i .Method0}}`, "127 hello (7-3i) M0", tVal],

  // HTML.
  [
    "html",
    `{{html "<script>alert(\\"XSS\\");</script>"}}`,
    "&lt;script&gt;alert(&#34;XSS&#34;);&lt;/script&gt;",
  ],
  [
    "html pipeline",
    `{{printf "<script>alert(\\"XSS\\");</script>" | html}}`,
    "&lt;script&gt;alert(&#34;XSS&#34;);&lt;/script&gt;",
  ],
  ["html string", `{{html .PS}}`, "a string", tVal],
  ["html untyped nil", `{{html .Empty0}}`, "&lt;no value&gt;", tVal],

  // JavaScript.
  ["js", `{{js .}}`, `It\\'d be nice.`, `It'd be nice.`],

  // URL query.
  ["urlquery", `{{"http://www.example.org/"|urlquery}}`, "http%3A%2F%2Fwww.example.org%2F"],

  // Booleans.
  ["not", "{{not true}} {{not false}}", "false true"],
  ["and", "{{and false 0}} {{and 1 0}} {{and 0 true}} {{and 1 1}}", "false 0 0 1"],
  ["or", "{{or 0 0}} {{or 1 0}} {{or 0 true}} {{or 1 1}}", "0 1 true 1"],
  ["or short-circuit", "{{or 0 1 (die)}}", "1"],
  ["and short-circuit", "{{and 1 0 (die)}}", "0"],
  [
    "or short-circuit2",
    "{{or 0 0 (die)}}",
    err(`template: t:1:10: executing "t" at <die>: error calling die: die`),
  ],
  [
    "and short-circuit2",
    "{{and 1 1 (die)}}",
    err(`template: t:1:11: executing "t" at <die>: error calling die: die`),
  ],
  ["and pipe-true", "{{1 | and 1}}", "1"],
  ["and pipe-false", "{{0 | and 1}}", "0"],
  ["or pipe-true", "{{1 | or 0}}", "1"],
  ["or pipe-false", "{{0 | or 0}}", "0"],
  ["and undef", "{{and 1 .Unknown}}", "<no value>"],
  ["or undef", "{{or 0 .Unknown}}", "<no value>"],
  ["boolean if", "{{if and true 1 `hi`}}TRUE{{else}}FALSE{{end}}", "TRUE", tVal],
  ["boolean if not", "{{if and true 1 `hi` | not}}TRUE{{else}}FALSE{{end}}", "FALSE"],
  ["boolean if pipe", "{{if true | not | and 1}}TRUE{{else}}FALSE{{end}}", "FALSE"],

  // Indexing.
  ["slice[0]", "{{index .SI 0}}", "3", tVal],
  ["slice[1]", "{{index .SI 1}}", "4", tVal],
  [
    "slice[HUGE]",
    "{{index .SI 10}}",
    err(`template: t:1:2: executing "t" at <index .SI 10>: error calling index: index out of range: 10`),
    tVal,
  ],
  [
    "slice[len]",
    "{{index .SI 3}}",
    err(
      `template: t:1:2: executing "t" at <index .SI 3>: error calling index: reflect: slice index out of range`,
    ),
    tVal,
  ],
  [
    "slice[WRONG]",
    "{{index .SI `hello`}}",
    err(
      'template: t:1:2: executing "t" at <index .SI `hello`>: error calling index: cannot index slice/array with type string',
    ),
    tVal,
  ],
  [
    "slice[nil]",
    "{{index .SI nil}}",
    err(
      `template: t:1:2: executing "t" at <index .SI nil>: error calling index: cannot index slice/array with nil`,
    ),
    tVal,
  ],
  ["map[one]", "{{index .MSI `one`}}", "1", tVal],
  ["map[two]", "{{index .MSI `two`}}", "2", tVal],
  ["map[NO]", "{{index .MSI `XXX`}}", "<no value>", tVal], // Go: 0, for its map[string]int
  [
    "map[nil]",
    "{{index .MSI nil}}",
    err(
      `template: t:1:2: executing "t" at <index .MSI nil>: error calling index: value is nil; should be of type string`,
    ),
    tVal,
  ],
  ["map[``]", "{{index .MSI ``}}", "<no value>", tVal],
  [
    "map[WRONG]",
    "{{index .MSI 10}}",
    err(
      `template: t:1:2: executing "t" at <index .MSI 10>: error calling index: value has type int; should be string`,
    ),
    tVal,
  ],
  ["double index", "{{index .SMSI 1 `eleven`}}", "11", tVal],
  [
    "nil[1]",
    "{{index nil 1}}",
    err(`template: t:1:2: executing "t" at <index nil 1>: error calling index: index of untyped nil`),
    tVal,
  ],
  ["map MII", "{{index .MII 1}}", "1", tVal],
  ["index of an interface field", "{{index .Empty3 0}}", "7", tVal],
  ["index of a string", "{{index .S 1}}", "121", tVal],
  [
    "index of an int",
    "{{index .I 1}}",
    err(`template: t:1:2: executing "t" at <index .I 1>: error calling index: can't index item of type int`),
    tVal,
  ],

  // Slicing.
  ["slice[:]", "{{slice .SI}}", "[3 4 5]", tVal],
  ["slice[1:]", "{{slice .SI 1}}", "[4 5]", tVal],
  ["slice[1:2]", "{{slice .SI 1 2}}", "[4]", tVal],
  [
    "slice[-1:]",
    "{{slice .SI -1}}",
    err(`template: t:1:2: executing "t" at <slice .SI -1>: error calling slice: index out of range: -1`),
    tVal,
  ],
  ["slice[1:-2]", "{{slice .SI 1 -2}}", E, tVal],
  ["slice[1:2:-1]", "{{slice .SI 1 2 -1}}", E, tVal],
  [
    "slice[2:1]",
    "{{slice .SI 2 1}}",
    err(`template: t:1:2: executing "t" at <slice .SI 2 1>: error calling slice: invalid slice index: 2 > 1`),
    tVal,
  ],
  [
    "slice[2:2:1]",
    "{{slice .SI 2 2 1}}",
    err(
      `template: t:1:2: executing "t" at <slice .SI 2 2 1>: error calling slice: invalid slice index: 2 > 1`,
    ),
    tVal,
  ],
  ["out of range", "{{slice .SI 4 5}}", E, tVal],
  ["out of range 3", "{{slice .SI 2 2 5}}", E, tVal],
  ["array[:]", "{{slice .AI}}", "[3 4 5]", tVal],
  ["array[1:]", "{{slice .AI 1}}", "[4 5]", tVal],
  ["array[1:2]", "{{slice .AI 1 2}}", "[4]", tVal],
  ["string[:]", "{{slice .S}}", "xyz", tVal],
  ["string[0:1]", "{{slice .S 0 1}}", "x", tVal],
  ["string[1:]", "{{slice .S 1}}", "yz", tVal],
  ["string[1:2]", "{{slice .S 1 2}}", "y", tVal],
  ["string out of range", "{{slice .S 1 5}}", E, tVal],
  [
    "3-index slice of string",
    "{{slice .S 1 2 2}}",
    err(
      `template: t:1:2: executing "t" at <slice .S 1 2 2>: error calling slice: cannot 3-index slice a string`,
    ),
    tVal,
  ],
  ["slice of an interface field", "{{slice .Empty3 0 1}}", "[7]", tVal],
  [
    "too many slice indexes",
    "{{slice .SI 1 2 3 4}}",
    err(
      `template: t:1:2: executing "t" at <slice .SI 1 2 3 4>: error calling slice: too many slice indexes: 4`,
    ),
    tVal,
  ],

  // Len.
  ["slice", "{{len .SI}}", "3", tVal],
  ["map", "{{len .MSI }}", "3", tVal],
  [
    "len of int",
    "{{len 3}}",
    err(`template: t:1:2: executing "t" at <len 3>: error calling len: len of type int`),
    tVal,
  ],
  [
    "len of nothing",
    "{{len .Empty0}}",
    err(`template: t:1:2: executing "t" at <len .Empty0>: error calling len: len of nil pointer`),
    tVal,
  ],
  ["len of an interface field", "{{len .Empty3}}", "2", tVal],
  ["len counts bytes", "{{len `héllo`}}", "6"],

  // With.
  ["with true", "{{with true}}{{.}}{{end}}", "true", tVal],
  ["with false", "{{with false}}{{.}}{{else}}FALSE{{end}}", "FALSE", tVal],
  ["with 1", "{{with 1}}{{.}}{{else}}ZERO{{end}}", "1", tVal],
  ["with 0", "{{with 0}}{{.}}{{else}}ZERO{{end}}", "ZERO", tVal],
  ["with 1.5", "{{with 1.5}}{{.}}{{else}}ZERO{{end}}", "1.5", tVal],
  ["with 0.0", "{{with .FloatZero}}{{.}}{{else}}ZERO{{end}}", "ZERO", tVal],
  ["with 1.5i", "{{with 1.5i}}{{.}}{{else}}ZERO{{end}}", "(0+1.5i)", tVal],
  ["with 0.0i", "{{with .ComplexZero}}{{.}}{{else}}ZERO{{end}}", "ZERO", tVal],
  ["with emptystring", "{{with ``}}{{.}}{{else}}EMPTY{{end}}", "EMPTY", tVal],
  ["with string", "{{with `notempty`}}{{.}}{{else}}EMPTY{{end}}", "notempty", tVal],
  ["with emptyslice", "{{with .SIEmpty}}{{.}}{{else}}EMPTY{{end}}", "EMPTY", tVal],
  ["with slice", "{{with .SI}}{{.}}{{else}}EMPTY{{end}}", "[3 4 5]", tVal],
  ["with emptymap", "{{with .MSIEmpty}}{{.}}{{else}}EMPTY{{end}}", "EMPTY", tVal],
  ["with map", "{{with .MSIone}}{{.}}{{else}}EMPTY{{end}}", "map[one:1]", tVal],
  ["with empty interface, struct field", "{{with .Empty4}}{{.V}}{{end}}", "UinEmpty", tVal],
  ["with $x int", "{{with $x := .I}}{{$x}}{{end}}", "17", tVal],
  ["with $x struct.U.V", "{{with $x := $}}{{$x.U.V}}{{end}}", "v", tVal],
  ["with variable and action", "{{with $x := $}}{{$y := $.U.V}}{{$y}}{{end}}", "v", tVal],
  ["with else with", "{{with 0}}{{.}}{{else with true}}{{.}}{{end}}", "true", tVal],
  [
    "with else with chain",
    "{{with 0}}{{.}}{{else with false}}{{.}}{{else with `notempty`}}{{.}}{{end}}",
    "notempty",
    tVal,
  ],

  // Range.
  ["range []int", "{{range .SI}}-{{.}}-{{end}}", "-3--4--5-", tVal],
  ["range empty no else", "{{range .SIEmpty}}-{{.}}-{{end}}", "", tVal],
  ["range []int else", "{{range .SI}}-{{.}}-{{else}}EMPTY{{end}}", "-3--4--5-", tVal],
  ["range empty else", "{{range .SIEmpty}}-{{.}}-{{else}}EMPTY{{end}}", "EMPTY", tVal],
  ["range []int break else", "{{range .SI}}-{{.}}-{{break}}NOTREACHED{{else}}EMPTY{{end}}", "-3-", tVal],
  [
    "range []int continue else",
    "{{range .SI}}-{{.}}-{{continue}}NOTREACHED{{else}}EMPTY{{end}}",
    "-3--4--5-",
    tVal,
  ],
  ["range []bool", "{{range .SB}}-{{.}}-{{end}}", "-true--false-", tVal],
  ["range []int method", "{{range .SI | .MAdd .I}}-{{.}}-{{end}}", "-20--21--22-", tVal],
  ["range map", "{{range .MSI}}-{{.}}-{{end}}", "-1--3--2-", tVal],
  ["range empty map no else", "{{range .MSIEmpty}}-{{.}}-{{end}}", "", tVal],
  ["range map else", "{{range .MSI}}-{{.}}-{{else}}EMPTY{{end}}", "-1--3--2-", tVal],
  ["range empty map else", "{{range .MSIEmpty}}-{{.}}-{{else}}EMPTY{{end}}", "EMPTY", tVal],
  ["range empty interface", "{{range .Empty3}}-{{.}}-{{else}}EMPTY{{end}}", "-7--8-", tVal],
  ["range empty nil", "{{range .Empty0}}-{{.}}-{{end}}", "", tVal],
  ["range $x SI", "{{range $x := .SI}}<{{$x}}>{{end}}", "<3><4><5>", tVal],
  ["range $x $y SI", "{{range $x, $y := .SI}}<{{$x}}={{$y}}>{{end}}", "<0=3><1=4><2=5>", tVal],
  ["range $x MSIone", "{{range $x := .MSIone}}<{{$x}}>{{end}}", "<1>", tVal],
  ["range $x $y MSIone", "{{range $x, $y := .MSIone}}<{{$x}}={{$y}}>{{end}}", "<one=1>", tVal],
  ["range $x PSI", "{{range $x := .PSI}}<{{$x}}>{{end}}", "<21><22><23>", tVal],
  ["declare in range", "{{range $x := .PSI}}<{{$foo:=$x}}{{$x}}>{{end}}", "<21><22><23>", tVal],
  ["range int", `{{range $v := .}}{{printf "%T%d" $v $v}}{{end}}`, "int0int1int2int3int4", 5],
  ["range 5", `{{range $v := 5}}{{printf "%T%d" $v $v}}{{end}}`, "int0int1int2int3int4"],
  ["range int(0)", `{{range $v := .}}{{print $v}}{{else}}empty{{end}}`, "empty", 0],
  [
    "range int over two vars",
    "{{range $i, $v := 5}}{{end}}",
    err(`template: t:1:18: executing "t" at <5>: can't use 5 to iterate over more than one variable`),
  ],
  [
    "range over string",
    "{{range .}}{{end}}",
    err(`template: t:1:8: executing "t" at <.>: range can't iterate over abc`),
    "abc",
  ],
  [
    "range over float",
    "{{range 1.5}}{{end}}",
    err(`template: t:1:8: executing "t" at <1.5>: range can't iterate over 1.5`),
  ],

  // Cute examples.
  ["or as if true", `{{or .SI "slice is empty"}}`, "[3 4 5]", tVal],
  ["or as if false", `{{or .SIEmpty "slice is empty"}}`, "slice is empty", tVal],

  // Error handling.
  [
    "error method, error",
    "{{.MyError true}}",
    err(`template: t:1:2: executing "t" at <.MyError>: error calling MyError: my error`),
    tVal,
  ],
  ["error method, no error", "{{.MyError false}}", "false", tVal],

  // Numbers.
  ["decimal", "{{print 1234}}", "1234", tVal],
  ["decimal _", "{{print 12_34}}", "1234", tVal],
  ["binary", "{{print 0b101}}", "5", tVal],
  ["binary _", "{{print 0b_1_0_1}}", "5", tVal],
  ["BINARY", "{{print 0B101}}", "5", tVal],
  ["octal0", "{{print 0377}}", "255", tVal],
  ["octal", "{{print 0o377}}", "255", tVal],
  ["octal _", "{{print 0o_3_7_7}}", "255", tVal],
  ["OCTAL", "{{print 0O377}}", "255", tVal],
  ["hex", "{{print 0x123}}", "291", tVal],
  ["hex _", "{{print 0x1_23}}", "291", tVal],
  ["HEX", "{{print 0X123ABC}}", "1194684", tVal],
  ["float", "{{print 123.4}}", "123.4", tVal],
  ["float _", "{{print 0_0_1_2_3.4}}", "123.4", tVal],
  ["hex float", "{{print +0x1.ep+2}}", "7.5", tVal],
  ["hex float _", "{{print +0x_1.e_0p+0_2}}", "7.5", tVal],
  ["HEX float", "{{print +0X1.EP+2}}", "7.5", tVal],
  ["print multi", "{{print 1_2_3_4 7.5_00_00_00}}", "1234 7.5", tVal],
  ["print multi2", "{{print 1234 0x0_1.e_0p+02}}", "1234 7.5", tVal],
  ["char", "{{print 'a' '\\n' '\\x41' '\\u00e9'}}", "97 10 65 233"],
  [
    "float %v",
    "{{1.0}} {{1e6}} {{100000.0}} {{0.000001}} {{0.0001}} {{-0.0}} {{1e21}}",
    "1 1e+06 100000 1e-06 0.0001 -0 1e+21",
  ],
  ["string escapes", `{{"a\\tb\\x41\\u00e9\\U0001F600\\101"}}`, "a\tbAé😀A"],
  ["raw string", "{{`a\\tb\r\nc`}}", "a\\tb\nc"],

  // Fixed bugs.
  ["bug0", "{{range .MSIone}}{{if $.Method1 .}}X{{end}}{{end}}", "X", tVal],
  ["bug3", "{{with $}}{{.Method0}}{{end}}", "M0", tVal],
  ["bug4", "{{if .Empty0}}non-nil{{else}}nil{{end}}", "nil", tVal],
  ["bug5", "{{.Str}}", "foozle", tVal],
  ["bug5a", "{{.Err}}", "erroozle", tVal],
  ["bug7a", "{{3 2}}", E, tVal],
  [
    "bug7b",
    "{{$x := 1}}{{$x 2}}",
    err(`template: t:1:13: executing "t" at <$x>: can't give argument to non-function $x`),
    tVal,
  ],
  [
    "bug7c",
    "{{$x := 1}}{{3 | $x}}",
    err(`template: t:1:17: executing "t" at <$x>: can't give argument to non-function $x`),
    tVal,
  ],
  ["bug9", "{{.cause}}", "neglect", { cause: "neglect" }],
  ["bug10", "{{mapOfThree.three}}-{{(mapOfThree).three}}", "3-3", 0],
  ["bug12xe", "{{printf `%T` 0xef}}", "int", tVal],
  ["bug12xE", "{{printf `%T` 0xEE}}", "int", tVal],
  ["bug12Xe", "{{printf `%T` 0Xef}}", "int", tVal],
  ["bug12XE", "{{printf `%T` 0XEE}}", "int", tVal],
  ["bug13", "{{print (.Copy).I}}", "17", tVal],
  ["bug14a", "{{(nil).True}}", err(`template: t:1:3: executing "t" at <nil>: nil is not a command`), tVal],
  ["bug14b", "{{$x := nil}}{{$x.anything}}", E, tVal],
  [
    "bug14c",
    `{{$x := (1.0)}}{{$y := ("hello")}}{{$x.anything}}{{$y.true}}`,
    err(`template: t:1:38: executing "t" at <$x.anything>: can't evaluate field anything in type float64`),
    tVal,
  ],
  [
    "bug16a",
    "{{true|printf}}",
    err(`template: t:1:7: executing "t" at <printf>: wrong type for value; expected string; got bool`),
    tVal,
  ],
  ["bug16b", "{{1|printf}}", E, tVal],
  ["bug16c", "{{1.1|printf}}", E, tVal],
  ["bug16d", "{{'x'|printf}}", E, tVal],
  [
    "bug16e",
    "{{0i|printf}}",
    err(`template: t:1:5: executing "t" at <printf>: wrong type for value; expected string; got complex128`),
    tVal,
  ],
  ["bug16g", `{{"aaa" |twoArgs "bbb"}}`, "twoArgs=bbbaaa", tVal],
  ["bug16i", `{{"aaa"|oneArg}}`, "oneArg=aaa", tVal],
  ["bug16j", `{{1+2i|printf "%v"}}`, "(1+2i)", tVal],
  ["bug16k", `{{"aaa"|printf }}`, "aaa", tVal],
  ["bug18a", "{{eq . '.'}}", "true", ".".charCodeAt(0)],
  ["bug18b", "{{eq . 'e'}}", "true", "e".charCodeAt(0)],
  ["bug18c", "{{eq . 'P'}}", "true", "P".charCodeAt(0)],
  ["issue56490", "{{$i := 0}}{{$x := 0}}{{range $i = .AI}}{{end}}{{$i}}", "5", tVal],
  ["issue60801", "{{$k := 0}}{{$v := 0}}{{range $k, $v = .AI}}{{$k}}={{$v}} {{end}}", "0=3 1=4 2=5 ", tVal],
];

// ---- exec_test.go's cmpTests, run as {{if EXPR}}true{{else}}false{{end}} ----

const cmpData = goStruct("struct", {
  Uthree: 3,
  Ufour: 4,
  NegOne: -1,
  Three: 3,
  NilIface: null,
  Iface1: "x",
  NonNilMap: {},
  Ptr: 0,
});

const cmpTests: [expr: string, truth: string | typeof E][] = [
  ["eq true true", "true"],
  ["eq true false", "false"],
  ["eq 1+2i 1+2i", "true"],
  ["eq 1+2i 1+3i", "false"],
  ["eq 1.5 1.5", "true"],
  ["eq 1.5 2.5", "false"],
  ["eq 1 1", "true"],
  ["eq 1 2", "false"],
  ["eq `xy` `xy`", "true"],
  ["eq `xy` `xyz`", "false"],
  ["eq .Uthree .Uthree", "true"],
  ["eq .Uthree .Ufour", "false"],
  ["eq 3 4 5 6 3", "true"],
  ["eq 3 4 5 6 7", "false"],
  ["ne true true", "false"],
  ["ne true false", "true"],
  ["ne 1+2i 1+2i", "false"],
  ["ne 1+2i 1+3i", "true"],
  ["ne 1.5 1.5", "false"],
  ["ne 1.5 2.5", "true"],
  ["ne 1 1", "false"],
  ["ne 1 2", "true"],
  ["ne `xy` `xy`", "false"],
  ["ne `xy` `xyz`", "true"],
  ["ne .Uthree .Uthree", "false"],
  ["ne .Uthree .Ufour", "true"],
  ["lt 1.5 1.5", "false"],
  ["lt 1.5 2.5", "true"],
  ["lt 1 1", "false"],
  ["lt 1 2", "true"],
  ["lt `xy` `xy`", "false"],
  ["lt `xy` `xyz`", "true"],
  ["lt .Uthree .Uthree", "false"],
  ["lt .Uthree .Ufour", "true"],
  ["le 1.5 1.5", "true"],
  ["le 1.5 2.5", "true"],
  ["le 2.5 1.5", "false"],
  ["le 1 1", "true"],
  ["le 1 2", "true"],
  ["le 2 1", "false"],
  ["le `xy` `xy`", "true"],
  ["le `xy` `xyz`", "true"],
  ["le `xyz` `xy`", "false"],
  ["le .Uthree .Uthree", "true"],
  ["le .Uthree .Ufour", "true"],
  ["le .Ufour .Uthree", "false"],
  ["gt 1.5 1.5", "false"],
  ["gt 1.5 2.5", "false"],
  ["gt 1 1", "false"],
  ["gt 2 1", "true"],
  ["gt 1 2", "false"],
  ["gt `xy` `xy`", "false"],
  ["gt `xy` `xyz`", "false"],
  ["gt .Uthree .Uthree", "false"],
  ["gt .Uthree .Ufour", "false"],
  ["gt .Ufour .Uthree", "true"],
  ["ge 1.5 1.5", "true"],
  ["ge 1.5 2.5", "false"],
  ["ge 2.5 1.5", "true"],
  ["ge 1 1", "true"],
  ["ge 1 2", "false"],
  ["ge 2 1", "true"],
  ["ge `xy` `xy`", "true"],
  ["ge `xy` `xyz`", "false"],
  ["ge `xyz` `xy`", "true"],
  ["ge .Uthree .Uthree", "true"],
  ["ge .Uthree .Ufour", "false"],
  ["ge .Ufour .Uthree", "true"],
  ["eq .Uthree .Three", "true"],
  ["lt .NegOne .Uthree", "true"],
  ["gt .Uthree .NegOne", "true"],
  ["eq (index `x` 0) 'x'", "true"],
  ["eq (index `x` 0) 'y'", "false"],
  ["eq .Iface1 .Iface1", "true"],
  ["eq .Iface1 .NilIface", "false"],
  ["eq .NilIface .NilIface", "true"],
  ["eq .NilIface .Iface1", "false"],
  ["eq .NilIface 0", "false"],
  ["eq 0 .NilIface", "false"],
  ["eq .NilIface nil", "true"],
  // Errors.
  ["eq `xy` 1", E],
  ["eq 2 2.0", E],
  ["lt true true", E],
  ["lt 1+0i 1+0i", E],
  ["eq .Ptr 1.5", E],
  ["eq .NonNilMap .NonNilMap", E],
  ["lt .NilIface 1", E],
];

describe("text/template exec", () => {
  it("runs Go's execTests", () => {
    for (const c of execTests) check(c);
  });

  it("runs Go's cmpTests", () => {
    for (const [expr, want] of cmpTests) {
      const text = `{{if ${expr}}}true{{else}}false{{end}}`;
      if (typeof want === "string") assert.equal(run(text, cmpData), want, expr);
      else errorOf(() => run(text, cmpData));
    }
  });

  it("reports comparison errors as Go does", () => {
    const cases: [string, string][] = [
      ["{{eq 2 2.0}}", "incompatible types for comparison: int and float64"],
      ["{{eq `xy` 1}}", "incompatible types for comparison: string and int"],
      ["{{lt true true}}", "invalid type for comparison"],
      ["{{lt .Missing 1}}", "invalid type for comparison"],
      ["{{eq 1}}", "missing argument for comparison"],
      ["{{eq .M .M}}", "non-comparable type map[]: map[string]interface {}"],
      ["{{eq .L .L}}", "non-comparable type [%!s(int=1)]: []interface {}"],
      ["{{eq .L .M}}", "non-comparable types [%!s(int=1)]: []interface {}, map[string]interface {}: map[]"],
    ];
    for (const [text, want] of cases) {
      const message = errorOf(() => run(text, { M: {}, L: [1] }));
      assert.ok(message.endsWith(`: error calling ${text.slice(2).split(" ")[0]}: ${want}`), message);
    }
    const data = { A: goStruct("T", { X: 1 }), B: goStruct("T", { X: 1 }), C: goStruct("T", { X: 2 }) };
    assert.equal(run("{{eq .A .B}} {{eq .A .C}}", data), "true false");
    assert.ok(
      errorOf(() => run("{{eq .A 1}}", data)).endsWith("incompatible types for comparison: T and int"),
    );
    assert.equal(
      errorOf(() => run("{{eq . .}}", goStruct("T", { L: [1] }))),
      `template: t:1:2: executing "t" at <eq . .>: error calling eq: non-comparable type {[%!s(int=1)]}: T`,
    );
  });

  it("reports arity errors of the builtins", () => {
    assert.equal(
      errorOf(() => run("{{printf}}")),
      `template: t:1:2: executing "t" at <printf>: wrong number of args for printf: want at least 1 got 0`,
    );
    assert.equal(
      errorOf(() => run("{{not 1 2}}")),
      `template: t:1:2: executing "t" at <not>: wrong number of args for not: want 1 got 2`,
    );
    assert.equal(
      errorOf(() => run("{{1 | len 2}}")),
      `template: t:1:6: executing "t" at <len>: wrong number of args for len: want 1 got 2`,
    );
    assert.equal(
      errorOf(() => run("{{and}}")),
      `template: t:1:2: executing "t" at <and>: wrong number of args for and: want at least 1 got 0`,
    );
    assert.equal(
      errorOf(() => run("{{printf 1}}")),
      `template: t:1:9: executing "t" at <1>: expected string; found 1`,
    );
    assert.equal(
      errorOf(() => run("{{printf nil}}")),
      `template: t:1:9: executing "t" at <nil>: cannot assign nil to string`,
    );
    assert.equal(
      errorOf(() => run("{{printf .X}}", {})),
      `template: t:1:9: executing "t" at <.X>: invalid value; expected string`,
    );
  });

  it("reports the errors of TestExecError and TestExecutePanicDuringCall", () => {
    const execErrorText = [
      "line 1",
      "line 2",
      "line 3",
      `{{template "one" .}}`,
      `{{define "one"}}{{template "two" .}}{{end}}`,
      `{{define "two"}}{{template "three" .}}{{end}}`,
      `{{define "three"}}{{index "hi" $}}{{end}}`,
    ].join("\n");
    assert.equal(
      errorOf(() => Template.parse("top", execErrorText).execute(5)),
      `template: top:7:20: executing "three" at <index "hi" $>: error calling index: index out of range: 5`,
    );
    assert.equal(
      errorOf(() => run("{{doPanic}}")),
      `template: t:1:2: executing "t" at <doPanic>: error calling doPanic: custom panic string`,
    );
    assert.equal(
      errorOf(() => run("{{call doPanic}}")),
      `template: t:1:7: executing "t" at <doPanic>: error calling doPanic: custom panic string`,
    );
    assert.equal(
      errorOf(() => run("{{call .PanicFunc}}", tVal)),
      `template: t:1:2: executing "t" at <call .PanicFunc>: error calling call: test panic`,
    );
    assert.equal(
      errorOf(() => run("{{.NonEmptyInterfaceNil.Method0}}", tVal)),
      `template: t:1:23: executing "t" at <.NonEmptyInterfaceNil.Method0>: nil pointer evaluating interface {}.Method0`,
    );
    assert.equal(
      errorOf(() => run("{{call .True}}", tVal)),
      `template: t:1:2: executing "t" at <call .True>: error calling call: non-function .True of type bool`,
    );
    assert.equal(
      errorOf(() => run(`{{call (len "test")}}`)),
      `template: t:1:2: executing "t" at <call (len "test")>: error calling call: non-function len "test" of type int`,
    );
    assert.equal(
      errorOf(() => run("hello, {{.X.Y}}", 0)),
      `template: t:1:11: executing "t" at <.X.Y>: can't evaluate field X in type int`,
    );
  });

  it("keeps the error a function threw as the cause", () => {
    const boom = new Error("boom");
    try {
      run("{{f}}", undefined, {
        funcs: {
          f: () => {
            throw boom;
          },
        },
      });
      assert.fail("expected an error");
    } catch (e) {
      assert.ok(e instanceof TemplateError);
      assert.equal(e.kind, "exec");
      assert.equal(e.cause, boom);
      assert.equal(e.message, `template: t:1:2: executing "t" at <f>: error calling f: boom`);
    }
  });

  it("treats map[string]interface{} values as Go does", () => {
    // A present nil can't be walked through; a missing key yields no value.
    assert.equal(
      errorOf(() => run("{{.a.b}}", { a: null })),
      `template: t:1:4: executing "t" at <.a.b>: nil pointer evaluating interface {}.b`,
    );
    assert.equal(run("{{.a.b}}", {}), "<no value>");
    assert.equal(
      errorOf(() => run("{{.a.b}}", { a: 5 })),
      `template: t:1:4: executing "t" at <.a.b>: can't evaluate field b in type interface {}`,
    );
    assert.equal(
      errorOf(() => run("{{with .a}}{{.b}}{{end}}", { a: 5 })),
      `template: t:1:13: executing "t" at <.b>: can't evaluate field b in type int`,
    );
    assert.equal(
      errorOf(() => run("{{range .}}{{.b}}{{end}}", ["s"])),
      `template: t:1:13: executing "t" at <.b>: can't evaluate field b in type interface {}`,
    );
    assert.equal(
      errorOf(() => run("{{len .Y}}", {})),
      `template: t:1:2: executing "t" at <len .Y>: error calling len: reflect: call of reflect.Value.Type on zero Value`,
    );
    assert.equal(
      run("{{.a}} {{print .a}} {{.b}} {{print .b}} {{.}}", { a: null, c: [1, null] }),
      "<no value> <nil> <no value> <nil> map[a:<nil> c:[1 <nil>]]",
    );
  });

  it("follows the missingkey option", () => {
    const data = { x: 99 };
    assert.equal(run("{{.x}} {{.y}}", data), "99 <no value>");
    const t = Template.parse("t", "{{.x}} {{.y}}");
    assert.equal(t.option("missingkey=default").execute(data), "99 <no value>");
    // The zero value of interface{} is nil, which prints as <no value> (Go prints 0 for a map[string]int).
    assert.equal(t.option("missingkey=zero").execute(data), "99 <no value>");
    assert.equal(
      errorOf(() => t.option("missingkey=error").execute(data)),
      `template: t:1:9: executing "t" at <.y>: map has no entry for key "y"`,
    );
    assert.equal(
      errorOf(() => t.execute(null)),
      `template: t:1:2: executing "t" at <.x>: nil data; no entry for key "x"`,
    );
    assert.equal(
      errorOf(() => run("{{.y}}", { x: 1 }, { missingKey: "error" })),
      `template: t:1:2: executing "t" at <.y>: map has no entry for key "y"`,
    );
    assert.throws(() => t.option("missingkey=bogus"), { message: "unrecognized option: missingkey=bogus" });
  });

  it("stops runaway recursion", () => {
    assert.equal(
      errorOf(() => run(`{{define "r"}}{{template "r" .}}{{end}}{{template "r"}}`)),
      `template: t:1:25: executing "r" at <{{template "r" .}}>: exceeded maximum template depth (1000)`,
    );
  });

  it("reports undefined templates and unprintable values", () => {
    assert.equal(
      errorOf(() => run(`{{template "x"}}`)),
      `template: t:1:11: executing "t" at <{{template "x"}}>: template "x" not defined`,
    );
    assert.equal(
      errorOf(() => run("{{.}}", () => 1)),
      `template: t:1:2: executing "t" at <{{.}}>: can't print {{.}} of type func(...interface {}) interface {}`,
    );
    assert.equal(
      run("{{ (call .) }}", () => "result"),
      "result",
    );
    assert.equal(
      errorOf(() => Template.parse("t", "x").executeTemplate("nope", 1)),
      `template: no template "nope" associated with template "t"`,
    );
  });
});

// ---- values: structs, classes, Maps, slices with methods ----

describe("the value model", () => {
  class Service {
    static goTypeName = "main.Service";
    secret = "s";
    constructor(
      public Name: string,
      public Port: number,
    ) {}
    Addr() {
      return `${this.Name}:${this.Port}`;
    }
  }

  it("treats class instances as structs", () => {
    const s = new Service("web", 80);
    assert.equal(
      run("{{.Name}} {{.Addr}} {{.}} {{printf `%+v %T` . .}}", s),
      "web web:80 {web 80 s} {Name:web Port:80 secret:s} main.Service",
    );
    assert.equal(
      errorOf(() => run("{{.Missing}}", s)),
      `template: t:1:2: executing "t" at <.Missing>: can't evaluate field Missing in type main.Service`,
    );
    assert.equal(
      errorOf(() => run("{{.secret}}", s)),
      `template: t:1:2: executing "t" at <.secret>: secret is an unexported field of struct type main.Service`,
    );
    assert.equal(
      errorOf(() => run("{{.Name 1}}", s)),
      `template: t:1:2: executing "t" at <.Name>: Name has arguments but cannot be invoked as function`,
    );
  });

  it("calls methods of slices and maps, and function-valued properties with call", () => {
    const tags = Object.defineProperty(["a", "b"], "Contains", {
      value: (t: string) => t === "a" || t === "b",
    });
    assert.equal(
      run(`{{if .Tags.Contains "a"}}yes{{end}}{{if .Tags.Contains "c"}}no{{end}} {{.Tags}}`, { Tags: tags }),
      "yes [a b]",
    );
    const data = { Sum: (a: number, b: number) => a + b, Hello: () => "hi" };
    assert.equal(run("{{.Sum 1 2}} {{call .Sum 3 4}} {{.Hello}} {{2 | .Sum 5}}", data), "3 7 hi 7");
    assert.equal(
      run("{{.M.a}} {{range $k, $v := .M}}{{$k}}{{$v}}{{end}} {{.M}} {{len .M}} {{index .M `b`}}", {
        M: new Map([
          ["b", 2],
          ["a", 1],
        ]),
      }),
      "1 a1b2 map[a:1 b:2] 2 2",
    );
  });

  it("tells floats from ints", () => {
    assert.equal(run("{{.}} {{printf `%T %v %.1f` . . .}}", goFloat(3)), "3 float64 3 3.0");
    assert.equal(run("{{printf `%T %T %T` .A .B .C}}", { A: 1, B: 1.5, C: 2 ** 70 }), "int float64 float64");
    assert.equal(run("{{eq .A 1.0}}", { A: goFloat(1) }), "true");
    assert.equal(run("{{.}}", 12345678901234567n), "12345678901234567");
    assert.equal(run("{{echo 2.0 | printf `%T`}}"), "int"); // a function receives (and returns) plain numbers
    assert.equal(run("{{.N}} {{.I}} {{.M}}", { N: NaN, I: Infinity, M: -Infinity }), "NaN +Inf -Inf");
  });

  it("sorts map keys by byte order", () => {
    assert.equal(
      run("{{.}}", { b: 1, a: 2, B: 3, "\u{1F600}": 4, "\uFF61": 5 }),
      "map[B:3 a:2 b:1 \uFF61:5 \u{1F600}:4]",
    );
  });
});

// ---- parse_test.go: trees that parse, and error messages ----

describe("text/template parse", () => {
  it("handles trim markers, comments and newlines in actions", () => {
    const cases: [string, string][] = [
      ["x \r\n\t{{- 3}}", "x3"],
      ["{{3 -}}\n\n\ty", "3y"],
      ["x \r\n\t{{- 3 -}}\n\n\ty", "x3y"],
      ["x\n{{-  3   -}}\ny", "x3y"],
      ["x \r\n\t{{- /* hi */}}", "x"],
      ["{{/* hi */ -}}\n\n\ty", "y"],
      ["x \r\n\t{{- /* */ -}}\n\n\ty", "xy"],
      ["{{-3}}", "-3"],
      ["{{3-}}", E as never],
      ["a {{- 1 -}} b {{- 2}} c {{3 -}} d", "a1b2 c 3d"],
      ["{{/*\n\n\n*/}}", ""],
      ["a{{/* comment */}}b", "ab"],
      ["{{ $x \n := \n 1 \n }}{{$x}}", "1"],
      ['{{\n"x"\n|\nprintf\n}}', "x"],
      ["{{-\n/*\nhello\n*/\n-}}", ""],
      ["{{range .}}{{.}}{{ continue }}{{end}}", "12"],
      ["{{range .}}{{.}}{{ break }}{{end}}", "1"],
      ["{{ (( 1 )) }}", "1"],
      ["{{ if ((( true ))) }}YES{{ end }}", "YES"],
    ];
    for (const [text, want] of cases) {
      if (typeof want === "string") assert.equal(run(text, [1, 2]), want, JSON.stringify(text));
      else errorOf(() => run(text));
    }
  });

  it("reports Go's parse errors", () => {
    const cases: [string, string][] = [
      ["{{}}", "template: t:1: missing value for command"],
      ["{{\n}}", "template: t:2: missing value for command"],
      ["{{nope}}", `template: t:1: function "nope" not defined`],
      ['{{printf "x"}', `template: t:1: unexpected "}" in operand`],
      ["{{range .X}}", "template: t:1: unexpected EOF"],
      ["a\n{{if .}}\n", "template: t:3: unexpected EOF"],
      ["hello{{range", "template: t:1: unclosed action"],
      ["line1\n{{", "template: t:2: unclosed action"],
      ["line1\n{{define `x`}}line2\n{{", "template: t:3: unclosed action"],
      ['line1\n{{"x"\n"y"\n', "template: t:4: unclosed action started at t:2"],
      ["{{\n\n\n\n\n", "template: t:6: unclosed action started at t:1"],
      ["line1\n{{\nx\n}}", `template: t:3: function "x" not defined`],
      ["{{/*}}", "template: t:1: unclosed comment"],
      ["{{/*\nhello\n}}", "template: t:1: unclosed comment"],
      ["{{/* x */ y}}", "template: t:1: comment ends before closing delimiter"],
      ["{{.X (1 2 3}}", "template: t:1: unclosed left paren"],
      ["{{.X 1 2 3 ) }}", "template: t:1: unexpected right paren"],
      ["{{(.X 1 2 3", "template: t:1: unclosed action"],
      ["{{`x`3}}", `template: t:1: unexpected "3" in operand`],
      ["{{a#}}", "template: t:1: bad character U+0023 '#'"],
      ["{{'a}}", "template: t:1: unterminated character constant"],
      ['{{"a}}', "template: t:1: unterminated quoted string"],
      ["{{`a}}", "template: t:1: unterminated raw quoted string"],
      ["hello\n\n{{`unterminated\n\n\n\n}}\n some more\n\n", "template: t:3: unterminated raw quoted string"],
      ["{{0xi}}", `template: t:1: illegal number syntax: "0xi"`],
      ["{{1.E}}", `template: t:1: illegal number syntax: "1.E"`],
      ["{{3k}}", `template: t:1: bad number syntax: "3k"`],
      ["{{'ab'}}", "template: t:1: malformed character constant: 'ab'"],
      ["{{'\\q'}}", "template: t:1: invalid syntax"],
      ['{{"\\q"}}', "template: t:1: invalid syntax"],
      ["{{99999999999999999999}}", `template: t:1: integer overflow: "99999999999999999999"`],
      [
        "{{define `a`}}a{{end}}{{define `a`}}b{{end}}",
        `template: t:1: template: multiple definition of template "a"`,
      ],
      ["{{define `t`}}a{{end}}b", `template: t:1: template: multiple definition of template "t"`],
      ["{{$x := 23}}{{with $x.y := 3}}{{$x 23}}{{end}}", `template: t:1: unexpected ":=" in operand`],
      ["{{$a,$b,$c := 23}}", "template: t:1: too many declarations in command"],
      ["{{with $v, $u := 3}}{{end}}", "template: t:1: too many declarations in with"],
      ["{{range $u, $v, $w := 3}}{{end}}", "template: t:1: too many declarations in range"],
      ["{{$a}}", `template: t:1: undefined variable "$a"`],
      ["{{with $x := 4}}{{end}}{{$x}}", `template: t:1: undefined variable "$x"`],
      ["{{template $v}}", `template: t:1: unexpected "$v" in template clause`],
      ["{{template .X}}", `template: t:1: unexpected ".X" in template clause`],
      ["{{true.any}}", `template: t:1: unexpected . after term "true"`],
      ["{{'a'.any}}", `template: t:1: unexpected . after term "'a'"`],
      ['{{"hello".guys}}', `template: t:1: unexpected . after term "\\"hello\\""`],
      ["{{..E}}", `template: t:1: unexpected . after term "."`],
      ["{{nil.E}}", `template: t:1: unexpected . after term "nil"`],
      ["{{12|false}}", "template: t:1: non executable command in pipeline stage 2"],
      ["{{12|.}}", "template: t:1: non executable command in pipeline stage 2"],
      ["{{.|12|printf}}", "template: t:1: non executable command in pipeline stage 2"],
      ['{{.|printf|"error"}}', "template: t:1: non executable command in pipeline stage 3"],
      ["{{'c'|nil}}", "template: t:1: non executable command in pipeline stage 2"],
      ["{{ ( ) }}", "template: t:1: missing value for parenthesized pipeline"],
      ['{{printf "%d" ( ) }}', "template: t:1: missing value for parenthesized pipeline"],
      ["{{ $v := `\n` }} {{", "template: t:2: unclosed action"],
      ["{{range $k}}{{end}}", `template: t:1: undefined variable "$k"`],
      ["{{range $k,}}{{end}}", "template: t:1: missing value for range"],
      ["{{range $k, $v := }}{{end}}", "template: t:1: missing value for range"],
      ["{{range $k, .}}{{end}}", "template: t:1: range can only initialize variables"],
      ["{{range $k, 123 := .}}{{end}}", "template: t:1: range can only initialize variables"],
      ["{{range $x := $y := 3}}{{end}}", `template: t:1: undefined variable "$y"`],
      ["{{end}}", "template: t:1: unexpected {{end}}"],
      ["{{else}}", "template: t:1: unexpected {{else}}"],
      ["{{if .X}}hello{{end}}{{else}}", "template: t:1: unexpected {{else}}"],
      ["{{if .X}}1{{else}}2{{else}}3{{end}}", "template: t:1: expected end; found {{else}}"],
      ["hello{{range .x}}{{else}}", "template: t:1: unexpected EOF"],
      ["{{if .X}}a{{else if .Y}}b{{end}}{{end}}", "template: t:1: unexpected {{end}}"],
      ["{{if .X}}a{{else with .Y}}b{{end}}", "template: t:1: unexpected <with> in input"],
      ["{{else foo}}", `template: t:1: unexpected "foo" in else`],
      ["{{end foo}}", `template: t:1: unexpected "foo" in end`],
      ["{{printf 3, 4}}", `template: t:1: unexpected "," in operand`],
      ["{{printf (printf .).}}", "template: t:1: unexpected <.> in operand"],
      ["{{printf 3`x`}}", 'template: t:1: unexpected "`x`" in operand'],
      ["{{printf `x`.}}", "template: t:1: unexpected <.> in operand"],
      ["{{range .}}{{end}} {{break}}", "template: t:1: {{break}} outside {{range}}"],
      ["{{range .}}{{end}} {{continue}}", "template: t:1: {{continue}} outside {{range}}"],
      ["{{range .}}{{else}}{{break}}{{end}}", "template: t:1: {{break}} outside {{range}}"],
      ["{{range .}}{{else}}{{continue}}{{end}}", "template: t:1: {{continue}} outside {{range}}"],
      ["{{range .}}{{break 1}}{{end}}", `template: t:1: unexpected "1" in {{break}}`],
      ["{{$x:=.}}{{$x!2}}", "template: t:1: bad character U+0021 '!'"],
      ["{{$x:=.}}{{$x+2}}", "template: t:1: bad character U+002B '+'"],
      ['{{block "foo"}}hello{{end}}', "template: t:1: missing value for block clause"],
      ["{{define `x`}}{{else}}{{end}}", "template: t:1: unexpected {{else}} in define clause"],
      ["{{define x}}{{end}}", `template: t:1: unexpected "x" in define clause`],
      ["{{template x}}", `template: t:1: unexpected "x" in template clause`],
      ["{{x := 3}}", `template: t:1: function "x" not defined`],
      ["{{$x : 3}}", `template: t:1: undefined variable "$x"`],
      ["{{$x := 1}}{{$x : 3}}", "template: t:1: expected :="],
      ["{{\u00a0}}", "template: t:1: unrecognized character in action: U+00A0"],
      ["{{€}}", "template: t:1: unrecognized character in action: U+20AC '€'"],
      ["{{| printf}}", `template: t:1: unexpected "|" in command`],
      ["{{.X | 12345678901234}}", `template: t:1: non executable command in pipeline stage 2`],
      ["{{if}}{{end}}", "template: t:1: missing value for if"],
      ["{{with}}{{end}}", "template: t:1: missing value for with"],
    ];
    for (const [text, want] of cases) {
      assert.equal(
        errorOf(() => Template.parse("t", text)),
        want,
        JSON.stringify(text),
      );
    }
  });

  it("quotes long tokens as Go does", () => {
    assert.equal(
      errorOf(() => Template.parse("t", '{{printf "x""a very long string"}}')),
      'template: t:1: unexpected "\\"a very lo"... in operand',
    );
    assert.equal(
      errorOf(() => Template.parse("t", "{{define `x`}}{{end}} {{with 1}}{{define `y`}}{{end}}{{end}}")),
      "template: t:1: unexpected <define> in command",
    );
  });

  it("lets a break or continue function take the keyword's place", () => {
    const text = "{{range .}}{{break 20}}{{end}}";
    assert.equal(run(text, [1, 2], { funcs: { break: (x: unknown) => x } }), "2020");
    assert.equal(
      errorOf(() => Template.parse("t", text)),
      `template: t:1: unexpected "20" in {{break}}`,
    );
  });

  it("validates function names", () => {
    assert.throws(() => Template.parse("t", "", { funcs: { "a-b": () => 1 } }), {
      message: `function name "a-b" is not a valid identifier`,
    });
    assert.throws(() => Template.parse("t", "", { funcs: { "2": () => 1 } }), {
      message: `function name "2" is not a valid identifier`,
    });
    assert.equal(
      run("{{_}} {{Ӵ}} {{a1}}", null, { funcs: { _: () => 1, Ӵ: () => 2, a1: () => 3 } }),
      "1 2 3",
    );
  });
});

// ---- define, template, block, namespaces ----

describe("associated templates", () => {
  it("defines and invokes templates", () => {
    const t = Template.parse(
      "t",
      `{{define "T1"}}ONE{{end}}\n{{define "T2"}}TWO{{end}}\n{{define "T3"}}{{template "T1"}} {{template "T2"}}{{end}}\n{{template "T3"}}`,
    );
    assert.equal(t.execute(), "\n\n\nONE TWO");
    assert.equal(t.executeTemplate("T2"), "TWO");
    assert.deepEqual(t.definedTemplates(), ["T1", "T2", "T3", "t"]);
    assert.equal(run(`{{define "x"}}[{{.}}|{{$}}]{{end}}{{$y := 1}}{{template "x" .A}}`, { A: 5 }), "[5|5]");
    assert.equal(run(`{{define "t"}}inner{{end}}  `), "inner");
  });

  it("executes blocks, and overlays them in a clone", () => {
    const tmpl = Template.parse("outer", `a({{block "inner" .}}bar({{.}})baz{{end}})b`);
    const tmpl2 = tmpl.clone().parse(`{{define "inner"}}foo({{.}})bar{{end}}`);
    assert.equal(tmpl.execute("hello"), "a(bar(hello)baz)b");
    assert.equal(tmpl2.execute("goodbye"), "a(foo(goodbye)bar)b");
    assert.equal(tmpl.execute("hello"), "a(bar(hello)baz)b");
  });

  it("walks Go's binary tree with ( ) delimiters and trim markers (TestTree)", () => {
    type N = { Val: number; Left: N | null; Right: N | null };
    const tree = (Val: number, Left: N | null = null, Right: N | null = null): N =>
      goStruct("*template.Tree", { Val, Left, Right });
    const data = tree(
      1,
      tree(2, tree(3, tree(4)), tree(5, tree(6))),
      tree(7, tree(8, tree(9)), tree(10, tree(11))),
    );
    const text = `
	(- define "tree" -)
	[
		(- .Val -)
		(- with .Left -)
			(template "tree" . -)
		(- end -)
		(- with .Right -)
			(- template "tree" . -)
		(- end -)
	]
	(- end -)
`;
    const tmpl = Template.parse("root", text, { delims: ["(", ")"] });
    const want = "[1[2[3[4]][5[6]]][7[8[9]][10[11]]]]";
    assert.equal(tmpl.lookup("tree")!.execute(data), want);
    assert.equal(tmpl.executeTemplate("tree", data), want);
  });

  it("accepts other delimiters (TestDelims)", () => {
    const pairs: [string, string][] = [
      ["", ""],
      ["{{", "}}"],
      ["<<", ">>"],
      ["|", "|"],
      ["(日)", "(本)"],
    ];
    for (const [left, right] of pairs) {
      const l = left || "{{";
      const r = right || "}}";
      const text = `${l}.Str${r}${l}/*comment*/${r}${l}"${l}"${r}`;
      const out = Template.parse("delims", text, { delims: [left, right] }).execute({ Str: "Hello, world" });
      assert.equal(out, "Hello, world" + l);
    }
  });
});

// ---- fmt: the verbs printf supports ----

describe("printf", () => {
  const cases: [format: string, args: unknown[], want: string][] = [
    ["%d", [42], "42"],
    ["%5d|%-5d|%05d", [42, 42, 42], "   42|42   |00042"],
    ["%+d % d %+d", [42, 42, -42], "+42  42 -42"],
    ["%x %X %#x %#X %x", [255, 255, 255, 255, -255], "ff FF 0xff 0XFF -ff"],
    ["%o %#o %O %b %#b", [8, 8, 8, 5, 5], "10 010 0o10 101 0b101"],
    ["%.3d|%8.3d|%-8.3d|%08.3d", [7, 7, 7, 7], "007|     007|007     |     007"],
    ["%.0d|%5.0d", [0, 0], "|     "],
    [
      "%c %c %q %+q %U %#U",
      [65, 0x1f600, 65, 0x1f600, 0x1f600, 0x1f600],
      "A 😀 'A' '\\U0001f600' U+1F600 U+1F600 '😀'",
    ],
    ["%s|%5s|%-5s|%.1s|%05s", ["hi", "hi", "hi", "hello", "ab"], "hi|   hi|hi   |h|000ab"],
    ["%q %+q %#q %#q", ['a"b\n', "é", "a", "a`b"], '"a\\"b\\n" "\\u00e9" `a` "a`b"'],
    ["%x % x %X %#x % #x", ["hi", "hi", "hi", "hi", "hi"], "6869 68 69 6869 0x6869 0x68 0x69"],
    ["%f %.2f %5.2f %8.3f", [3.14159, 3.14159, 3.14159, -3.14159], "3.141590 3.14  3.14   -3.142"],
    [
      "%e %E %.2e %.2e",
      [1234.5678, 1234.5678, goFloat(0), 0],
      "1.234568e+03 1.234568E+03 0.00e+00 %!e(int=00)",
    ],
    [
      "%g %g %.3g %G %g",
      [1234.5678, 0.000012345, 1234.5678, 1e-7, 1e21],
      "1234.5678 1.2345e-05 1.23e+03 1E-07 1e+21",
    ],
    [
      "%v %v %v %v %v %v",
      [goFloat(1e6), 123456.5, goFloat(1e20), 0.1, 1 / 3, 1e6],
      "1e+06 123456.5 1e+20 0.1 0.3333333333333333 1000000",
    ],
    ["%.0f %.0f %.0f %.1f %.2f", [0.5, 1.5, 2.5, 0.25, 2.675], "0 2 2 0.2 2.67"],
    ["%+.1f %06.2f %-8.2f| % .2f", [1.5, -1.5, 1.5, 1.5], "+1.5 -01.50 1.50    |  1.50"],
    ["%#g %#.3g %#.0f %#e", [1.5, 1.5, 3.5, 1.5], "1.50000 1.50 4. 1.500000e+00"],
    ["%6.2v|%.3v", [3.14159, "hello"], "   3.1|hel"],
    ["%f %v %5.1f", [NaN, Infinity, -Infinity], "NaN +Inf  -Inf"],
    ["%t %v %5t", [true, false, true], "true false  true"],
    [
      "%T %T %T %T %T %T %T",
      [1, 1.5, "s", true, [1], { a: 1 }, null],
      "int float64 string bool []interface {} map[string]interface {} <nil>",
    ],
    [
      "%v %d %q %5d %x",
      [
        [1, "a", null],
        [1, 2],
        ["a", "b"],
        [1, 2],
        ["ab", "c"],
      ],
      '[1 a <nil>] [1 2] ["a" "b"] [    1     2] [6162 63]',
    ],
    ["%v %s %+v", [{ b: [1, 2], a: 1 }, { a: 1 }, { a: "x" }], "map[a:1 b:[1 2]] map[a:%!s(int=1)] map[a:x]"],
    [
      "%#v %#v %#v %#v %#v",
      [{ a: 1 }, [1, "a", null], "s", 42, 1.5],
      'map[string]interface {}{"a":1} []interface {}{1, "a", interface {}(nil)} "s" 42 1.5',
    ],
    ["%d %d", [1], "1 %!d(MISSING)"],
    ["%d", [1, 2], "1%!(EXTRA int=2)"],
    ["hi", [1, "a", null], "hi%!(EXTRA int=1, string=a, <nil>)"],
    ["%z %d %s %t", [1, "x", 2, "y"], "%!z(int=1) %!d(string=x) %!s(int=2) %!t(string=y)"],
    ["%s %d", [null, null], "%!s(<nil>) %!d(<nil>)"],
    ["%!", [], "%!!(NOVERB)".replace("(NOVERB)", "(MISSING)")],
    ["%", [], "%!(NOVERB)"],
    ["100%%", [], "100%"],
    ["%[2]d %[1]d %d", [1, 2], "2 1 2"],
    ["%[3]d", [1], "%!d(BADINDEX)"],
    ["%*d|%-*d|%.*f", [5, 42, 5, 42, 2, 3.14159], "   42|42   |3.14"],
    ["%*d", ["x", 1], "%!(BADWIDTH)1"],
    ["%.2s", [["hello", "world"]], "[he wo]"],
    [
      "%v %s",
      [goStruct("T", { String: () => "str!" }), goStruct("T", { Error: () => "err!", String: () => "str" })],
      "str! err!",
    ],
    ["%v %d", [goStruct("T", { A: 1, B: "x" }), goStruct("T", { A: 1, B: 2 })], "{1 x} {1 2}"],
    [
      "%v",
      [
        goStruct("T", {
          String: () => {
            throw new Error("bad");
          },
        }),
      ],
      "%!v(PANIC=String method: bad)",
    ],
    ["%v %d", [12345678901234567890n, -5n], "12345678901234567890 -5"],
    ["%v", [new GoComplex(1.5, -2)], "(1.5-2i)"],
    ["%.2f", [new GoComplex(1, 2)], "(1.00+2.00i)"],
  ];

  it("formats as fmt.Sprintf does", () => {
    for (const [format, args, want] of cases)
      assert.equal(sprintf(format, args), want, `${format} ${String(args)}`);
  });

  it("formats from templates", () => {
    assert.equal(
      run(`{{printf "%5.2f|%-5s|%q|%x|%t|%T" 3.14159 "ab" "hi" 255 true 1.0}}`),
      ' 3.14|ab   |"hi"|ff|true|float64',
    );
  });
});

// ---- escaping ----

describe("escapers", () => {
  it("escapes JavaScript (TestJSEscaping)", () => {
    const cases: [string, string][] = [
      ["a", "a"],
      ["'foo", "\\'foo"],
      ['Go "jump" \\', 'Go \\"jump\\" \\\\'],
      ['Yukihiro says "今日は世界"', 'Yukihiro says \\"今日は世界\\"'],
      ["unprintable \uFFFE", "unprintable \\uFFFE"],
      ["<html>", "\\u003Chtml\\u003E"],
      ["no = in attributes", "no \\u003D in attributes"],
      ["&#x27; does not become HTML entity", "\\u0026#x27; does not become HTML entity"],
      ["tab\there\u0001\u007f", "tab\\u0009here\\u0001\u007f"],
    ];
    for (const [input, want] of cases) assert.equal(jsEscapeString(input), want);
  });

  it("escapes HTML and URL queries", () => {
    assert.equal(
      htmlEscapeString(`<a href="x" title='y'>&\0`),
      "&lt;a href=&#34;x&#34; title=&#39;y&#39;&gt;&amp;\uFFFD",
    );
    assert.equal(urlQueryEscape("a b&c=d/é~-_.!*"), "a+b%26c%3Dd%2F%C3%A9~-_.%21%2A");
    assert.equal(
      run("{{html 1 2 .X}} {{js .L}} {{urlquery .M}}", { L: ["<"], M: { k: "a b" } }),
      "1 2&lt;no value&gt; [\\u003C] map%5Bk%3Aa+b%5D",
    );
  });
});
