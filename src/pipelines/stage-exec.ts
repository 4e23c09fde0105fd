/**
 * One stage: its actions in order (or all at once with `parallel: true`), each try bounded by the
 * stage's timeout (the abort kills every process group the try started), retried with doubling
 * backoff while tries are left. A permanent failure (not configured, no agents) is not retried.
 */
import { appendFileSync } from 'node:fs';
import type { Stage } from '../config/pipeline-schema.js';
import type { Skill } from '../config/skill-schema.js';
import { ActionError, errorText } from './action-error.js';
import { runAction, type ActionContext } from './actions.js';

export const MAX_BACKOFF_MS = 60_000;

export interface StageTry {
  ok: boolean;
  output: string;
  outputs: Record<string, string>;
  error?: string;
  permanent?: boolean;
  cancelled?: boolean;
}

export interface StageResult extends StageTry {
  attempts: number;
}

export interface StageHooks {
  started(attempt: number): void;
  actionFinished(action: string, attempt: number, ok: boolean, durationMs: number, error?: string): void;
  retry(attempt: number, error: string, delayMs: number): void;
}

/** Resolves after `ms`, or early (false) when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const t = setTimeout(() => { signal.removeEventListener('abort', stop); resolve(true); }, ms);
    const stop = () => { clearTimeout(t); resolve(false); };
    signal.addEventListener('abort', stop, { once: true });
  });
}

/** Names the stage's results: one name per action when the counts match, else every name gets the last. */
export function nameOutputs(names: readonly string[], results: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const last = results[results.length - 1] ?? '';
  names.forEach((n, i) => { out[n] = names.length === results.length ? (results[i] ?? '') : last; });
  return out;
}

function note(logFile: string, text: string): void {
  try {
    appendFileSync(logFile, text.endsWith('\n') ? text : `${text}\n`);
  } catch {
    // see process-group.ts
  }
}

async function runTry(stage: Stage, skill: Skill, base: Omit<ActionContext, 'signal'>, runSignal: AbortSignal, attempt: number, hooks: StageHooks): Promise<StageTry> {
  const ctl = new AbortController();
  const onRunAbort = () => ctl.abort(runSignal.reason ?? 'cancelled');
  runSignal.addEventListener('abort', onRunAbort, { once: true });
  const timer = stage.timeoutMs === undefined ? undefined : setTimeout(() => ctl.abort(`timed out after ${stage.timeoutMs} ms`), stage.timeoutMs);
  const one = async (name: string): Promise<string> => {
    const action = skill.actions.get(name);
    const t0 = performance.now();
    try {
      if (action === undefined) throw new ActionError(`skill ${skill.name} has no action ${JSON.stringify(name)}`, { permanent: true });
      const out = await runAction(action, { ...base, signal: ctl.signal });
      hooks.actionFinished(name, attempt, true, performance.now() - t0);
      return out;
    } catch (e) {
      const msg = ctl.signal.aborted ? `${name}: ${String(ctl.signal.reason)}` : `${name}: ${errorText(e)}`;
      note(base.logFile, `! ${msg}`);
      hooks.actionFinished(name, attempt, false, performance.now() - t0, msg);
      throw new ActionError(msg, { permanent: e instanceof ActionError && e.permanent, cause: e });
    }
  };
  try {
    let results: string[];
    if (stage.parallel) {
      const settled = await Promise.allSettled(stage.actions.map(one));
      const bad = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (bad) throw bad.reason;
      results = settled.map((r) => (r as PromiseFulfilledResult<string>).value);
    } else {
      results = [];
      for (const name of stage.actions) results.push(await one(name));
    }
    return { ok: true, output: results[results.length - 1] ?? '', outputs: nameOutputs(stage.output, results) };
  } catch (e) {
    return {
      ok: false, output: '', outputs: {}, error: errorText(e),
      permanent: e instanceof ActionError && e.permanent,
      cancelled: runSignal.aborted,
    };
  } finally {
    if (timer) clearTimeout(timer);
    runSignal.removeEventListener('abort', onRunAbort);
  }
}

export async function runStage(stage: Stage, skill: Skill, base: Omit<ActionContext, 'signal'>, runSignal: AbortSignal, hooks: StageHooks, firstAttempt = 1): Promise<StageResult> {
  const tries = stage.retries + 1;
  for (let attempt = firstAttempt; ; attempt++) {
    hooks.started(attempt);
    note(base.logFile, `--- ${stage.name}: try ${attempt} of ${tries} at ${new Date().toISOString()}`);
    const r = await runTry(stage, skill, base, runSignal, attempt, hooks);
    if (r.ok || r.cancelled || r.permanent || attempt >= tries) return { ...r, attempts: attempt };
    const delay = Math.min(MAX_BACKOFF_MS, stage.backoffMs * 2 ** (attempt - firstAttempt));
    hooks.retry(attempt, r.error ?? 'failed', delay);
    if (!(await sleep(delay, runSignal))) return { ...r, cancelled: true, attempts: attempt };
  }
}
