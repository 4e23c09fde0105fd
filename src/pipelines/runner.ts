/**
 * The runner: a state machine over a pipeline's edges (src/config/pipeline-graph.ts), writing every
 * step to a journal so that a run can be read back (`miyabi runs`) and, after a crash, resumed from
 * its last finished stage (`resume`) or marked interrupted — never lost, never a finished stage run twice.
 * The stage that was running at the crash runs again from its start (at-least-once for that one).
 */
import path from 'node:path';
import { nextFallThrough, route } from '../config/pipeline-graph.js';
import type { Pipeline, Stage } from '../config/pipeline-schema.js';
import type { Skill, SkillRegistry } from '../config/skill-schema.js';
import { errorText, RunInterrupted } from './action-error.js';
import { noAgents, type AgentPort } from './agent-port.js';
import type { ActionContext } from './actions.js';
import type { RunEventPayload, RunEventType } from '../core/events/index.js';
import { conditionHolds } from './condition-eval.js';
import { conditionContext, rollbackStage, stageCwd, stageEnv, stageInputs } from './run-context.js';
import { foldRun, type JournalLike, type JournalRecordLike, type RunOutcome, type RunState } from './run-state.js';
import { runStage, sleep, type StageHooks, type StageResult } from './stage-exec.js';

export interface EscalationInfo { runId: string; pipeline: string; stage: string; attempts: number; error: string }

export interface RunnerOptions {
  journal: JournalLike;
  pipeline: Pipeline;
  skills: SkillRegistry;
  runId: string;
  /** The project root; `cwd` (the run's worktree) defaults to it. */
  root: string;
  cwd?: string;
  /** Where stage logs go (`<stage>.log`): `.miyabi/runs/<run-id>/`. */
  runDir: string;
  reportsDir: string;
  vars?: Record<string, string>;
  env?: Record<string, string | undefined>;
  branch?: string;
  event?: Record<string, unknown>;
  agents?: AgentPort;
  /** The recovery hook (the recovery issue attaches here). */
  onEscalate?: (e: EscalationInfo) => void | Promise<void>;
  /** Process groups as they start (alive=true) and end, for `miyabi cancel`. */
  onProcessGroup?: (pgid: number, alive: boolean) => void;
  /** A stage visited more often than this fails the run (a loop that did not end). */
  maxVisits?: number;
}

/** A condition about errors (`error-detected`, `error.*`): such stages still run after a failure. */
const ERROR_CONDITION = /\berror[-.]/;

export class PipelineRunner {
  private readonly records: JournalRecordLike[] = [];
  private readonly ctl = new AbortController();
  private readonly stopBackground = new AbortController();
  private readonly background: Promise<void>[] = [];
  private seq = 0;
  private readonly env: Record<string, string | undefined>;

  constructor(private readonly o: RunnerOptions) {
    this.env = o.env ?? process.env;
  }

  get state(): RunState {
    const st = foldRun(this.records);
    if (st === null) throw new Error('the run has not started');
    return st;
  }

  /** Stops the run: running commands' process groups are killed, the run ends "cancelled". */
  cancel(reason = 'cancelled'): void {
    this.ctl.abort(reason);
    this.stopBackground.abort(reason);
  }

  private interrupted: string | undefined;

  /**
   * Stops the run as a crash would, but cleanly: commands are killed, the stage in progress is not
   * recorded as finished and `run.interrupted` is journaled, so the next host resumes the run there.
   */
  interrupt(reason: string): void {
    // A run being cancelled stays cancelled: the next host must not bring it back.
    if (this.ctl.signal.aborted) return;
    this.interrupted = reason;
    const why = new RunInterrupted(reason);
    this.ctl.abort(why);
    this.stopBackground.abort(why);
  }

  async start(): Promise<RunState> {
    const p = this.o.pipeline;
    const entry = p.stages.find((s) => !p.stages.some((t) => t.onSuccess === s.name || t.onFailure === s.name))?.name ?? null;
    this.emit('run.started', {
      runId: this.o.runId, pipeline: p.name, source: p.source, hash: p.hash, vars: this.o.vars ?? {},
      branch: this.o.branch ?? this.o.vars?.['branch'] ?? '', root: this.o.root, cwd: this.o.cwd ?? this.o.root, pid: process.pid, entry,
    }, true);
    return this.drive();
  }

