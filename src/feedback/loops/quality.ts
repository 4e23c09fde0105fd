/**
 * The quality loop (the design's "apply learnings"): when a build, test or lint stage fails, its
 * error and the tail of its log go as a message to the agent whose branch it was — the agent the
 * run handed work to, or the one spawned on (or assigned a task on) the run's branch — and the
 * hand-over is journaled (`quality.reported`). No agent of that branch: nothing is sent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventSink } from '../../core/events/index.js';
import { runDir } from '../../pipelines/run-dir.js';
import type { FoldRecord } from '../fold.js';

/** Stages whose failure is the agent's to fix. */
export const QUALITY_STAGE = /build|test|lint|typecheck|check/i;
const TAIL_LINES = 30;

type P = Record<string, unknown>;
const s = (p: P, k: string) => (typeof p[k] === 'string' ? (p[k] as string) : undefined);

export interface QualityLoopOptions {
  root: string;
  journal: EventSink;
  /** Writes a message to the agent's inbox; returns its id (the bus). */
  send(to: string, text: string): string;
}

export class QualityLoop {
  private readonly runs = new Map<string, { pipeline: string; branch: string }>();
  private readonly runAgent = new Map<string, string>();
  private readonly branchAgent = new Map<string, string>();

  constructor(private readonly o: QualityLoopOptions) {}

  readonly onRecord = (r: FoldRecord): void => {
    if (typeof r.payload !== 'object' || r.payload === null) return;
    const p = r.payload as P;
    switch (r.type) {
      case 'run.started':
        if (s(p, 'runId')) this.runs.set(s(p, 'runId') as string, { pipeline: s(p, 'pipeline') ?? '?', branch: s(p, 'branch') ?? '' });
        return;
      case 'agent.spawned':
      case 'task.assigned': {
        const agent = s(p, r.type === 'agent.spawned' ? 'name' : 'agent');
        const branch = s(p, 'branch');
        if (agent && branch) this.branchAgent.set(branch, agent);
        return;
      }
      case 'pipeline.assigned':
      case 'pipeline.started':
        if (s(p, 'runId') && s(p, 'agent')) this.runAgent.set(s(p, 'runId') as string, s(p, 'agent') as string);
        return;
      case 'run.finished':
        if (s(p, 'outcome') !== 'interrupted' && s(p, 'runId')) {
          this.runs.delete(s(p, 'runId') as string);
          this.runAgent.delete(s(p, 'runId') as string);
        }
        return;
      case 'stage.finished':
        if (s(p, 'outcome') === 'failed') this.failed(p);
    }
  };

  private failed(p: P): void {
    const runId = s(p, 'runId') ?? '';
    const stage = s(p, 'stage') ?? '';
    if (!QUALITY_STAGE.test(stage)) return;
    const run = this.runs.get(runId);
    const agent = this.runAgent.get(runId) ?? (run?.branch ? this.branchAgent.get(run.branch) : undefined);
    if (!agent) return;
    const log = join(runDir(this.o.root, runId), `${stage}.log`);
    const tail = existsSync(log) ? readFileSync(log, 'utf8').trimEnd().split('\n').slice(-TAIL_LINES).join('\n') : '';
    const text = [
      `[miyabi feedback] stage ${stage} of run ${runId} (${run?.pipeline ?? '?'}) failed${run?.branch ? ` on your branch ${run.branch}` : ''}: ${s(p, 'error') ?? s(p, 'reason') ?? 'no error given'}`,
      ...(tail ? [`last lines of ${log}:`, tail] : []),
      'please fix it and say when done.',
    ].join('\n');
    let messageId: string | null = null;
    let error: string | undefined;
    try {
      messageId = this.o.send(agent, text);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    this.o.journal.append('quality.reported', { runId, stage, agent, messageId, ...(error ? { error } : {}) });
  }
}
