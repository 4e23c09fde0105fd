/**
 * The rules step (changesets' `rules.ts` style): cross-field checks that look at the parsed data and
 * report, each problem located in the source. Rules never throw for bad data and never stop at the first
 * problem; they read the raw data defensively so they can run even when the schema failed.
 */
import { offsetOf } from './yaml-locate.js';
import type { ConfigIssue, PathSegment } from './config-issue.js';
import { issueAt, type YamlSource } from './yaml-source.js';

export interface RuleContext<T> {
  data: T;
  source: YamlSource;
  /** Records a problem at a field; rules never throw and never stop at the first problem. */
  report(path: readonly PathSegment[], message: string, opts?: { at?: 'key' | 'value'; severity?: 'error' | 'warning' }): void;
  /** "line:col" of a field, for messages that name a second location. */
  where(path: readonly PathSegment[]): string;
}

/** A cross-field check: it looks at the data and reports. */
export type Rule<T> = (ctx: RuleContext<T>) => void;

export function runRules<T>(source: YamlSource, data: T, rules: readonly Rule<T>[]): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const ctx: RuleContext<T> = {
    data,
    source,
    report: (path, message, opts) => out.push(issueAt(source, path, message, opts)),
    where: (path) => {
      const { line, col } = source.lineCounter.linePos(offsetOf(source.doc, path));
      return `${line}:${col}`;
    },
  };
  for (const rule of rules) rule(ctx);
  return out;
}