  /** Continues a run from its journal; a run whose pipeline changed since is marked interrupted instead. */
  async resume(): Promise<RunState> {
    this.records.push(...this.o.journal.replay());
    this.seq = this.records.at(-1)?.seq ?? 0;
    const st = foldRun(this.records);
    if (st === null) throw new Error('nothing to resume: the journal has no run.started');
    if (st.outcome !== undefined) return st;
    if (st.hash !== this.o.pipeline.hash) {
      this.emit('run.interrupted', { reason: `the pipeline file changed since the run started (${st.hash} → ${this.o.pipeline.hash}); not resumed` }, true);
      this.emit('run.finished', { outcome: 'interrupted', durationMs: Date.now() - st.startedAt }, true);
      return this.state;
    }
    const running = st.stages.filter((r) => r.outcome === 'running').map((r) => r.name);
    this.emit('run.resumed', { from: st.position, restarted: running, pid: process.pid }, true);
    for (const name of st.background) {
      const stage = this.o.pipeline.stages.find((s) => s.name === name);
      if (stage) this.launchBackground(stage);
    }
    return this.drive();
  }

  private emit<T extends RunEventType>(type: T, payload: RunEventPayload<T>, durable = false): void {
    if (durable) this.o.journal.appendDurable(type, payload);
    else this.o.journal.append(type, payload);
    this.records.push({ seq: ++this.seq, ts: Date.now(), type, payload });
  }

  private readonly journalView: JournalLike = {
    append: (t, p) => this.emit(t, p),
    appendDurable: (t, p) => this.emit(t, p, true),
    replay: () => this.records,
  };

  private lookup(name: string): { stage: Stage; skill: Skill | undefined } {
    const stage = this.o.pipeline.stages.find((s) => s.name === name);
    if (stage) return { stage, skill: this.o.skills.get(stage.skill) };
    if (name === 'rollback') return rollbackStage();
    throw new Error(`no stage named ${JSON.stringify(name)}`);
  }

  private actionContext(stage: Stage): Omit<ActionContext, 'signal'> {
    const st = this.state;
    const inputs = stageInputs(stage, st);
    return {
      runId: this.o.runId, pipeline: this.o.pipeline.name, stage: stage.name,
      cwd: stageCwd(stage, this.o.cwd ?? this.o.root),
      env: stageEnv(this.env, stage, st, this.o.runDir, inputs),
      vars: this.o.vars ?? st.vars, inputs,
      logFile: path.join(this.o.runDir, `${stage.name}.log`), logDir: this.o.runDir, reportsDir: this.o.reportsDir,
      journal: this.journalView, agents: this.o.agents ?? noAgents, state: () => this.state,
      onSpawn: (pgid) => this.o.onProcessGroup?.(pgid, true), onExit: (pgid) => this.o.onProcessGroup?.(pgid, false),
    };
  }

  private hooks(stage: Stage, continuous = false): StageHooks {
    return {
      started: (attempt) => this.emit('stage.started', { stage: stage.name, attempt, ...(continuous ? { continuous } : {}) }),
      actionFinished: (action, attempt, ok, durationMs, error) =>
        this.emit('action.finished', { stage: stage.name, action, attempt, ok, durationMs: Math.round(durationMs), ...(error ? { error } : {}) }),
      retry: (attempt, error, delayMs) => this.emit('stage.retry', { stage: stage.name, attempt, error, delayMs }),
    };
  }

  private async execute(stage: Stage, skill: Skill | undefined, hooks: StageHooks, signal: AbortSignal): Promise<StageResult> {
    if (skill === undefined) {
      hooks.started(1);
      return { ok: false, output: '', outputs: {}, error: `unknown skill ${JSON.stringify(stage.skill)}`, permanent: true, attempts: 1 };
    }
    return runStage(stage, skill, this.actionContext(stage), signal, hooks);
  }

  private launchBackground(stage: Stage): void {
    const signal = AbortSignal.any([this.ctl.signal, this.stopBackground.signal]);
    const t0 = Date.now();
    const skill = this.o.skills.get(stage.skill);
    const job = (async () => {
      let rounds = 0;
      let last: StageResult | undefined;
      for (;;) {
        const h = this.hooks(stage, true);
        last = await this.execute(stage, skill, rounds === 0 ? h : { ...h, started: () => {} }, signal);
        rounds++;
        if (!last.ok || signal.aborted) break;
        if (!(await sleep(stage.intervalMs, signal))) break;
      }
      // Left unfinished on purpose: the resumed run starts it again beside the rest.
      if (this.interrupted !== undefined) return;
      const stopped = signal.aborted && (last.ok || last.cancelled);
      const outcome = stopped ? (this.ctl.signal.aborted ? 'cancelled' : 'stopped') : last.ok ? 'passed' : 'failed';
      if (outcome === 'failed') await this.escalate(stage, last, null);
      this.emit('stage.finished', {
        stage: stage.name, outcome, attempts: rounds, durationMs: Date.now() - t0, output: last.output, outputs: last.outputs,
        ...(outcome === 'failed' ? { error: last.error } : { reason: `ran ${rounds} round(s) beside the run` }), next: null, via: 'continuous',
      }, true);
    })();
    this.background.push(job);
  }

