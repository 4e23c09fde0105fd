/**
 * The generic YAML front end for every config file (layouts now; pipelines, skills, triggers later):
 * read (size cap, regular file) → decode (strict UTF-8) → parse (`yaml` with a LineCounter), every
 * problem with `file:line:col` and its field path (PRACTICES.md 6, RELIABILITY.md B9). The schema
 * and rules steps are in load-yaml.ts and rules.ts. Never throws for bad input.
 */
import fs from 'node:fs';
import { LineCounter, parseDocument, visit, type Document, type YAMLError } from 'yaml';
import { failed, formatPath, ok, quote, safeText, type ConfigIssue, type ConfigResult, type PathSegment } from './config-issue.js';
import { MAX_NESTING, lineColAt, tooDeepAt } from './nesting.js';
import { decodeUtf8 } from './utf8.js';
import { pathAtOffset, positionOf } from './yaml-locate.js';

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
