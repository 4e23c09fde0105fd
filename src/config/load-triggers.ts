/**
 * Loads the trigger rules: miyabi's defaults (`triggers/defaults.yaml`, the design document's 16
 * rows, off until a project's `enable:` turns them on) and the project's `triggers.yaml`, whose
 * rules replace defaults of the same name. read → parse → schema → rules → normalize.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ok, type ConfigResult } from './config-issue.js';
import { listPipelines } from './load-pipeline.js';
import { loadSkills } from './load-skill.js';
import { loadYamlSource } from './load-yaml.js';
import { displayPath } from './paths.js';
import { parseDuration } from './duration-schema.js';
import type { SkillRegistry } from './skill-schema.js';
import { resolveSkill, splitChain, triggerRules } from './trigger-rules.js';
import {
  DEFAULT_CONDITION_EVERY_MS, DEFAULT_DEDUPE, DEFAULT_ERROR_COOLDOWN_MS, triggersFileSchema,
  type ConditionSpec, type RuleFile, type ScheduleSpec, type TriggerConfig, type TriggerRule, type TriggersFile,
} from './trigger-schema.js';
import { readConfigFile } from './yaml-source.js';

export const DEFAULT_TRIGGERS_FILE = fileURLToPath(new URL('../../triggers/defaults.yaml', import.meta.url));

export interface LoadTriggersOptions {
  projectRoot: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** null: no defaults (tests). */
  defaultsFile?: string | null;
  /** The project's file (default `<root>/triggers.yaml`). */
  file?: string;
}

export function projectTriggersFile(root: string): string | null {
  for (const n of ['triggers.yaml', 'triggers.yml']) if (fs.existsSync(path.join(root, n))) return path.join(root, n);
  return null;
}

function schedule(s: NonNullable<RuleFile['schedule']>): ScheduleSpec {
  if (typeof s === 'string') {
    const every = /^every\s+(.+)$/.exec(s.trim());
    if (every) return { everyMs: parseDuration((every[1] as string).trim()) ?? 0, missed: 'skip', max: 1, text: s };
    return { cron: s, missed: 'skip', max: 1, text: s };
  }
  const text = s.cron !== undefined ? s.cron : `every ${(s.every ?? 0) / 1000}s`;
  return {
    ...(s.cron !== undefined ? { cron: s.cron } : {}), ...(s.every !== undefined ? { everyMs: s.every } : {}),
    ...(s.tz ? { tz: s.tz } : {}), missed: s.missed ?? 'skip', max: s.max ?? 10, text: s.tz ? `${text} (${s.tz})` : text,
  };
}

function condition(c: NonNullable<RuleFile['condition']>): ConditionSpec {
  const op = c.above !== undefined ? 'above' : 'below';
  const threshold = (c.above ?? c.below) as number;
  const everyMs = c.every ?? DEFAULT_CONDITION_EVERY_MS;
  const what = c.metric ?? c.stage ?? c.agent ?? c.path ?? c.command;
  return {
    probe: c.probe, op, threshold, clear: c.clear ?? threshold, forMs: c.for ?? 0, everyMs, windowMs: c.window ?? everyMs,
    ...(c.path ? { path: c.path } : {}), ...(c.agent ? { agent: c.agent } : {}), ...(c.pipeline ? { pipeline: c.pipeline } : {}),
    ...(c.stage ? { stage: c.stage } : {}), ...(c.command ? { command: c.command } : {}), ...(c.metric ? { metric: c.metric } : {}),
    ...(c.labels ? { labels: c.labels } : {}),
    text: `${c.probe}${what ? `(${what})` : ''} ${op === 'above' ? '>' : '<'} ${threshold}${c.for ? ` for ${c.for / 1000}s` : ''}`,
  };
}

/** Commands a skill chain needs that this environment does not set (the `configured:` actions). */
function chainNeeds(chain: string[], skills: SkillRegistry, env: Record<string, string | undefined>): string[] {
  const out: string[] = [];
  for (const name of chain) {
    for (const a of skills.get(name)?.actions.values() ?? []) {
      if (a.kind === 'configured' && !env[a.variable]) out.push(`${a.variable} (${a.hint})`);
    }
  }
  return [...new Set(out)];
}

