import type { JournalRecord } from '../../core/journal.js';
import type { RunMemo, RunMemos } from './types.js';
import { ENDS } from './wait.js';

const MAX_RUNS = 256;

/** What the door remembers of each run. */
export class RunMemory implements RunMemos {
  private readonly memos = new Map<string, RunMemo>();
  /** Fires 'change' when a reservation is let go: a wait for an idle agent looks again. */
  readonly changed = new EventTarget();

  constructor(private readonly replay?: (afterSeq?: number) => Iterable<JournalRecord>) {}

  get(runId: string): RunMemo {
    let m = this.memos.get(runId);
    if (!m) {
      m = {};
      this.memos.set(runId, m);
      // Forgotten runs leak nothing when the host never calls forgetRun: the oldest go first.
      if (this.memos.size > MAX_RUNS) this.forget(this.memos.keys().next().value!);
    }
    return m;
  }

  /** Runs begun by an earlier controller and taken over by this one, with the seq of their first record. */
  private readonly adopted = new Map<string, number>();

  adopt(runId: string, startSeq: number): void {
    this.adopted.set(runId, startSeq);
  }

  /** The run's memory, read back from the journal for a run an earlier controller began. */
  recall(runId: string): RunMemo {
    const from = this.adopted.get(runId);
    if (this.memos.has(runId) || !this.replay || from === undefined) return this.get(runId);
    const m = this.get(runId);
    const ended = new Set<string>();
    for (const r of this.replay(Math.max(0, from - 1))) {
      const p = r.payload as Record<string, unknown> | null;
      if (ENDS[r.type] !== undefined && typeof p?.['id'] === 'string') ended.add(p['id']);
      if (!r.type.startsWith('pipeline.') || p?.['runId'] !== runId) continue;
      const s = (k: string): string | undefined => (typeof p[k] === 'string' ? (p[k] as string) : undefined);
      if (r.type === 'pipeline.worktree' && s('path')) m.worktree = { path: s('path')!, branch: s('branch') ?? null };
      if (r.type === 'pipeline.assigned') Object.assign(m, { agent: s('agent'), paneId: s('paneId') });
      if (r.type === 'pipeline.started') m.task = s('task');
      if (r.type === 'pipeline.task' && s('stage') && s('task')) m.stageTasks = { ...m.stageTasks, [s('stage')!]: s('task')! };
    }
    // The agent stays this run's while the work it was given (or is about to be) is not over.
    if (m.agent && !(m.task && ended.has(m.task))) m.holds = m.agent;
    return m;
  }

  /** The run holding `agent`, other than `runId`. */
  heldBy(agent: string, runId?: string): string | undefined {
    for (const [id, m] of this.memos) if (id !== runId && m.holds === agent) return id;
    return undefined;
  }

  release(runId: string): void {
    const m = this.memos.get(runId);
    if (m?.holds === undefined) return;
    m.holds = undefined;
    this.changed.dispatchEvent(new Event('change'));
  }

  forget(runId: string): void {
    this.release(runId);
    this.memos.delete(runId);
    this.adopted.delete(runId);
  }
}

