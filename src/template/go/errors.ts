/**
 * A parse or execution error, its message exactly as Go prints it, e.g.
 * `template: t:1: function "nope" not defined` or
 * `template: t:1:2: executing "t" at <.Foo>: can't evaluate field Foo in type int`.
 * An error thrown by a template function is kept as `cause`.
 */
export class TemplateError extends Error {
  override name = "TemplateError";
  constructor(
    message: string,
    /** "parse" for syntax errors, "exec" for errors while executing. */
    readonly kind: "parse" | "exec",
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An error a builtin returns (Go's `return ..., err`); evalCall turns it into "error calling X: ...". */
export class GoError extends Error {}
