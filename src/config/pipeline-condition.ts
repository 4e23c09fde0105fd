/**
 * The `condition:` language of pipeline stages: small, hand-written, and never `eval`. It is part of
 * the config format (validate reports its errors with their column), so it lives here; evaluation
 * over a run's context is in src/pipelines/condition-eval.ts.
 *
 *   expr    := or
 *   or      := and ('||' and)*
 *   and     := unary ('&&' unary)*
 *   unary   := '!' unary | compare
 *   compare := operand (('==' | '!=') operand)?
 *   operand := '(' expr ')' | STRING | NUMBER | true | false | PATH
 *   PATH    := NAME ('.' NAME)*        NAME := [A-Za-z_][A-Za-z0-9_-]*   (so `error-detected` is one name)
 *   STRING  := "…" | '…'               (\\ escapes the next character)
 *
 * Binding (`bindCondition`) decides what each name means: a known context root (`branch`, `env.HOME`,
 * `outputs.deck`, …), a named condition (`error-detected`), or a declared output. A single word that
 * names none of these is text when it is an operand of `==`/`!=` — so `branch == main` reads as the
 * document means it — and an error anywhere else.
 */

export type CondNode =
  | { kind: 'or' | 'and'; left: CondNode; right: CondNode }
  | { kind: 'not'; expr: CondNode }
  | { kind: 'cmp'; op: '==' | '!='; left: CondNode; right: CondNode }
  | { kind: 'lit'; value: string | number | boolean }
  | { kind: 'path'; parts: string[]; offset: number };

export type CondResult = { ok: true; ast: CondNode } | { ok: false; message: string; offset: number };

/** Roots every run context has (see src/pipelines/condition-eval.ts). */
export const CONTEXT_ROOTS = ['branch', 'event', 'env', 'vars', 'outputs', 'stages', 'error', 'run', 'trigger'] as const;
/** Conditions with a name: `error-detected` holds when an earlier stage failed or `error.detected` is set. */
export const NAMED_CONDITIONS = ['error-detected'] as const;

export const MAX_CONDITION_LENGTH = 1000;
const MAX_DEPTH = 32;

type Tok =
  | { t: 'op'; v: '==' | '!=' | '&&' | '||' | '!' | '(' | ')'; at: number }
  | { t: 'str'; v: string; at: number }
  | { t: 'num'; v: number; at: number }
  | { t: 'path'; v: string[]; at: number }
  | { t: 'end'; at: number };

class CondError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

const NAME = /[A-Za-z_][A-Za-z0-9_-]*/y;
const NUMBER = /-?\d+(?:\.\d+)?/y;

export function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (c === ' ' || c === '\t') { i++; continue; }
    const two = src.slice(i, i + 2);
    if (two === '==' || two === '!=' || two === '&&' || two === '||') { out.push({ t: 'op', v: two, at: i }); i += 2; continue; }
    if (c === '!' || c === '(' || c === ')') { out.push({ t: 'op', v: c, at: i }); i++; continue; }
    if (c === '"' || c === "'") {
      let s = '';
      let j = i + 1;
      for (; j < src.length && src[j] !== c; j++) {
        if (src[j] === '\\' && j + 1 < src.length) j++;
        s += src[j];
      }
      if (j >= src.length) throw new CondError(`unterminated string (no closing ${c})`, i);
      out.push({ t: 'str', v: s, at: i });
      i = j + 1;
      continue;
    }
    NUMBER.lastIndex = i;
    const num = NUMBER.exec(src);
    if (num && (c === '-' || /\d/.test(c))) {
      out.push({ t: 'num', v: Number(num[0]), at: i });
      i += num[0].length;
      continue;
    }
    NAME.lastIndex = i;
    if (NAME.exec(src)) {
      const start = i;
      const parts: string[] = [];
      for (;;) {
        NAME.lastIndex = i;
        const m = NAME.exec(src);
        if (!m) throw new CondError('expected a name after "."', i);
        parts.push(m[0]);
        i += m[0].length;
        if (src[i] !== '.') break;
        i++;
      }
      out.push({ t: 'path', v: parts, at: start });
      continue;
    }
    if (c === '=') throw new CondError('"=" is not an operator; compare with "=="', i);
    if (c === '&' || c === '|') throw new CondError(`"${c}" is not an operator; use "${c}${c}"`, i);
    throw new CondError(`unexpected character ${JSON.stringify(c)}; allowed: names, "text", numbers, == != && || ! ( )`, i);
  }
  out.push({ t: 'end', at: src.length });
  return out;
}

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok {
    return this.toks[this.pos] as Tok;
  }

  private isOp(v: string): boolean {
    const t = this.peek();
    return t.t === 'op' && t.v === v;
  }

  parse(): CondNode {
    const e = this.or();
    const t = this.peek();
    if (t.t !== 'end') throw new CondError(`unexpected ${describe(t)}; expected && || or the end`, t.at);
    return e;
  }

  private or(): CondNode {
    let left = this.and();
    while (this.isOp('||')) { this.pos++; left = { kind: 'or', left, right: this.and() }; }
    return left;
  }

  private and(): CondNode {
    let left = this.unary();
    while (this.isOp('&&')) { this.pos++; left = { kind: 'and', left, right: this.unary() }; }
    return left;
  }

  private unary(): CondNode {
    if (this.isOp('!')) {
      this.pos++;
      return this.nested(() => ({ kind: 'not', expr: this.unary() }));
    }
    const left = this.operand();
    const t = this.peek();
    if (t.t === 'op' && (t.v === '==' || t.v === '!=')) {
      this.pos++;
      return { kind: 'cmp', op: t.v, left, right: this.operand() };
    }
    return left;
  }

  private nested(f: () => CondNode): CondNode {
    const t = this.peek();
    if (++this.depth > MAX_DEPTH) throw new CondError(`nested more than ${MAX_DEPTH} levels deep`, t.at);
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  private operand(): CondNode {
    const t = this.peek();
    this.pos++;
    switch (t.t) {
      case 'str': return { kind: 'lit', value: t.v };
      case 'num': return { kind: 'lit', value: t.v };
      case 'path':
        if (t.v.length === 1 && (t.v[0] === 'true' || t.v[0] === 'false')) return { kind: 'lit', value: t.v[0] === 'true' };
        return { kind: 'path', parts: t.v, offset: t.at };
      case 'op':
        if (t.v === '(') {
          const e = this.nested(() => this.or());
          if (!this.isOp(')')) throw new CondError(`expected ")" to close the "(" at column ${t.at + 1}`, this.peek().at);
          this.pos++;
          return e;
        }
        break;
      case 'end':
        throw new CondError('the condition ends too early: expected a name, "text" or a number', t.at);
    }
    throw new CondError(`unexpected ${describe(t)}; expected a name, "text" or a number`, t.at);
  }
}

