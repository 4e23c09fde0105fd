/** What a stage sees: the condition context and the environment of its commands, both from the run state. */
import path from 'node:path';
import type { Stage } from '../config/pipeline-schema.js';
import type { Skill } from '../config/skill-schema.js';
import type { ConditionContext } from './condition-eval.js';
import type { RunState } from './run-state.js';

export function conditionContext(st: RunState, env: Record<string, string | undefined>, event: Record<string, unknown> = {}): ConditionContext {
  const stages: Record<string, { outcome: string; output?: string }> = {};
  for (const r of st.stages) stages[r.name] = { outcome: r.outcome, ...(r.output !== undefined ? { output: r.output } : {}) };
  const detected = st.anyFailed || st.vars['error.detected'] === 'true' || event['type'] === 'error.detected';
  return {
    branch: st.branch, event, env, vars: st.vars, outputs: st.outputs, stages,
    error: { detected }, run: { id: st.runId, pipeline: st.pipeline },
    ...(st.vars['trigger'] !== undefined ? { trigger: st.vars['trigger'] } : {}),
  };
}

export function stageInputs(stage: Stage, st: RunState): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of stage.input) out[n] = st.outputs[n] ?? '';
  return out;
}

/** The process environment of a stage's commands. */
export function stageEnv(
  base: Record<string, string | undefined>,
  stage: Stage,
  st: RunState,
  runDir: string,
  inputs: Record<string, string>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  Object.assign(env, stage.env, {
    MIYABI_RUN_ID: st.runId,
    MIYABI_PIPELINE: st.pipeline,
    MIYABI_STAGE: stage.name,
    MIYABI_RUN_DIR: runDir,
    MIYABI_BRANCH: st.branch,
  });
  for (const [k, v] of Object.entries(inputs)) env[`MIYABI_IN_${k.toUpperCase()}`] = v;
  return env;
}

export function stageCwd(stage: Stage, runCwd: string): string {
  return stage.cwd === undefined ? runCwd : path.resolve(runCwd, stage.cwd);
}

/** The built-in `rollback` stage: the user's configured rollback command, or "not configured". */
export const ROLLBACK_VARIABLE = 'MIYABI_ROLLBACK_CMD';

export function rollbackStage(): { stage: Stage; skill: Skill } {
  const stage: Stage = {
    name: 'rollback', skill: 'built-in', actions: ['rollback'], input: [], output: [], parallel: false, continuous: false,
    retries: 0, backoffMs: 0, intervalMs: 0, env: {},
  };
  const skill: Skill = {
    name: 'built-in', source: '(built-in)',
    actions: new Map([['rollback', { name: 'rollback', env: {}, kind: 'configured', variable: ROLLBACK_VARIABLE, hint: 'the command that undoes a failed deploy' }]]),
  };
  return { stage, skill };
}
