/**
 * The three steps on one file, in changesets' shape: parse → schema (`safeParse`, every zod issue
 * located with `file:line:col` and its path) → rules, returning every problem at once as a result union.
 */
import type { z } from 'zod';
import { failed, ok, type ConfigResult } from './config-issue.js';
import { runRules, type Rule } from './rules.js';
import { issueAt, parseYamlSource, type YamlSource, type YamlSourceOptions } from './yaml-source.js';
import { findingsFromZod } from './zod-issues.js';

/** Checks parsed data against a zod schema; every zod issue becomes a located issue. */
export function validateSource<S extends z.ZodType>(source: YamlSource, schema: S): ConfigResult<z.output<S>> {
  const r = schema.safeParse(source.data);
  if (r.success) return ok(r.data);
  const findings = findingsFromZod(r.error.issues, source.data);
  return failed(findings.map((f) => issueAt(source, f.path, f.message, { at: f.at })));
}

/**
 * All three steps on one file's contents. Rules see the raw data (written defensively) so they run
 * even when the schema fails: a bad pane name and a duplicate conductor are reported together.
 */
export function loadYamlSource<S extends z.ZodType>(
  file: string,
  input: string | Uint8Array,
  schema: S,
  rules: readonly Rule<unknown>[] = [],
  opts: YamlSourceOptions = {},
): ConfigResult<{ value: z.output<S>; source: YamlSource }> {
  return checkParsed(parseYamlSource(file, input, opts), schema, rules);
}

/** The schema and rules on a document already parsed (a layout file is parsed once, then read as tmuxinator's, tmuxp's or ours). */
export function checkParsed<S extends z.ZodType>(
  parsed: ReturnType<typeof parseYamlSource>,
  schema: S,
  rules: readonly Rule<unknown>[] = [],
): ConfigResult<{ value: z.output<S>; source: YamlSource }> {
  const source = parsed.ok ? parsed.value : parsed.partial;
  if (source === undefined) return parsed.ok ? failed([]) : failed(parsed.issues, parsed.warnings);
  const issues = parsed.ok ? [] : [...parsed.issues];
  const checked = validateSource(source, schema);
  if (!checked.ok) issues.push(...checked.issues);
  issues.push(...runRules(source, source.data, rules));
  const errors = issues.filter((i) => i.severity === 'error');
  const warnings = [...parsed.warnings, ...issues.filter((i) => i.severity === 'warning')];
  if (errors.length > 0 || !checked.ok) return failed(errors, warnings);
  return ok({ value: checked.value, source }, warnings);
}
