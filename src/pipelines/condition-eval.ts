/**
 * Evaluates a bound condition (src/config/pipeline-condition.ts) over a run's context. Pure: no
 * eval, no Function, no property access beyond plain own data.
 */
import { compileCondition, knownNames, type CondNode } from '../config/pipeline-condition.js';

export interface ConditionContext {
  branch?: string;
  event?: Record<string, unknown>;
  env?: Record<string, string | undefined>;
  vars?: Record<string, string>;
  outputs?: Record<string, string>;
  stages?: Record<string, { outcome: string; output?: string }>;
  error?: { detected?: boolean };
  run?: { id: string; pipeline: string };
  trigger?: string;
}

type Value = string | number | boolean | undefined | null | object;

function lookup(ctx: ConditionContext, parts: string[]): Value {
  const [root, ...rest] = parts as [string, ...string[]];
  if (root === 'error-detected') return ctx.error?.detected === true;
  let v: unknown = Object.prototype.hasOwnProperty.call(ctx, root)
    ? (ctx as Record<string, unknown>)[root]
    : ctx.outputs !== undefined && Object.prototype.hasOwnProperty.call(ctx.outputs, root) ? ctx.outputs[root] : undefined;
  for (const p of rest) {
    if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, p)) return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  return v as Value;
}

/** false for nothing, "", "false", "0", 0 and false; true otherwise. */
export function truthy(v: Value): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (typeof v === 'string' && (v === 'false' || v === '0')) return false;
  return true;
}

function equal(a: Value, b: Value): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  const text = (v: Value) => (v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return text(a) === text(b);
}

function value(n: CondNode, ctx: ConditionContext): Value {
  switch (n.kind) {
    case 'lit': return n.value;
    case 'path': return lookup(ctx, n.parts);
    default: return evaluate(n, ctx);
  }
}

export function evaluate(n: CondNode, ctx: ConditionContext): boolean {
  switch (n.kind) {
    case 'or': return evaluate(n.left, ctx) || evaluate(n.right, ctx);
    case 'and': return evaluate(n.left, ctx) && evaluate(n.right, ctx);
    case 'not': return !evaluate(n.expr, ctx);
    case 'cmp': {
      const eq = equal(value(n.left, ctx), value(n.right, ctx));
      return n.op === '==' ? eq : !eq;
    }
    case 'lit':
    case 'path': return truthy(value(n, ctx));
  }
}

/** Compiles and evaluates; throws on a bad condition (validate refuses those before a run). */
export function conditionHolds(src: string, ctx: ConditionContext, outputNames: Iterable<string> = Object.keys(ctx.outputs ?? {})): boolean {
  const r = compileCondition(src, knownNames(outputNames));
  if (!r.ok) throw new Error(`bad condition ${JSON.stringify(src)}: ${r.message} (column ${r.offset + 1})`);
  return evaluate(r.ast, ctx);
}
