/**
 * `miyabi validate [FILES…]`: checks config files with no controller. With no FILES: the project's
 * pipelines/*.yaml, skills/*.yaml, layouts/*.yaml, triggers.yaml and feedback.yaml. A tmuxinator or
 * tmuxp project file is checked as `up --layout` reads it, with what cannot be mapped as warnings.
 * Every problem is printed as `file:line:col field: message`; any error exits 2.
 */
import path from 'node:path';
import fs from 'node:fs';
import { formatIssue, type ConfigIssue } from '../../config/config-issue.js';
import { foreignKind, type ForeignKind } from '../../config/foreign-layout.js';
import { FEEDBACK_FILE, loadFeedbackFile } from '../../config/load-feedback.js';
import { loadLayoutFile } from '../../config/load-layout.js';
import { listPipelines, loadPipelineFile } from '../../config/load-pipeline.js';
import { DEFAULT_TRIGGERS_FILE, loadTriggersFile, projectTriggersFile } from '../../config/load-triggers.js';
import { loadSkillFiles, skillDirs, yamlFilesIn } from '../../config/load-skill.js';
import { parseYamlSource, readConfigFile } from '../../config/yaml-source.js';
import { findProjectRoot } from '../../core/paths.js';
import type { GlobalOptions } from '../context.js';

type Kind = 'pipeline' | 'skill' | 'layout' | 'triggers' | 'feedback';

/** A tmuxinator or tmuxp file's kind, else null. */
function foreignOf(abs: string): ForeignKind | null {
  const read = readConfigFile(abs, abs);
  const parsed = read.ok ? parseYamlSource(abs, read.value) : null;
  return parsed?.ok ? foreignKind(parsed.value.data) : null;
}

/** By name or folder, else by content (stages → pipeline, windows → layout, actions → skill). */
function kindOf(abs: string): Kind {
  const dir = path.basename(path.dirname(abs));
  if (/^feedback\.ya?ml$/.test(path.basename(abs))) return 'feedback';
  if (/^triggers\.ya?ml$/.test(path.basename(abs)) || dir === 'triggers') return 'triggers';
  if (dir === 'pipelines') return 'pipeline';
  if (dir === 'skills') return 'skill';
  if (dir === 'layouts') return 'layout';
  const read = readConfigFile(abs, abs);
  const parsed = read.ok ? parseYamlSource(abs, read.value) : null;
  const data = parsed?.ok ? (parsed.value.data as Record<string, unknown> | null) : null;
  if (data && typeof data === 'object') {
    if ('windows' in data || foreignKind(data)) return 'layout';
    if ('actions' in data && !('stages' in data)) return 'skill';
    if (('rules' in data || 'enable' in data) && !('stages' in data)) return 'triggers';
  }
  return 'pipeline';
}

export interface ValidateReport {
  files: number;
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
  /** Files read as another tool's project file. */
  foreign: { file: string; kind: ForeignKind }[];
}

export function validateFiles(files: readonly string[], projectRoot: string, cwd = process.cwd()): ValidateReport {
  const abs = files.map((f) => path.resolve(cwd, f));
  const byKind = (k: Kind) => abs.filter((f) => kindOf(f) === k);
  const errors: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  const take = (r: { ok: boolean; warnings: ConfigIssue[]; issues?: ConfigIssue[] }) => {
    warnings.push(...r.warnings);
    if (!r.ok) errors.push(...(r.issues ?? []));
  };
  // Skills: the files asked about, checked alone; pipelines see every skill the project has.
  const skillFiles = byKind('skill');
  take(loadSkillFiles(skillFiles, cwd));
  const all = loadSkillFiles([...new Set([...skillFiles, ...skillDirs({ projectRoot }).flatMap(yamlFilesIn)])], cwd);
  const registry = all.ok ? all.value : (all.partial ?? new Map());
  for (const f of byKind('pipeline')) take(loadPipelineFile(f, { skills: registry, cwd }));
  const pipelines = listPipelines(projectRoot).map((p) => p.name);
  const defaults = loadTriggersFile(DEFAULT_TRIGGERS_FILE, { skills: registry, pipelines, cwd });
  const defaultNames = defaults.ok ? (defaults.value.rules ?? []).map((r) => r.name) : [];
  for (const f of byKind('triggers')) take(loadTriggersFile(f, { skills: registry, pipelines, ...(f === DEFAULT_TRIGGERS_FILE ? {} : { defaults: defaultNames }), cwd }));
  const foreign: ValidateReport['foreign'] = [];
  for (const f of byKind('layout')) {
    const kind = foreignOf(f);
    if (kind) foreign.push({ file: path.relative(cwd, f) || f, kind });
    take(loadLayoutFile(f, { projectRoot, miyabiBin: process.argv[1] ?? 'miyabi', cwd }));
  }
  for (const f of byKind('feedback')) take(loadFeedbackFile(f, cwd));
  return { files: abs.length, errors, warnings, foreign };
}

export function defaultFiles(projectRoot: string): string[] {
  const own = projectTriggersFile(projectRoot);
  const feedback = path.join(projectRoot, FEEDBACK_FILE);
  return [
    ...['pipelines', 'skills', 'layouts'].flatMap((d) => yamlFilesIn(path.join(projectRoot, d))),
    ...(own ? [own] : []), ...(fs.existsSync(feedback) ? [feedback] : []),
  ];
}

export async function validate(o: GlobalOptions & { files?: string[] }): Promise<number> {
  const root = findProjectRoot();
  const files = o.files && o.files.length > 0 ? o.files : defaultFiles(root);
  const r = validateFiles(files, root);
  for (const f of r.foreign) process.stderr.write(`${f.file}: read as a ${f.kind} project file, as \`miyabi up --layout ${f.file}\` reads it; what it cannot map is listed as warnings\n`);
  for (const i of [...r.errors, ...r.warnings]) process.stdout.write(`${formatIssue(i)}\n`);
  const summary = `${r.files} file(s) checked: ${r.errors.length} error(s), ${r.warnings.length} warning(s)`;
  process.stderr.write(`${r.errors.length > 0 ? 'miyabi: ' : ''}${summary}\n`);
  return r.errors.length > 0 ? 2 : 0;
}