function normalizeRule(r: RuleFile, origin: TriggerRule['origin'], enabled: boolean, skills: SkillRegistry, env: Record<string, string | undefined>): TriggerRule {
  const chain = r.skills !== undefined ? splitChain(r.skills).map((n) => { const got = resolveSkill(n, skills); return 'name' in got ? got.name : n; }) : [];
  const target: TriggerRule['target'] = r.run !== undefined ? { kind: 'pipeline', pipeline: r.run } : { kind: 'skills', chain, text: r.skills ?? '' };
  const cond = r.condition ? condition(r.condition) : undefined;
  const needs = [...(r.needs ? [r.needs] : []), ...chainNeeds(chain, skills, env)];
  return {
    name: r.name, ...(r.description !== undefined ? { description: r.description } : {}),
    enabled: r.enabled ?? enabled, origin,
    kind: r.on !== undefined ? 'event' : r.schedule !== undefined ? 'schedule' : 'condition',
    ...(r.on !== undefined ? { on: r.on } : {}), match: r.match ?? {}, files: r.files ?? [],
    ...(r.schedule !== undefined ? { schedule: schedule(r.schedule) } : {}), ...(cond ? { condition: cond } : {}),
    target, vars: r.vars ?? {}, debounceMs: r.debounce ?? 0, cooldownMs: r.cooldown ?? 0,
    dedupe: r.dedupe === false ? null : (r.dedupe ?? (r.on !== undefined ? DEFAULT_DEDUPE : null)), overlap: r.overlap ?? 'queue', needs,
  };
}

/** One triggers file, checked against the project's skills and pipelines. */
export function loadTriggersFile(abs: string, o: { skills: SkillRegistry; pipelines: string[]; defaults?: string[]; cwd?: string }): ConfigResult<TriggersFile> {
  const file = displayPath(abs, o.cwd ?? process.cwd());
  const read = readConfigFile(abs, file);
  if (!read.ok) return read;
  const loaded = loadYamlSource(file, read.value, triggersFileSchema, triggerRules({ skills: o.skills, pipelines: o.pipelines, ...(o.defaults ? { defaults: o.defaults } : {}) }));
  return loaded.ok ? ok(loaded.value.value, loaded.warnings) : loaded;
}

/** Every rule the project has: its own, then the defaults it does not replace (those off unless enabled). */
export function loadTriggers(o: LoadTriggersOptions): ConfigResult<TriggerConfig> {
  const env = o.env ?? process.env;
  const sk = loadSkills({ projectRoot: o.projectRoot, ...(o.cwd ? { cwd: o.cwd } : {}) });
  const skills = sk.ok ? sk.value : (sk.partial ?? new Map());
  const pipelines = listPipelines(o.projectRoot).map((p) => p.name);
  const defaultsFile = o.defaultsFile === undefined ? DEFAULT_TRIGGERS_FILE : o.defaultsFile;
  const defaults = defaultsFile ? loadTriggersFile(defaultsFile, { skills, pipelines, ...(o.cwd ? { cwd: o.cwd } : {}) }) : ok<TriggersFile>({});
  if (!defaults.ok) return defaults;
  const own = o.file ?? projectTriggersFile(o.projectRoot);
  const defaultNames = (defaults.value.rules ?? []).map((r) => r.name);
  const project = own ? loadTriggersFile(own, { skills, pipelines, defaults: defaultNames, ...(o.cwd ? { cwd: o.cwd } : {}) }) : ok<TriggersFile>({});
  if (!project.ok) return project;
  const p = project.value;
  const mine = (p.rules ?? []).map((r) => normalizeRule(r, 'project', true, skills, env));
  const enabled = new Set(p.enable ?? []);
  const theirs = (defaults.value.rules ?? [])
    .filter((r) => !mine.some((m) => m.name === r.name))
    .map((r) => normalizeRule({ ...r, enabled: enabled.has(r.name) }, 'default', false, skills, env));
  return ok({
    rules: [...mine, ...theirs],
    errors: { patterns: p.errors?.patterns ?? [], profiles: p.errors?.profiles ?? {}, cooldownMs: p.errors?.cooldown ?? DEFAULT_ERROR_COOLDOWN_MS },
    webhook: p.webhook ? { port: p.webhook.port, secretEnv: p.webhook.secret_env ?? 'MIYABI_WEBHOOK_SECRET' } : null,
    files: [...(own ? [own] : []), ...(defaultsFile ? [defaultsFile] : [])],
  }, [...defaults.warnings, ...project.warnings]);
}
