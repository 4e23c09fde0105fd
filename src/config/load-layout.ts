/**
 * Finds and loads a layout: `--layout NAME` looks in the project's `layouts/` and then in the layouts
 * shipped with miyabi; anything else is a file path (relative to the working folder). No reference at
 * all gives the built-in default. Returns a result union; `unwrapConfig` turns failure into a ConfigError.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NAME_PATTERN, NAME_PATTERN_TEXT } from '../core/names.js';
import { failed, ok, type ConfigResult } from './config-issue.js';
import { defaultLayout } from './default-layout.js';
import { layoutRules } from './layout-rules.js';
import { layoutFileSchema } from './layout-schema.js';
import type { SessionLayout } from './layout-types.js';
import { captureEnv, normalizeLayout } from './normalize-layout.js';
import { displayPath, homeFrom } from './paths.js';
import { checkParsed, validateSource } from './load-yaml.js';
import { fileIssue, parseYamlSource, readConfigFile } from './yaml-source.js';
import { convertForeign, foreignKind } from './foreign-layout.js';
import { runRules, type Rule } from './rules.js';
import type { LayoutFile } from './layout-schema.js';

/**
 * The layouts shipped in the package. This file is src/config/*.ts under vitest and
 * dist/config/*.js when built; both sit two levels below the package root, so one URL fits both.
 */
export const BUILTIN_LAYOUTS_DIR = fileURLToPath(new URL('../../layouts/', import.meta.url));

const EXTENSIONS = ['.yaml', '.yml'];

export interface LoadLayoutOptions {
  /** A layout NAME (e.g. "quad") or a PATH to a YAML file; absent → the built-in default. */
  ref?: string;
  projectRoot: string;
  /** Absolute path of bin/miyabi.js (run by conductor and dashboard panes). */
  miyabiBin: string;
  /** Captured once; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Default: the package's own layouts/ folder. */
  builtinLayoutsDir?: string;
  /** Where relative PATHs resolve and how file names are shown; default process.cwd(). */
  cwd?: string;
  maxBytes?: number;
}

/** A NAME is what `NAME_PATTERN` accepts, so it has no slash, dot or extension. */
export function isLayoutName(ref: string): boolean {
  return NAME_PATTERN.test(ref);
}

function layoutDirs(opts: LoadLayoutOptions): string[] {
  return [path.join(path.resolve(opts.projectRoot), 'layouts'), opts.builtinLayoutsDir ?? BUILTIN_LAYOUTS_DIR];
}

/** Every layout NAME available, project layouts first (they shadow shipped ones of the same name). */
export function listLayouts(opts: Pick<LoadLayoutOptions, 'projectRoot' | 'builtinLayoutsDir'>): { name: string; path: string }[] {
  const seen = new Map<string, string>();
  for (const dir of layoutDirs(opts as LoadLayoutOptions)) {
    let entries: string[] = [];
    try {
      entries = fs.readdirSync(dir).sort();
    } catch {
      continue;
    }
    for (const f of entries) {
      const ext = EXTENSIONS.find((e) => f.endsWith(e));
      const name = ext === undefined ? '' : f.slice(0, -ext.length);
      if (isLayoutName(name) && !seen.has(name)) seen.set(name, path.join(dir, f));
    }
  }
  return [...seen].map(([name, p]) => ({ name, path: p }));
}

/** The file a reference points at, or an issue naming every path tried. */
export function resolveLayoutRef(ref: string, opts: LoadLayoutOptions): ConfigResult<string> {
  const cwd = opts.cwd ?? process.cwd();
  if (ref.trim() === '') return failed([fileIssue('<layout>', 'the layout name or path is empty')]);
  if (isLayoutName(ref)) {
    const tried = layoutDirs(opts).flatMap((dir) => EXTENSIONS.map((e) => path.join(dir, ref + e)));
    const found = tried.find((p) => fs.existsSync(p));
    if (found !== undefined) return ok(found);
    const names = listLayouts(opts).map((l) => l.name);
    const available = names.length > 0 ? `; available: ${names.join(', ')}` : '';
    return failed([fileIssue(ref, `file not found: no layout named "${ref}"; tried ${tried.join(', ')}${available}`)]);
  }
  const abs = path.resolve(cwd, ref);
  if (fs.existsSync(abs)) return ok(abs);
  const asName = !ref.includes('/') && path.extname(ref) === '' ? ` (a layout name must be ${NAME_PATTERN_TEXT})` : '';
  return failed([fileIssue(displayPath(abs, cwd), `file not found: ${abs}${asName}`)]);
}

/** Loads one layout file: read → parse → schema → rules → normalize. */
export function loadLayoutFile(absPath: string, opts: LoadLayoutOptions): ConfigResult<SessionLayout> {
  const file = displayPath(absPath, opts.cwd ?? process.cwd());
  const read = readConfigFile(absPath, file, { maxBytes: opts.maxBytes });
  if (!read.ok) return read;
  const env = captureEnv(opts.env);
  const projectRoot = path.resolve(opts.projectRoot);
  const rules = layoutRules({ projectRoot, home: homeFrom(env) });
  // A tmuxinator or tmuxp file is read as the layout it describes (foreign-layout.ts).
  // Parsed once: the same document is looked at as a foreign file, then checked as ours.
  const parsed = parseYamlSource(file, read.value, { maxBytes: opts.maxBytes });
  const foreign = readForeign(parsed, rules);
  if (foreign) {
    if (!foreign.ok) return foreign;
    const layout = normalizeLayout(foreign.value, { source: absPath, projectRoot, miyabiBin: opts.miyabiBin, env });
    return ok(layout, foreign.warnings);
  }
  const loaded = checkParsed(parsed, layoutFileSchema, rules);
  if (!loaded.ok) return loaded;
  const layout = normalizeLayout(loaded.value.value, { source: absPath, projectRoot, miyabiBin: opts.miyabiBin, env });
  return ok(layout, loaded.warnings);
}

export function loadLayout(opts: LoadLayoutOptions): ConfigResult<SessionLayout> {
  if (opts.ref === undefined) {
    // `miyabi init` writes the project's own default; without one, the built-in default.
    const own = EXTENSIONS.map((e) => path.join(path.resolve(opts.projectRoot), 'layouts', `default${e}`)).find((p) => fs.existsSync(p));
    return own === undefined ? ok(defaultLayout(opts)) : loadLayoutFile(own, opts);
  }
  const found = resolveLayoutRef(opts.ref, opts);
  if (!found.ok) return found;
  return loadLayoutFile(found.value, opts);
}

/** A tmuxinator/tmuxp file converted and checked as a layout, every issue at its place in that file; null for a miyabi layout. */
function readForeign(parsed: ReturnType<typeof parseYamlSource>, rules: readonly Rule<unknown>[]): ConfigResult<LayoutFile> | null {
  if (!parsed.ok) return null;
  const kind = foreignKind(parsed.value.data);
  if (kind === null) return null;
  const conv = convertForeign(parsed.value, kind);
  const as = { ...parsed.value, data: conv.data };
  const checked = validateSource(as, layoutFileSchema);
  const found = [...(checked.ok ? [] : checked.issues), ...runRules(as, conv.data, rules)].map(conv.locate);
  const issues = [...conv.notes, ...found];
  const errors = issues.filter((i) => i.severity === 'error');
  const warnings = [...parsed.warnings, ...issues.filter((i) => i.severity === 'warning')];
  if (errors.length > 0 || !checked.ok) return failed(errors, warnings);
  return ok(checked.value, warnings);
}
