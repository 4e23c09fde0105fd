/**
 * Each agent's +/− against its base, and the selected agent's patch, fetched from the controller
 * (the `diff` message; it runs git) off the render path: the screen only ever reads this cache.
 * An agent's figures are fetched when it is first seen and again after it does something (a state
 * change, a task, a delivery: `touch`), once per burst, two fetches at a time. Never per frame.
 */
import type { ReplyOf } from '../../ipc/messages/index.js';

export type DiffReply = ReplyOf<'diff'>;
export interface DiffFigure { added: number; removed: number; files: number }

export const DIFF_QUIET_MS = 500;
const PARALLEL = 2;

export class DiffCache {
  private readonly figures = new Map<string, DiffFigure | { error: string }>();
  private readonly queue: string[] = [];
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly inflight = new Set<string>();
  private patch: { agent: string; reply: DiffReply | { error: string }; fresh: boolean } | null = null;
  private patchAsked: string | null = null;
  private stopped = false;

  constructor(
    private readonly ask: (agent: string, patch: boolean) => Promise<DiffReply>,
    private readonly changed: () => void,
    private readonly quietMs = DIFF_QUIET_MS,
  ) {}

  /** The figure the table shows; undefined until the first answer. */
  get(agent: string): DiffFigure | undefined {
    const f = this.figures.get(agent);
    return f && !('error' in f) ? f : undefined;
  }

  /** Agents on screen: those never asked about are fetched. */
  track(agents: readonly string[]): void {
    for (const a of agents) {
      if (!this.figures.has(a) && !this.inflight.has(a) && !this.queue.includes(a) && !this.timers.has(a)) this.enqueue(a);
    }
  }

  /** The agent did something: fetch again once it has been quiet for a moment. */
  touch(agent: string): void {
    clearTimeout(this.timers.get(agent));
    this.timers.set(agent, setTimeout(() => {
      this.timers.delete(agent);
      // The open patch is asked for again at the next draw, once per quiet spell.
      if (this.patch?.agent === agent) {
        this.patch.fresh = false;
        this.changed();
      }
      this.enqueue(agent);
    }, this.quietMs));
    this.timers.get(agent)?.unref?.();
  }

  /** Everything again (R). */
  touchAll(): void {
    for (const a of this.figures.keys()) this.touch(a);
  }

  /** The selected agent's patch for the diff panel: fetched when missing or stale, never twice at once. */
  patchOf(agent: string): DiffReply | { error: string } | null {
    const have = this.patch?.agent === agent ? this.patch : null;
    if ((!have || !have.fresh) && this.patchAsked !== agent) {
      this.patchAsked = agent;
      this.ask(agent, true).then(
        (reply) => this.gotPatch(agent, reply),
        (e: unknown) => this.gotPatch(agent, { error: e instanceof Error ? e.message : String(e) }),
      );
    }
    return have?.reply ?? null;
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
  }

  private gotPatch(agent: string, reply: DiffReply | { error: string }): void {
    if (this.patchAsked === agent) this.patchAsked = null;
    if (this.stopped) return;
    this.patch = { agent, reply, fresh: true };
    if (!('error' in reply)) this.figures.set(agent, { added: reply.added, removed: reply.removed, files: reply.files.length });
    this.changed();
  }

  private enqueue(agent: string): void {
    if (!this.queue.includes(agent)) this.queue.push(agent);
    this.pump();
  }

  private pump(): void {
    while (!this.stopped && this.inflight.size < PARALLEL && this.queue.length) {
      const agent = this.queue.shift() as string;
      // One fetch per agent at a time: a touch while it runs waits in the queue.
      if (this.inflight.has(agent)) {
        this.queue.push(agent);
        if (this.queue.every((a) => this.inflight.has(a))) break;
        continue;
      }
      this.inflight.add(agent);
      this.ask(agent, false)
        .then(
          (r) => this.figures.set(agent, { added: r.added, removed: r.removed, files: r.files.length }),
          (e: unknown) => this.figures.set(agent, { error: e instanceof Error ? e.message : String(e) }),
        )
        .finally(() => {
          this.inflight.delete(agent);
          if (this.stopped) return;
          this.changed();
          this.pump();
        });
    }
  }
}

/** The diff panel's text: what it is measured against, the files, then the patch. */
export function diffPanelLines(agent: string | undefined, d: DiffReply | { error: string } | null): string[] {
  if (!agent) return ['no agent selected'];
  if (!d) return [`asking for ${agent}'s diff…`];
  if ('error' in d) return [`no diff for ${agent}: ${d.error}`];
  const head = [
    `${agent} against ${d.base} (${d.baseCommit.slice(0, 8)}) in ${d.dir}`,
    d.files.length ? `+${d.added} -${d.removed} in ${d.files.length} file${d.files.length === 1 ? '' : 's'}` : 'no changes',
    ...d.files.map((f) => (f.binary ? `  binary  ${f.path}` : `  ${`+${f.added}`.padStart(6)} ${`-${f.removed}`.padStart(6)}  ${f.path}`)),
  ];
  const patch = (d.patch ?? '').replace(/\n$/, '').split('\n').filter((l, i, a) => a.length > 1 || l !== '');
  return [...head, ...(patch.length ? ['', ...patch] : []), ...(d.truncated ? ['(cut: miyabi worktree shows the rest)'] : [])];
}
