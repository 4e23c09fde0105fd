/**
 * The generic YAML front end for every config file (layouts now; pipelines, skills, triggers later),
 * in changesets' shape: read → parse → schema (`safeParse`) → rules, returning every problem at once
 * with `file:line:col` and the field path (PRACTICES.md 6, RELIABILITY.md B9). Never throws for bad input.
 */
import fs from 'node:fs';
import { LineCounter, isAlias, parseDocument, visit, type Document, type YAMLError } from 'yaml';
import type { z } from 'zod';
import { failed, formatPath, ok, quote, safeText, type ConfigIssue, type ConfigResult, type PathSegment } from './config-issue.js';
import { MAX_NESTING, lineColAt, tooDeepAt } from './nesting.js';
import { decodeUtf8 } from './utf8.js';
import { offsetOf, pathAtOffset, positionOf } from './yaml-locate.js';
import { findingsFromZod } from './zod-issues.js';

/** Config files are small; anything bigger is a mistake or an attack (RELIABILITY.md B9). */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** `yaml`'s guard against "billion laughs": the most alias expansions `toJS` may do. */
export const MAX_ALIAS_COUNT = 100;

export interface YamlSourceOptions {
  maxBytes?: number;
  maxAliasCount?: number;
}

/** A parsed file: the document for locating fields, and its plain data for the schema. */
export interface YamlSource {
  file: string;
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  data: unknown;
}

/** A file-level problem (no position). */
export function fileIssue(file: string, message: string): ConfigIssue {
  return { file, line: 0, col: 0, path: '', message: safeText(message), severity: 'error' };
}

/** An issue at the field `path` of `source` (its value, or its key with `at: 'key'`). */
export function issueAt(
  source: YamlSource,
  path: readonly PathSegment[],
  message: string,
  opts: { at?: 'key' | 'value'; severity?: 'error' | 'warning' } = {},
): ConfigIssue {
  const { line, col } = positionOf(source.doc, source.lineCounter, path, opts.at);
  return { file: source.file, line, col, path: formatPath(path), message: safeText(message), severity: opts.severity ?? 'error' };
}