  private async escalate(stage: Stage, r: StageResult, next: string | null): Promise<void> {
    const info = { runId: this.o.runId, pipeline: this.o.pipeline.name, stage: stage.name, attempts: r.attempts, error: r.error ?? 'failed' };
    this.emit('stage.escalated', { ...info, next }, true);
    try {
      await this.o.onEscalate?.(info);
    } catch (e) {
      this.emit('escalation.failed', { stage: stage.name, error: errorText(e) });
    }
  }

  private async drive(): Promise<RunState> {
    const visits = new Map<string, number>();
    const stages = this.o.pipeline.stages.map((s) => ({ name: s.name, on_success: s.onSuccess, on_failure: s.onFailure, condition: s.condition }));
    let next = this.state.position;
    let lastVia: string | undefined;
    while (next !== null && !this.ctl.signal.aborted) {
      const name: string = next;
      const count = (visits.get(name) ?? 0) + 1;
      visits.set(name, count);
      const { stage, skill } = this.lookup(name);
      if (count > (this.o.maxVisits ?? 50)) {
        this.emit('stage.finished', { stage: name, outcome: 'failed', attempts: 0, durationMs: 0, error: `reached ${count - 1} times in one run: a loop that does not end`, next: null, via: 'end', unhandledFailure: true }, true);
        break;
      }
      const st = this.state;
      const t0 = Date.now();
      let skipReason: string | undefined;
      if (stage.condition !== undefined && !conditionHolds(stage.condition, conditionContext(st, this.env, this.o.event ?? {}), stages.flatMap((s) => this.lookup(s.name).stage.output))) {
        skipReason = `condition is false: ${stage.condition}`;
      } else if (st.unhandledFailure && lastVia !== 'on_failure' && !ERROR_CONDITION.test(stage.condition ?? '')) {
        // After a failure nothing handled, only stages meant for errors run (recover, error-report),
        // or one an explicit on_failure edge leads to (rollback): not a deploy whose branch matches.
        skipReason = 'an earlier stage failed with no on_failure edge';
      }
      if (skipReason !== undefined) {
        // After an unhandled failure edges are not followed: only list order, to the stages that may still run.
        // A built-in stage (rollback) is not in the list: after it the run ends.
        const index = stages.findIndex((s) => s.name === name);
        const to = index < 0 ? null : st.unhandledFailure ? nextFallThrough(stages, index) : route(stages, name, 'skipped').to;
        lastVia = 'skipped';
        this.emit('stage.finished', { stage: name, outcome: 'skipped', attempts: 0, durationMs: 0, reason: skipReason, next: to, via: 'skipped' }, true);
        next = to;
        continue;
      }
      if (stage.continuous) {
        this.launchBackground(stage);
        next = route(stages, name, 'passed').to;
        this.emit('stage.backgrounded', { stage: name, next }, true);
        continue;
      }
      const r = await this.execute(stage, skill, this.hooks(stage), this.ctl.signal);
      if (r.cancelled || this.ctl.signal.aborted) {
        if (this.interrupted !== undefined) break;
        this.emit('stage.finished', { stage: name, outcome: 'cancelled', attempts: r.attempts, durationMs: Date.now() - t0, error: r.error, next: null, via: 'end' }, true);
        break;
      }
      const rt = route(stages, name, r.ok ? 'passed' : 'failed');
      lastVia = rt.via;
      if (!r.ok) await this.escalate(stage, r, rt.to);
      this.emit('stage.finished', {
        stage: name, outcome: r.ok ? 'passed' : 'failed', attempts: r.attempts, durationMs: Date.now() - t0,
        output: r.output, outputs: r.outputs, ...(r.ok ? {} : { error: r.error }),
        next: name === 'rollback' && !this.o.pipeline.stages.some((s) => s.name === 'rollback') ? null : rt.to,
        via: rt.via, ...(!r.ok && stage.onFailure === undefined ? { unhandledFailure: true } : {}),
      }, true);
      next = this.state.position;
    }
    this.stopBackground.abort('the run ended');
    await Promise.all(this.background);
    if (this.interrupted !== undefined) {
      this.emit('run.interrupted', { reason: this.interrupted }, true);
      return this.state;
    }
    const st = this.state;
    const outcome: RunOutcome = this.ctl.signal.aborted ? 'cancelled' : st.anyFailed ? 'failed' : 'succeeded';
    this.emit('run.finished', { outcome, durationMs: Date.now() - st.startedAt }, true);
    return this.state;
  }
}
