/**
 * Hosts the pipeline runs of a project: the controller, or a `miyabi run` with no controller (which
 * holds the controller's lock meanwhile, so the journal keeps one writer). Runs write to the one
 * project journal (run-journal.ts); a second run of a pipeline waits, is skipped or cancels the first
 * (the pipeline's `concurrency`). A host that starts after a crash or a stop resumes every run left
 * unfinished from its last finished stage — or marks it interrupted when its pipeline no longer
 * loads or has changed — and starts the runs that were waiting their turn.
 */
import { unwrapConfig } from '../config/config-issue.js';
import { loadPipelineFile, resolvePipelineRef } from '../config/load-pipeline.js';
import { loadSkills } from '../config/load-skill.js';
import type { Pipeline } from '../config/pipeline-schema.js';
import type { SkillRegistry } from '../config/skill-schema.js';
import { MiyabiError } from '../core/errors.js';
import { currentBranch } from './branch.js';
import { killLeftoverGroups, listRuns, newRunId, pgidTracker, readRunCache, reportsDir, runDir, writeRunCache, type RunCache } from './run-dir.js';
import { RunJournal } from './run-journal.js';
import { foldRun, type JournalRecordLike, type RunState } from './run-state.js';
import { cachedRunConfig } from './run-config-cache.js';
import { PipelineRunner } from './runner.js';
import { checkRunId, type RunsHostDeps, type StartRequest, type StartResult } from './runs-host-api.js';

export type { RunsHostDeps, StartRequest, StartResult };

interface Live {
  runner: PipelineRunner;
  pipeline: string;
  done: Promise<RunState>;
}

interface Waiting {
  runId: string;
  source: string;
  vars: Record<string, string>;
  event?: Record<string, unknown>;
}

export function loadRunConfig(root: string, ref: string): { pipeline: Pipeline; skills: SkillRegistry } {
  const skills = unwrapConfig(loadSkills({ projectRoot: root }), 'fix the skills (miyabi validate lists every problem)');
  const file = unwrapConfig(resolvePipelineRef(ref, root));
  const pipeline = unwrapConfig(loadPipelineFile(file, { skills }), 'fix the pipeline (miyabi validate lists every problem)');
  return { pipeline, skills };
}

export class RunsHost {
  private readonly live = new Map<string, Live>();
  private readonly waiting = new Map<string, Waiting[]>();
  private stopping = false;

  constructor(private readonly d: RunsHostDeps) {}

  /** Ends when the run ends (undefined when this host does not run it now). */
  done(runId: string): Promise<RunState> | undefined {
    return this.live.get(runId)?.done;
  }

  get liveIds(): string[] {
    return [...this.live.keys()];
  }

  async start(req: StartRequest): Promise<StartResult> {
    if (this.stopping) throw new MiyabiError('CONTROLLER_DOWN', 'the host is stopping; no new runs');
    const { pipeline, skills } = cachedRunConfig(this.d.root, req.pipeline, () => loadRunConfig(this.d.root, req.pipeline));
    const taken = (id: string) => this.live.has(id) || readRunCache(runDir(this.d.root, id)) !== null;
    // A generated id has 16 random bits per second: a burst of starts (a trigger firing on many
    // events) meets a taken one now and then, so a new one is drawn; only a given id is refused.
    let runId = checkRunId(req.runId ?? newRunId(pipeline.name));
    for (let tries = 0; req.runId === undefined && taken(runId) && tries < 50; tries++) runId = newRunId(pipeline.name);
    if (taken(runId)) throw new MiyabiError('USAGE', `run ${runId} exists already`);
    const vars = req.vars ?? {};
    let others = this.runsOf(pipeline.name);
    if (others.length > 0 && pipeline.concurrency === 'skip') {
      this.d.journal.append('run.skipped', { pipeline: pipeline.name, runId, others, reason: 'concurrency: skip' });
      return { runId, status: 'skipped', others };
    }
    if (pipeline.concurrency === 'cancel') {
      const cancelled: string[] = [];
      // Another start may launch while this one waits: each pass cancels what runs now, so the last start wins.
      while (others.length > 0) {
        cancelled.push(...others);
        await Promise.all(others.map((id) => this.cancel(id, `cancelled by ${runId} (concurrency: cancel)`)));
        others = this.runsOf(pipeline.name);
      }
      this.launch(runId, pipeline, skills, vars, req.event);
      return { runId, status: 'started', others: cancelled };
    }
    if (others.length > 0) {
      const w: Waiting = { runId, source: pipeline.source, vars, ...(req.event ? { event: req.event } : {}) };
      const rec = this.d.journal.appendDurable('run.queued', { ...w, pipeline: pipeline.name, waitingFor: others });
      writeRunCache(runDir(this.d.root, runId), { runId, pipeline: pipeline.name, startSeq: rec.seq, pid: process.pid, phase: 'queued', source: pipeline.source, vars, queuedAt: rec.ts });
      this.enqueue(pipeline.name, w);
      return { runId, status: 'queued', others };
    }
    this.launch(runId, pipeline, skills, vars, req.event);
    return { runId, status: 'started', others };
  }