function mib(n: number): string {
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

function tooBig(file: string, size: number, max: number): ConfigIssue {
  return fileIssue(file, `file is ${mib(size)} (${size} bytes); a config file may be at most ${mib(max)}`);
}

/** Reads a config file safely: it must exist, be a regular file (a FIFO would hang us) and be small. */
export function readConfigFile(absPath: string, file: string, opts: YamlSourceOptions = {}): ConfigResult<Uint8Array> {
  const max = opts.maxBytes ?? MAX_CONFIG_BYTES;
  try {
    const st = fs.statSync(absPath);
    if (!st.isFile()) return failed([fileIssue(file, `is not a regular file (${absPath}); expected a YAML file`)]);
    if (st.size > max) return failed([tooBig(file, st.size, max)]);
    return ok(fs.readFileSync(absPath));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : String(e);
    return failed([fileIssue(file, `${why}: ${absPath}`)]);
  }
}

/** The first line of a `yaml` error without its " at line N, column M:" tail (we print our own). */
function cleanYamlMessage(e: YAMLError): string {
  return (e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
}

/** Turns `yaml` errors/warnings into issues; tab indentation gets one clear issue per line. */
function yamlIssues(file: string, text: string, doc: Document.Parsed, lc: LineCounter): ConfigIssue[] {
  const lines = text.split('\n');
  const tabLines = new Set<number>();
  const out: ConfigIssue[] = [];
  for (const e of [...doc.errors, ...doc.warnings]) {
    const offset = e.pos[0];
    const { line, col } = lc.linePos(offset);
    const indent = /^[ \t]*/.exec(lines[line - 1] ?? '')?.[0] ?? '';
    const severity = e.name === 'YAMLWarning' ? 'warning' : 'error';
    if (severity === 'error' && indent.includes('\t')) {
      if (tabLines.has(line)) continue;
      tabLines.add(line);
      out.push({
        // No field path: after a tab the parser's idea of the structure is wrong, so any path would be too.
        file, line, col: indent.indexOf('\t') + 1, path: '', severity,
        message: 'tab character in indentation; YAML indents with spaces only (replace the tab with spaces)',
      });
      continue;
    }
    let message = cleanYamlMessage(e);
    if (e.code === 'DUPLICATE_KEY') {
      const key = /^\s*(?:-\s+)*([^:]+?)\s*:/.exec((lines[line - 1] ?? '').slice(col - 1))?.[1];
      message = `duplicate key${key ? ` ${quote(key)}` : ''}: each key may appear only once in a mapping`;
    } else if (e.code === 'MULTIPLE_DOCS') {
      message = 'more than one YAML document (a second "---"); expected exactly one';
    }
    out.push({ file, line, col, path: formatPath(pathAtOffset(doc, offset)), message, severity });
  }
  // After a tab in the indentation the parser's other complaints are its confusion, not more
  // problems: report the tabs alone (the user fixes them and sees anything left).
  const tabs = out.filter((i) => i.message.startsWith('tab character'));
  return (tabs.length > 0 ? tabs : out).map((i) => ({ ...i, message: safeText(i.message) }));
}

/** Syntax errors after which the data is still exactly what the user wrote, so checking may go on. */
const RECOVERABLE = new Set(['DUPLICATE_KEY']);

/**
 * Decodes (strict UTF-8, size cap) and parses one YAML document. Fails on any syntax error, giving
 * every one; duplicate keys alone still yield the data, so the schema can report its problems too.
 */
export function parseYamlSource(
  file: string,
  input: string | Uint8Array,
  opts: YamlSourceOptions = {},
): ConfigResult<YamlSource> & { partial?: YamlSource } {
  const max = opts.maxBytes ?? MAX_CONFIG_BYTES;
  const size = typeof input === 'string' ? Buffer.byteLength(input) : input.byteLength;
  if (size > max) return failed([tooBig(file, size, max)]);
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    const decoded = decodeUtf8(input);
    if (!decoded.ok) {
      const hex = decoded.byte.toString(16).toUpperCase().padStart(2, '0');
      return failed([{
        file, line: decoded.line, col: decoded.col, path: '', severity: 'error',
        message: `not valid UTF-8 (byte 0x${hex} at offset ${decoded.offset}); save the file as UTF-8`,
      }]);
    }
    text = decoded.text;
  }

  const lineCounter = new LineCounter();
  const deep = tooDeepAt(text);
  if (deep >= 0) {
    const { line, col } = lineColAt(text, deep);
    return failed([{ file, line, col, path: '', severity: 'error', message: `nested more than ${MAX_NESTING} levels deep; a config file needs only a few` }]);
  }
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, {
      lineCounter, prettyErrors: true, uniqueKeys: true, merge: true,
      // 'error', not 'silent': silent also drops the MULTIPLE_DOCS error. Warnings stay in doc.warnings.
      logLevel: 'error',
    });
  } catch (e) {
    const message = e instanceof RangeError ? 'too deeply nested for the YAML parser; a config file needs only a few levels' : `could not parse YAML: ${String(e)}`;
    return failed([{ file, line: 1, col: 1, path: '', severity: 'error', message }]);
  }
  const issues = yamlIssues(file, text, doc, lineCounter);
  const errors = issues.filter((i) => i.severity === 'error');
  const warnings = issues.filter((i) => i.severity === 'warning');
  const fatal = doc.errors.some((e) => !RECOVERABLE.has(e.code));
  if (fatal) return failed(errors, warnings);

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: opts.maxAliasCount ?? MAX_ALIAS_COUNT });
  } catch (e) {
    const message = String((e as Error).message ?? e);
    let offset = 0;
    visit(doc, { Alias: (_k, node) => { offset = node.range?.[0] ?? 0; return visit.BREAK; } });
    const { line, col } = lineCounter.linePos(offset);
    const bomb = /Excessive alias count/.test(message);
    return failed([{
      file, line, col, path: formatPath(pathAtOffset(doc, offset)), severity: 'error',
      message: bomb
        ? `too many alias expansions (limit ${opts.maxAliasCount ?? MAX_ALIAS_COUNT}): this looks like an alias bomb; write the values out instead of nesting aliases`
        : `could not read the YAML data: ${message}`,
    }], warnings);
  }
  const source: YamlSource = { file, text, doc, lineCounter, data };
  if (errors.length > 0) return { ...failed(errors, warnings), partial: source };
  return ok(source, warnings);
}

export interface RuleContext<T> {
  data: T;
  source: YamlSource;
  /** Records a problem at a field; rules never throw and never stop at the first problem. */
  report(path: readonly PathSegment[], message: string, opts?: { at?: 'key' | 'value'; severity?: 'error' | 'warning' }): void;
  /** "line:col" of a field, for messages that name a second location. */
  where(path: readonly PathSegment[]): string;
}

/** A cross-field check (changesets' `rules.ts` style): it looks at the data and reports. */
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
  const parsed = parseYamlSource(file, input, opts);
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
