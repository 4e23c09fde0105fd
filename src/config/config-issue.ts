/**
 * What every config loader (layouts, pipelines, skills, triggers) returns: a union that is either the
 * value or *all* the problems found, each with `file:line:col` and the field path. Nothing here throws
 * for bad input; `configError` turns a failed result into the one error the CLI boundary prints.
 */
import { MiyabiError } from '../core/errors.js';

export type PathSegment = string | number;

export interface ConfigIssue {
  /** The file as shown to the user (relative to the working folder when inside it). */
  file: string;
  /** 1-based; 0 when the problem is about the whole file (missing, too big, not UTF-8 …). */
  line: number;
  /** 1-based; 0 together with line 0. */
  col: number;
  /** The field, e.g. "windows[0].panes[1].name"; "" for the document itself. */
  path: string;
  /** What was wrong and what was expected. Control and invisible characters are escaped. */
  message: string;
  severity: 'error' | 'warning';
}

export type ConfigResult<T> =
  | { ok: true; value: T; warnings: ConfigIssue[] }
  | {
      ok: false;
      issues: ConfigIssue[];
      warnings: ConfigIssue[];
      /** The same issues as one ConfigError (code CONFIG, exit 2), ready for `throw r.error`. */
      error: MiyabiError;
    };

export function ok<T>(value: T, warnings: ConfigIssue[] = []): ConfigResult<T> {
  return { ok: true, value, warnings };
}

export function failed<T = never>(issues: ConfigIssue[], warnings: ConfigIssue[] = []): ConfigResult<T> {
  const sorted = sortIssues(issues);
  return { ok: false, issues: sorted, warnings, error: configError(sorted) };
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** ["windows", 0, "panes", 1, "name"] → "windows[0].panes[1].name"; odd keys are quoted: env["A.B"]. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (IDENTIFIER.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${quote(seg)}]`;
  }
  return out;
}

/** `layouts/dev.yaml:12:9 windows[0].panes[1].name: contains ":"; allowed: …` */
export function formatIssue(i: ConfigIssue): string {
  const file = safeText(i.file);
  const where = i.line > 0 ? `${file}:${i.line}:${i.col}` : file;
  const what = i.severity === 'warning' ? `warning: ${i.message}` : i.message;
  return i.path === '' ? `${where}: ${what}` : `${where} ${i.path}: ${what}`;
}

/** Sorted by file, then position, duplicates removed: the order a user fixes them in. */
export function sortIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  const out: ConfigIssue[] = [];
  for (const i of issues) {
    const key = formatIssue(i);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(i);
  }
  return out.sort((a, b) =>
    a.file === b.file ? a.line - b.line || a.col - b.col : a.file < b.file ? -1 : 1,
  );
}

/** The single error for a failed load: every issue on its own line, and the fix as the hint. */
export function configError(
  issues: readonly ConfigIssue[],
  hint = 'fix every problem listed above, then run the command again',
): MiyabiError {
  const lines = sortIssues(issues).map(formatIssue);
  const head = lines.length === 1 ? '' : `${lines.length} problems in the configuration:\n`;
  return new MiyabiError('CONFIG', head + lines.join('\n'), { hint, detail: { issues } });
}

/**
 * Makes user text safe to print: control characters (ESC could drive the terminal), bidi overrides
 * and zero-width characters become visible `\u{…}` escapes.
 */
export function safeText(s: string): string {
  return s.replace(
    /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu,
    (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}}`,
  );
}

/** A short, printable, quoted form of a user value for messages. */
export function quote(s: string, max = 40): string {
  const cut = [...s].length > max ? `${[...s].slice(0, max).join('')}…` : s;
  return safeText(JSON.stringify(cut));
}

/** "a string ("x")", "a number (3)", "a list", "a mapping", "an empty value", … */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'an empty value';
  if (typeof v === 'string') return `a string (${quote(v)})`;
  if (typeof v === 'number') return `a number (${v})`;
  if (typeof v === 'boolean') return `a boolean (${v})`;
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Date) return 'a date';
  if (typeof v === 'object') return 'a mapping';
  return `a ${typeof v}`;
}

/** The value, or a ConfigError listing every issue (for the CLI; library code keeps the union). */
export function unwrapConfig<T>(r: ConfigResult<T>, hint?: string): T {
  if (r.ok) return r.value;
  throw hint === undefined ? r.error : configError(r.issues, hint);
}