  private runsOf(pipeline: string): string[] {
    const queued = (this.waiting.get(pipeline) ?? []).map((w) => w.runId);
    return [...[...this.live].filter(([, l]) => l.pipeline === pipeline).map(([id]) => id), ...queued];
  }

  private enqueue(pipeline: string, w: Waiting): void {
    this.waiting.set(pipeline, [...(this.waiting.get(pipeline) ?? []), w]);
  }

  /** Starts the next waiting run of a pipeline once none of it runs. */
  private next(pipeline: string): void {
    if (this.stopping || [...this.live.values()].some((l) => l.pipeline === pipeline)) return;
    const queue = this.waiting.get(pipeline) ?? [];
    const w = queue.shift();
    if (queue.length === 0) this.waiting.delete(pipeline);
    if (!w) return;
    try {
      const { pipeline: p, skills } = loadRunConfig(this.d.root, w.source);
      this.launch(w.runId, p, skills, w.vars, w.event);
    } catch (e) {
      this.d.journal.appendDurable('run.dequeued', { runId: w.runId, reason: `could not start: ${String(e)}` });
      this.finishStub(w.runId, 'failed', `could not start: ${e instanceof Error ? e.message : String(e)}`);
      this.next(pipeline);
    }
  }

  private runner(runId: string, pipeline: Pipeline, skills: SkillRegistry, rj: RunJournal, vars: Record<string, string>, event?: Record<string, unknown>): PipelineRunner {
    const dir = runDir(this.d.root, runId);
    return new PipelineRunner({
      journal: rj, shell: this.d.shell, pipeline, skills, runId, root: this.d.root, runDir: dir, reportsDir: reportsDir(this.d.root), vars,
      branch: vars['branch'] ?? currentBranch(this.d.root), onProcessGroup: pgidTracker(dir),
      ...(this.d.env ? { env: this.d.env } : {}), ...(event ? { event } : {}),
      ...(this.d.agents ? { agents: this.d.agents() } : {}), ...(this.d.onEscalate ? { onEscalate: this.d.onEscalate } : {}),
    });
  }

  private track(runId: string, pipeline: string, runner: PipelineRunner, rj: RunJournal, running: Promise<RunState>): void {
    const done = running.finally(() => {
      this.live.delete(runId);
      rj.cache();
      this.d.onRunEnded?.(runId);
      this.next(pipeline);
    });
    done.catch((e) => this.d.log?.(`run ${runId}: ${String(e)}`));
    this.live.set(runId, { runner, pipeline, done });
  }

