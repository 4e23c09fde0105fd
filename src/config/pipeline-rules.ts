/**
 * Cross-field checks of a pipeline file: duplicate stages, edges to unknown stages, unknown skills
 * and actions, bad conditions, inputs nobody produces, no stage to start with, loops that can never
 * end. They read the raw data defensively, so they run even when the schema failed.
 */
import type { PathSegment } from './config-issue.js';
import { compileCondition, knownNames } from './pipeline-condition.js';
import { endlessLoops, entryStage, ROLLBACK, unreachable, type GraphStage } from './pipeline-graph.js';
import type { Rule } from './rules.js';
import type { SkillRegistry } from './skill-schema.js';
import { suggestion } from './zod-issues.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function rawStages(data: unknown): { s: Obj; i: number }[] {
  const stages = isObj(data) ? data['stages'] : undefined;
  if (!Array.isArray(stages)) return [];
  return stages.flatMap((s, i) => (isObj(s) ? [{ s, i }] : []));
}

function names(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function graphOf(data: unknown): GraphStage[] {
  return rawStages(data)
    .filter(({ s }) => typeof s['name'] === 'string')
    .map(({ s }) => ({ name: s['name'] as string, on_success: str(s['on_success']), on_failure: str(s['on_failure']), condition: str(s['condition']) }));
}

const uniqueStages: Rule<unknown> = (ctx) => {
  const seen = new Map<string, PathSegment[]>();
  for (const { s, i } of rawStages(ctx.data)) {
    const name = str(s['name']);
    if (name === undefined) continue;
    const prev = seen.get(name);
    if (prev) ctx.report(['stages', i, 'name'], `duplicate stage name ${JSON.stringify(name)}, also at line ${ctx.where(prev).split(':')[0]}; stage names must be unique`);
    else seen.set(name, ['stages', i, 'name']);
  }
};

const knownTargets: Rule<unknown> = (ctx) => {
  const stageNames = rawStages(ctx.data).map(({ s }) => str(s['name'])).filter((n): n is string => n !== undefined);
  for (const { s, i } of rawStages(ctx.data)) {
    for (const edge of ['on_success', 'on_failure'] as const) {
      const t = str(s[edge]);
      if (t === undefined || stageNames.includes(t) || t === ROLLBACK) continue;
      ctx.report(['stages', i, edge], `no stage named ${JSON.stringify(t)}${suggestion(t, [...stageNames, ROLLBACK])}; stages: ${stageNames.join(', ')} (or the built-in "${ROLLBACK}")`);
    }
  }
};

function skillRule(skills: SkillRegistry): Rule<unknown> {
  const available = [...skills.keys()].sort();
  return (ctx) => {
    for (const { s, i } of rawStages(ctx.data)) {
      const name = str(s['skill']);
      if (name === undefined) continue;
      const skill = skills.get(name);
      if (skill === undefined) {
        ctx.report(['stages', i, 'skill'], `unknown skill ${JSON.stringify(name)}${suggestion(name, available)}; skills/ defines: ${available.join(', ') || 'none'}`);
        continue;
      }
      const actions = s['actions'];
      if (!Array.isArray(actions)) continue;
      const defined = [...skill.actions.keys()];
      actions.forEach((a, j) => {
        if (typeof a === 'string' && !skill.actions.has(a)) {
          ctx.report(['stages', i, 'actions', j], `skill ${JSON.stringify(name)} has no action ${JSON.stringify(a)}${suggestion(a, defined)}; it defines: ${defined.join(', ')}`);
        }
      });
    }
  };
}

const conditions: Rule<unknown> = (ctx) => {
  const outputs = rawStages(ctx.data).flatMap(({ s }) => names(s['output']));
  const known = knownNames(outputs);
  for (const { s, i } of rawStages(ctx.data)) {
    const c = s['condition'];
    if (typeof c !== 'string') continue;
    const r = compileCondition(c, known);
    if (!r.ok) ctx.report(['stages', i, 'condition'], `${r.message} (at column ${r.offset + 1} of the condition)`);
  }
};

const inputs: Rule<unknown> = (ctx) => {
  const produced: string[] = [];
  for (const { s } of rawStages(ctx.data)) produced.push(...names(s['output']));
  for (const { s, i } of rawStages(ctx.data)) {
    const inp = s['input'];
    names(inp).forEach((n, j) => {
      if (produced.includes(n)) return;
      const path: PathSegment[] = typeof inp === 'string' ? ['stages', i, 'input'] : ['stages', i, 'input', j];
      ctx.report(path, `no stage has ${JSON.stringify(n)} as its output${suggestion(n, produced)}; outputs: ${produced.join(', ') || 'none'}`);
    });
  }
};

const graph: Rule<unknown> = (ctx) => {
  const stages = graphOf(ctx.data);
  if (stages.length === 0) return;
  if (entryStage(stages) === null) {
    ctx.report(['stages'], 'every stage is the target of an edge, so a run has no stage to start with; the first stage no edge points to is where a run starts');
    return;
  }
  const index = new Map(rawStages(ctx.data).map(({ s, i }) => [str(s['name']), i]));
  for (const { stage, loop } of endlessLoops(stages)) {
    const i = index.get(stage) ?? 0;
    const field = stages.find((s) => s.name === stage)?.on_success !== undefined ? 'on_success' : 'on_failure';
    ctx.report(['stages', i, field], `stage ${JSON.stringify(stage)} is in a loop that can never end (${loop.join(' → ')}): whether it passes or fails, the run comes back; give one of its stages an edge out`);
  }
  for (const name of unreachable(stages)) {
    ctx.report(['stages', index.get(name) ?? 0, 'name'], `stage ${JSON.stringify(name)} never runs: no edge leads to it and it is not reached in list order`, { severity: 'warning' });
  }
};

/** The rules; skills are checked when a registry is given. */
export function pipelineRules(skills?: SkillRegistry): Rule<unknown>[] {
  return [uniqueStages, knownTargets, ...(skills ? [skillRule(skills)] : []), conditions, inputs, graph];
}
