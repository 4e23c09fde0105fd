/**
 * Turns zod issues into findings a person can act on: the full field path, what was found and what
 * was expected. Zod's own messages ("Invalid input") say neither, and a failed union hides the real
 * problem one level down, so unions are unwrapped to the branch whose type matched.
 */
import { z } from 'zod';
import { describeValue, quote, type PathSegment } from './config-issue.js';

/** One problem before it has a file position; `at: 'key'` points at the key instead of its value. */
export interface Finding {
  path: PathSegment[];
  message: string;
  at?: 'key' | 'value';
}

type Issue = z.core.$ZodIssue;

const ALLOWED_KEYS = 'allowed keys: ';
const ALIASES = ' | aliases: ';

/**
 * A `z.strictObject` whose unknown-key issues carry the list of allowed keys, so a typo is answered
 * with the right spelling. `aliases` maps keys other tools use (tmuxp's `session_name`) to ours, for
 * the "did you mean" hint. Use it for every object in a config schema.
 */
export function strictObject<T extends z.core.$ZodLooseShape>(shape: T, aliases: Record<string, keyof T & string> = {}) {
  const allowed = Object.keys(shape).join(', ');
  const alias = Object.entries(aliases).map(([from, to]) => `${from}=${to}`).join(',');
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? ALLOWED_KEYS + allowed + (alias ? ALIASES + alias : '') : undefined),
  });
}

/** Reads back what `strictObject` put in the issue message. */
function parseAllowed(message: string): { allowed: string; list: string[]; aliases: Map<string, string> } {
  if (!message.startsWith(ALLOWED_KEYS)) return { allowed: '', list: [], aliases: new Map() };
  const [allowed = '', alias = ''] = message.slice(ALLOWED_KEYS.length).split(ALIASES);
  const pairs = alias === '' ? [] : alias.split(',').map((p) => p.split('=') as [string, string]);
  return { allowed, list: allowed.split(', '), aliases: new Map(pairs) };
}

/** The value at `path` in the parsed data, or undefined. */
export function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let cur = data;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = Object.prototype.hasOwnProperty.call(cur, seg) ? (cur as Record<PathSegment, unknown>)[seg] : undefined;
  }
  return cur;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value)',
  record: 'a mapping (key: value)',
  null: 'an empty value',
};

function expectedWord(t: string): string {
  return TYPE_WORDS[t] ?? t;
}

function oneOf(words: string[]): string {
  const uniq = [...new Set(words)];
  if (uniq.length <= 1) return uniq[0] ?? 'something else';
  return `${uniq.slice(0, -1).join(', ')} or ${uniq[uniq.length - 1]}`;
}

/** Edit distance counting a swap of neighbours as one edit ("panse" → "panes"); small inputs only. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 0; j <= b.length; j++) (d[0] as number[])[j] = j;
  const at = (i: number, j: number): number => d[i]?.[j] ?? Infinity;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = v;
    }
  }
  return at(a.length, b.length);
}

/** ` (did you mean "windows"?)` when one candidate is close, else "". */
export function suggestion(given: string, candidates: readonly string[]): string {
  if (given.length > 64) return '';
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(given.toLowerCase(), c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(best.length / 3))
    ? ` (did you mean ${JSON.stringify(best)}?)`
    : '';
}

/** A union branch "matched" when its failure is not simply "wrong type or value at the union itself". */
function branchMatched(issues: readonly Issue[]): boolean {
  return !issues.every((i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value'));
}

/** What a branch that did not match wanted: "a list", "\"fast\"", … */
function branchWants(i: Issue): string[] {
  if (i.code === 'invalid_type') return [expectedWord(i.expected)];
  if (i.code === 'invalid_value') return i.values.map((v) => JSON.stringify(v));
  return ['something else'];
}

function toSegments(path: readonly PropertyKey[]): PathSegment[] {
  return path.map((p) => (typeof p === 'number' ? p : String(p)));
}

/** All findings for a list of zod issues, against the data that was parsed. */
export function findingsFromZod(issues: readonly Issue[], data: unknown, prefix: PathSegment[] = []): Finding[] {
  const out: Finding[] = [];
  for (const iss of issues) out.push(...findingsFromIssue(iss, data, prefix));
  return out;
}

function findingsFromIssue(iss: Issue, data: unknown, prefix: PathSegment[]): Finding[] {
  const path = [...prefix, ...toSegments(iss.path)];
  const got = valueAt(data, path);
  switch (iss.code) {
    case 'invalid_type': {
      // A schema may add advice with `{ error: … }`; zod's own text ("Invalid input: …") adds nothing.
      const advice = iss.message.startsWith('Invalid input') ? '' : `; ${iss.message}`;
      if (got === undefined) return [{ path, message: `is required: expected ${expectedWord(iss.expected)}${advice}` }];
      return [{ path, message: `expected ${expectedWord(iss.expected)}, got ${describeValue(got)}${advice}` }];
    }
    case 'unrecognized_keys': {
      const { allowed, list, aliases } = parseAllowed(iss.message);
      return iss.keys.map((key) => {
        const alias = aliases.get(key);
        const hint = alias !== undefined ? ` (did you mean ${JSON.stringify(alias)}?)` : suggestion(key, list);
        return {
          path: [...path, key],
          at: 'key' as const,
          message: `unknown key ${quote(key)}${hint}${allowed ? `; ${ALLOWED_KEYS}${allowed}` : ''}`,
        };
      });
    }
    case 'invalid_value': {
      const values = iss.values.map((v) => String(v));
      const hint = typeof got === 'string' ? suggestion(got, values) : '';
      return [{ path, message: `expected one of: ${values.join(', ')}; got ${describeValue(got)}${hint}` }];
    }
    case 'too_small':
      if (iss.origin === 'array' && Number(iss.minimum) <= 1) return [{ path, message: 'must not be empty: expected at least one item' }];
      if (iss.origin === 'string' && Number(iss.minimum) <= 1) return [{ path, message: 'must not be empty' }];
      return [{ path, message: `too small: expected at least ${String(iss.minimum)} (${iss.origin})` }];
    case 'too_big':
      return [{ path, message: `too big: expected at most ${String(iss.maximum)} (${iss.origin})` }];
    case 'invalid_union': {
      // The branch whose type matched holds the real problem; with several, the one with fewest issues.
      const matched = iss.errors.filter(branchMatched).sort((a, b) => a.length - b.length);
      const first = matched[0];
      if (first !== undefined) return findingsFromZod(first, data, path);
      const expected = iss.errors.flat().flatMap(branchWants);
      return [{ path, message: `expected ${oneOf(expected)}; got ${describeValue(got)}` }];
    }
    case 'invalid_key': {
      const key = String(path[path.length - 1] ?? '');
      return [{ path, at: 'key', message: `invalid key ${quote(key)}: ${iss.issues.map((i) => i.message).join('; ')}` }];
    }
    case 'custom': {
      const at = iss.params?.['at'] === 'key' ? 'key' : 'value';
      return [{ path, message: iss.message, at }];
    }
    default:
      return [{ path, message: iss.message }];
  }
}