  private launch(runId: string, pipeline: Pipeline, skills: SkillRegistry, vars: Record<string, string>, event?: Record<string, unknown>): void {
    if (this.stopping) throw new MiyabiError('CONTROLLER_DOWN', 'the host is stopping; no new runs');
    const dir = runDir(this.d.root, runId);
    // The stub first: a crash between it and run.started leaves a stub the next host can explain.
    writeRunCache(dir, { runId, pipeline: pipeline.name, startSeq: this.d.journal.lastSeq + 1, pid: process.pid, phase: 'pending', source: pipeline.source, vars });
    const rj = new RunJournal(this.d.journal, runId, dir);
    const runner = this.runner(runId, pipeline, skills, rj, vars, event);
    this.track(runId, pipeline.name, runner, rj, runner.start());
  }

  private finishStub(runId: string, outcome: 'cancelled' | 'failed' | 'interrupted', reason: string): void {
    const dir = runDir(this.d.root, runId);
    const c = readRunCache(dir);
    if (c) writeRunCache(dir, { ...c, outcome, reason, endedAt: Date.now() });
  }

  /** Cancels a live or waiting run, or closes one left interrupted; resolves with its status. */
  async cancel(runId: string, reason = 'cancelled with miyabi cancel'): Promise<string> {
    checkRunId(runId);
    const l = this.live.get(runId);
    if (l) {
      l.runner.cancel(reason);
      return (await l.done.catch(() => undefined))?.outcome ?? 'cancelled';
    }
    for (const [pipeline, queue] of this.waiting) {
      if (!queue.some((w) => w.runId === runId)) continue;
      this.waiting.set(pipeline, queue.filter((w) => w.runId !== runId));
      this.d.journal.appendDurable('run.dequeued', { runId, reason });
      this.finishStub(runId, 'cancelled', reason);
      return 'cancelled';
    }
    const { cache, records } = this.unfinished(runId);
    const st = foldRun(records);
    if (st === null) {
      this.finishStub(runId, 'cancelled', reason);
      return 'cancelled';
    }
    killLeftoverGroups(runDir(this.d.root, runId), this.d.shell);
    const rj = new RunJournal(this.d.journal, runId, runDir(this.d.root, runId), records, cache.startSeq);
    rj.appendDurable('run.finished', { outcome: 'cancelled', durationMs: Date.now() - st.startedAt, reason });
    return 'cancelled';
  }

  /** A run this host does not run, with no outcome yet: its cache and its records in the journal. */
  private unfinished(runId: string): { cache: RunCache; records: JournalRecordLike[] } {
    const cache = readRunCache(runDir(this.d.root, runId));
    if (cache === null) throw new MiyabiError('NOT_FOUND', `no run ${JSON.stringify(runId)}`, { hint: 'miyabi runs lists them' });
    if (cache.outcome !== undefined) throw new MiyabiError('USAGE', `run ${runId} has ended already (${cache.outcome})`);
    return { cache, records: this.recordsOf([cache]).get(runId) ?? [] };
  }

  /** Replays the journal once from the earliest of these runs' start, grouping records by run. */
  private recordsOf(caches: RunCache[]): Map<string, JournalRecordLike[]> {
    const ids = new Set(caches.map((c) => c.runId));
    const out = new Map<string, JournalRecordLike[]>();
    if (ids.size === 0) return out;
    const from = Math.min(...caches.map((c) => c.startSeq)) - 1;
    for (const r of this.d.journal.replay(Math.max(0, from))) {
      const id = (r.payload as { runId?: unknown } | null)?.runId;
      if (typeof id === 'string' && ids.has(id)) out.set(id, [...(out.get(id) ?? []), r]);
    }
    return out;
  }