function describe(t: Tok): string {
  switch (t.t) {
    case 'op': return `"${t.v}"`;
    case 'str': return `text ${JSON.stringify(t.v)}`;
    case 'num': return `number ${t.v}`;
    case 'path': return `name "${t.v.join('.')}"`;
    case 'end': return 'end of the condition';
  }
}

/** Parses a condition; never throws. `offset` is 0-based within the text. */
export function parseCondition(src: string): CondResult {
  if (src.length > MAX_CONDITION_LENGTH) return { ok: false, message: `longer than ${MAX_CONDITION_LENGTH} characters`, offset: 0 };
  if (src.trim() === '') return { ok: false, message: 'is empty; write an expression such as branch == main', offset: 0 };
  try {
    return { ok: true, ast: new Parser(tokenize(src)).parse() };
  } catch (e) {
    if (e instanceof CondError) return { ok: false, message: e.message, offset: e.offset };
    throw e;
  }
}

/**
 * Resolves names: `known(root)` says whether a single first word is a context root, named condition or
 * declared output. Returns the bound tree (unknown comparison words become text) or the first unknown name.
 */
export function bindCondition(ast: CondNode, known: (name: string) => boolean): CondResult {
  const problems: { message: string; offset: number }[] = [];
  const bind = (n: CondNode, operand: boolean): CondNode => {
    switch (n.kind) {
      case 'or':
      case 'and': return { kind: n.kind, left: bind(n.left, false), right: bind(n.right, false) };
      case 'not': return { kind: 'not', expr: bind(n.expr, false) };
      case 'cmp': return { kind: 'cmp', op: n.op, left: bind(n.left, true), right: bind(n.right, true) };
      case 'lit': return n;
      case 'path': {
        const root = n.parts[0] as string;
        if (known(root)) return n;
        if (operand && n.parts.length === 1) return { kind: 'lit', value: root };
        problems.push({
          offset: n.offset,
          message: `unknown name "${n.parts.join('.')}"; a condition may use ${[...CONTEXT_ROOTS, ...NAMED_CONDITIONS].join(', ')} or a stage output (quote text: "${root}")`,
        });
        return n;
      }
    }
  };
  const bound = bind(ast, false);
  const first = problems[0];
  return first === undefined ? { ok: true, ast: bound } : { ok: false, ...first };
}

/** Parse and bind in one step, for rules and the runner. */
export function compileCondition(src: string, known: (name: string) => boolean): CondResult {
  const p = parseCondition(src);
  return p.ok ? bindCondition(p.ast, known) : p;
}

/** The default `known`: context roots, named conditions and the given output names. */
export function knownNames(outputs: Iterable<string>): (name: string) => boolean {
  const set = new Set<string>([...CONTEXT_ROOTS, ...NAMED_CONDITIONS, ...outputs]);
  return (n) => set.has(n);
}
