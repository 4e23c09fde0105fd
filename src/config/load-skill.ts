/**
 * Loads skills: every `skills/*.yaml` of the project, then the ones shipped with miyabi (a project
 * skill shadows a shipped one of the same name). Same three steps as layouts; never throws for bad input.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { failed, ok, type ConfigIssue, type ConfigResult } from './config-issue.js';
import { loadYamlSource } from './load-yaml.js';
import { displayPath } from './paths.js';
import type { Rule } from './rules.js';
import { normalizeSkill, skillFileSchema, type Skill, type SkillRegistry } from './skill-schema.js';
import { readConfigFile } from './yaml-source.js';

/** src/config/ and dist/config/ are both two levels below the package root. */
export const BUILTIN_SKILLS_DIR = fileURLToPath(new URL('../../skills/', import.meta.url));

const EXTENSIONS = ['.yaml', '.yml'];

export interface LoadSkillsOptions {
  projectRoot: string;
  /** Default: the package's own skills/ folder; null: none. */
  builtinSkillsDir?: string | null;
  cwd?: string;
}

/** The file name says which skill it is; a mismatch is only a warning. */
function nameMatchesFile(base: string): Rule<unknown> {
  return (ctx) => {
    const d = ctx.data as { name?: unknown } | null;
    if (d && typeof d === 'object' && typeof d.name === 'string' && d.name !== base) {
      ctx.report(['name'], `the skill is named ${JSON.stringify(d.name)} but its file is ${base}.yaml; name the file after the skill`, { severity: 'warning' });
    }
  };
}

export function loadSkillFile(absPath: string, cwd = process.cwd()): ConfigResult<Skill> {
  const file = displayPath(absPath, cwd);
  const read = readConfigFile(absPath, file);
  if (!read.ok) return read;
  const base = path.basename(absPath).replace(/\.ya?ml$/, '');
  const loaded = loadYamlSource(file, read.value, skillFileSchema, [nameMatchesFile(base)]);
  if (!loaded.ok) return loaded;
  return ok(normalizeSkill(loaded.value.value, absPath), loaded.warnings);
}

/** YAML files directly in `dir`, sorted; [] when it does not exist. */
export function yamlFilesIn(dir: string): string[] {
  try {
    return fs.readdirSync(dir).filter((f) => EXTENSIONS.some((e) => f.endsWith(e))).sort().map((f) => path.join(dir, f));
  } catch {
    return [];
  }
}

export function skillDirs(opts: LoadSkillsOptions): string[] {
  const dirs = [path.join(path.resolve(opts.projectRoot), 'skills')];
  const builtin = opts.builtinSkillsDir === undefined ? BUILTIN_SKILLS_DIR : opts.builtinSkillsDir;
  if (builtin !== null && path.resolve(builtin) !== path.resolve(dirs[0] as string)) dirs.push(builtin);
  return dirs;
}

/** Loads `files` into one registry; earlier files win on a name clash across folders, same folder is an error. */
export function loadSkillFiles(files: readonly string[], cwd = process.cwd()): ConfigResult<SkillRegistry> & { partial?: SkillRegistry } {
  const registry: SkillRegistry = new Map();
  const issues: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  for (const f of files) {
    const r = loadSkillFile(f, cwd);
    if (!r.ok) {
      issues.push(...r.issues);
      warnings.push(...r.warnings);
      continue;
    }
    warnings.push(...r.warnings);
    const prev = registry.get(r.value.name);
    if (prev === undefined) registry.set(r.value.name, r.value);
    else if (path.dirname(prev.source) === path.dirname(f)) {
      issues.push({ file: displayPath(f, cwd), line: 1, col: 1, path: 'name', severity: 'error', message: `skill ${JSON.stringify(r.value.name)} is also defined in ${displayPath(prev.source, cwd)}` });
    }
  }
  if (issues.length > 0) return { ...failed<SkillRegistry>(issues, warnings), partial: registry };
  return ok(registry, warnings);
}

/** Every skill available to the project. On failure, `partial` holds the skills that did load. */
export function loadSkills(opts: LoadSkillsOptions): ConfigResult<SkillRegistry> & { partial?: SkillRegistry } {
  return loadSkillFiles(skillDirs(opts).flatMap(yamlFilesIn), opts.cwd);
}
