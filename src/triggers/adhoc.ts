/**
 * A rule's skill chain (`rust-development -> ci-cd-pipeline -> docker-compose`) as a pipeline file
 * the runs host starts like any other, so its runs are listed by `miyabi runs`: one stage per skill,
 * running every action the skill defines, each stage going on to the next when it passes.
 * Written as JSON, which every YAML reader takes.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SkillRegistry } from '../config/skill-schema.js';
import type { TriggerRule } from '../config/trigger-schema.js';

/** The pipeline's name: `trigger-<rule>`, cut to the 32 characters a name may have. */
export function adhocName(rule: string): string {
  return `trigger-${rule}`.slice(0, 32).replace(/[-_]+$/, '');
}

export function adhocPipeline(rule: TriggerRule, skills: SkillRegistry): Record<string, unknown> | null {
  if (rule.target.kind !== 'skills') return null;
  const names = rule.target.chain.map((s, i, all) => (all.indexOf(s) === i ? s : `${s}-${i + 1}`).slice(0, 32));
  const stages = rule.target.chain.map((skill, i) => ({
    name: names[i],
    skill,
    actions: [...(skills.get(skill)?.actions.keys() ?? [])],
    ...(i + 1 < names.length ? { on_success: names[i + 1] } : {}),
  }));
  return {
    name: adhocName(rule.name),
    description: `skill chain of trigger rule ${rule.name}: ${rule.target.text}`,
    concurrency: 'queue',
    stages,
  };
}

/** Writes (or keeps, when unchanged) the chain's pipeline file; returns its path. */
export function writeAdhoc(dir: string, rule: TriggerRule, skills: SkillRegistry): string | null {
  const p = adhocPipeline(rule, skills);
  if (p === null) return null;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${adhocName(rule.name)}.yaml`);
  const text = `${JSON.stringify(p, null, 2)}\n`;
  let old = '';
  try {
    old = readFileSync(file, 'utf8');
  } catch {
    // first time
  }
  // Unchanged text keeps the file's hash, so a run taken over after a restart still matches it.
  if (old !== text) writeFileSync(file, text, { mode: 0o600 });
  return file;
}
