/**
 * Finds and loads pipelines: a NAME looks in the project's `pipelines/` and then in the pipelines
 * shipped with miyabi; anything else is a file path. read → parse → schema → rules → normalize.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NAME_PATTERN } from '../core/names.js';
import { failed, ok, type ConfigResult } from './config-issue.js';
import { loadSkillFile, yamlFilesIn } from './load-skill.js';
import { loadYamlSource } from './load-yaml.js';
import { displayPath } from './paths.js';
import { pipelineRules } from './pipeline-rules.js';
import {
  DEFAULT_BACKOFF_MS, DEFAULT_INTERVAL_MS, DEFAULT_RETRIES, pipelineFileSchema,
  type Pipeline, type PipelineFile, type Stage,
} from './pipeline-schema.js';
import type { SkillRegistry } from './skill-schema.js';
import { fileIssue, readConfigFile } from './yaml-source.js';

export const BUILTIN_PIPELINES_DIR = fileURLToPath(new URL('../../pipelines/', import.meta.url));

export interface LoadPipelineOptions {
  /** When given, skills and actions are checked against it. */
  skills?: SkillRegistry;
  cwd?: string;
}

export function normalizePipeline(f: PipelineFile, source: string, text: string): Pipeline {
  const stages: Stage[] = f.stages.map((s) => {
    const stage: Stage = {
      name: s.name,
      skill: s.skill,
      actions: s.actions,
      input: s.input ?? [],
      output: s.output ?? [],
      parallel: s.parallel ?? false,
      continuous: s.continuous ?? false,
      retries: s.retries ?? f.retries ?? DEFAULT_RETRIES,
      backoffMs: s.backoff ?? f.backoff ?? DEFAULT_BACKOFF_MS,
      intervalMs: s.interval ?? DEFAULT_INTERVAL_MS,
      env: { ...(f.env ?? {}), ...(s.env ?? {}) },
    };
    if (s.on_success !== undefined) stage.onSuccess = s.on_success;
    if (s.on_failure !== undefined) stage.onFailure = s.on_failure;
    if (s.condition !== undefined) stage.condition = s.condition;
    const timeout = s.timeout ?? f.timeout;
    if (timeout !== undefined) stage.timeoutMs = timeout;
    const cwd = s.cwd ?? f.cwd;
    if (cwd !== undefined) stage.cwd = cwd;
    return stage;
  });
  return {
    name: f.name,
    ...(f.description !== undefined ? { description: f.description } : {}),
    triggers: f.trigger ?? [],
    stages,
    concurrency: f.concurrency ?? 'queue',
    source,
    hash: createHash('sha256').update(text).digest('hex').slice(0, 16),
  };
}

export function loadPipelineFile(absPath: string, opts: LoadPipelineOptions = {}): ConfigResult<Pipeline> {
  const file = displayPath(absPath, opts.cwd ?? process.cwd());
  const read = readConfigFile(absPath, file);
  if (!read.ok) return read;
  const loaded = loadYamlSource(file, read.value, pipelineFileSchema, pipelineRules(opts.skills));
  if (!loaded.ok) return loaded;
  return ok(normalizePipeline(loaded.value.value, path.resolve(absPath), loaded.value.source.text), loaded.warnings);
}

export function pipelineDirs(projectRoot: string, builtinDir: string | null = BUILTIN_PIPELINES_DIR): string[] {
  const own = path.join(path.resolve(projectRoot), 'pipelines');
  return builtinDir === null || path.resolve(builtinDir) === own ? [own] : [own, builtinDir];
}

/** Every pipeline NAME available (file names), project first. */
export function listPipelines(projectRoot: string, builtinDir?: string | null): { name: string; path: string }[] {
  const seen = new Map<string, string>();
  for (const dir of pipelineDirs(projectRoot, builtinDir)) {
    for (const f of yamlFilesIn(dir)) {
      const name = path.basename(f).replace(/\.ya?ml$/, '');
      if (!seen.has(name)) seen.set(name, f);
    }
  }
  return [...seen].map(([name, p]) => ({ name, path: p }));
}

/** A NAME (`development-pipeline`) or a path to a YAML file. */
export function resolvePipelineRef(ref: string, projectRoot: string, cwd = process.cwd(), builtinDir?: string | null): ConfigResult<string> {
  if (NAME_PATTERN.test(ref)) {
    const found = listPipelines(projectRoot, builtinDir).find((p) => p.name === ref);
    if (found) return ok(found.path);
    const names = listPipelines(projectRoot, builtinDir).map((p) => p.name);
    return failed([fileIssue(ref, `no pipeline named "${ref}" in ${pipelineDirs(projectRoot, builtinDir).join(' or ')}; available: ${names.join(', ') || 'none'}`)]);
  }
  const abs = path.resolve(cwd, ref);
  return fs.existsSync(abs) ? ok(abs) : failed([fileIssue(displayPath(abs, cwd), `file not found: ${abs}`)]);
}

export { loadSkillFile };