  /**
   * Takes over every run left unfinished by an earlier host: resumed where it stopped, or marked
   * interrupted; runs that were waiting their turn wait again. Call it once, holding the lock.
   */
  recover(): string[] {
    const caches = listRuns(this.d.root).filter((r) => r.outcome === undefined && !this.live.has(r.runId));
    const records = this.recordsOf(caches);
    const touched: string[] = [];
    for (const c of caches) {
      const recs = records.get(c.runId) ?? [];
      const queued = recs.find((r) => r.type === 'run.queued');
      if (recs.some((r) => r.type === 'run.dequeued')) {
        this.finishStub(c.runId, 'cancelled', String((recs.find((r) => r.type === 'run.dequeued')?.payload as { reason?: string })?.reason ?? 'dequeued'));
        continue;
      }
      if (queued && !recs.some((r) => r.type === 'run.started')) {
        const q = queued.payload as Waiting & { pipeline: string };
        this.enqueue(q.pipeline, { runId: q.runId, source: q.source, vars: q.vars ?? {}, ...(q.event ? { event: q.event } : {}) });
        writeRunCache(c.dir, { ...readRunCache(c.dir)!, pid: process.pid });
        touched.push(c.runId);
        continue;
      }
      this.takeOver(c, recs);
      touched.push(c.runId);
    }
    for (const pipeline of [...this.waiting.keys()]) this.next(pipeline);
    return touched;
  }

  /**
   * `miyabi run --resume RUN`: one interrupted run, resumed now (or, if it had not started, queued
   * again). `ended` when there was nothing left to run: the run had ended, or never started.
   */
  resume(runId: string): 'resumed' | 'queued' | 'ended' {
    checkRunId(runId);
    if (this.stopping) throw new MiyabiError('CONTROLLER_DOWN', 'the host is stopping; no new runs');
    if (this.live.has(runId)) throw new MiyabiError('USAGE', `run ${runId} is running`);
    if ([...this.waiting.values()].some((q) => q.some((w) => w.runId === runId))) {
      throw new MiyabiError('USAGE', `run ${runId} is queued: it starts when the runs before it end`);
    }
    const { cache, records } = this.unfinished(runId);
    const queued = records.find((r) => r.type === 'run.queued');
    if (queued && !records.some((r) => r.type === 'run.started' || r.type === 'run.dequeued')) {
      const q = queued.payload as Waiting & { pipeline: string };
      this.enqueue(q.pipeline, { runId, source: q.source, vars: q.vars ?? {}, ...(q.event ? { event: q.event } : {}) });
      this.next(q.pipeline);
      return this.live.has(runId) ? 'resumed' : 'queued';
    }
    this.takeOver({ ...cache, dir: runDir(this.d.root, runId) }, records);
    return this.live.has(runId) ? 'resumed' : 'ended';
  }

  private takeOver(c: RunCache & { dir: string }, recs: JournalRecordLike[]): void {
    const st = foldRun(recs);
    const rj = new RunJournal(this.d.journal, c.runId, c.dir, recs, c.startSeq);
    if (st === null) {
      this.finishStub(c.runId, 'interrupted', 'the host stopped before the run started');
      return;
    }
    if (st.outcome !== undefined) {
      rj.cache();
      return;
    }
    // Commands the dead host left behind go first: the stage they belonged to runs again.
    killLeftoverGroups(c.dir, this.d.shell);
    let loaded: { pipeline: Pipeline; skills: SkillRegistry };
    try {
      loaded = loadRunConfig(this.d.root, st.source);
    } catch (e) {
      rj.appendDurable('run.interrupted', { reason: `not resumed: ${e instanceof Error ? e.message : String(e)}` });
      rj.appendDurable('run.finished', { outcome: 'interrupted', durationMs: Date.now() - st.startedAt });
      return;
    }
    this.d.onRunAdopted?.(c.runId, c.startSeq);
    const runner = this.runner(c.runId, loaded.pipeline, loaded.skills, rj, st.vars);
    this.track(c.runId, loaded.pipeline.name, runner, rj, runner.resume());
  }

  /** The host is going away: live runs stop where they are, to be resumed by the next host. */
  async stop(reason: string): Promise<void> {
    this.stopping = true;
    const all = [...this.live.values()];
    for (const l of all) l.runner.interrupt(reason);
    await Promise.all(all.map((l) => l.done.catch(() => undefined)));
  }
}
