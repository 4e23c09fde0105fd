/** A clock tests move by hand, a recording sink, a starter that records runs, and a rule builder. */
import type { TriggerRule } from '../../../src/config/trigger-schema.js';
import type { Clock, Starter } from '../../../src/triggers/engine.js';

export class FakeClock implements Clock {
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private next = 1;
  constructor(public t = 1_700_000_000_000) {}
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.next++;
    this.timers.push({ at: this.t + Math.max(0, ms), fn, id });
    return id;
  };
  clearTimeout = (h: unknown) => {
    this.timers = this.timers.filter((x) => x.id !== h);
  };
  /** Moves time forward, running each timer at its time, in order. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const first = this.timers[0];
      if (!first || first.at > end) break;
      this.timers.shift();
      this.t = first.at;
      first.fn();
      await flush();
    }
    this.t = end;
    await flush();
  }
}

export async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

export class Sink {
  records: { type: string; payload: Record<string, unknown> }[] = [];
  append = (type: string, payload: unknown) => {
    this.records.push({ type, payload: payload as Record<string, unknown> });
    return undefined;
  };
  appendDurable = this.append;
  of(type: string) {
    return this.records.filter((r) => r.type === type).map((r) => r.payload);
  }
}

export class FakeStarter implements Starter {
  started: { pipeline: string; vars: Record<string, string>; runId: string; event?: Record<string, unknown> }[] = [];
  cancelled: string[] = [];
  live = new Map<string, { resolve: () => void; done: Promise<void> }>();
  private n = 0;
  /** Runs stay live until ended by hand when true. */
  hold = false;
  start = async (req: { pipeline: string; vars: Record<string, string>; event?: Record<string, unknown> }) => {
    const runId = `run-${++this.n}`;
    this.started.push({ ...req, runId });
    if (this.hold) {
      let resolve!: () => void;
      const done = new Promise<void>((r) => (resolve = r));
      this.live.set(runId, { resolve, done });
    }
    return { runId, status: 'started' };
  };
  cancel = async (runId: string) => {
    this.cancelled.push(runId);
    this.end(runId);
  };
  done = (runId: string) => this.live.get(runId)?.done;
  end(runId: string): void {
    this.live.get(runId)?.resolve();
    this.live.delete(runId);
  }
}

export function rule(over: Partial<TriggerRule> & { name: string }): TriggerRule {
  return {
    enabled: true, origin: 'project', kind: 'event', match: {}, files: [], target: { kind: 'pipeline', pipeline: 'p' },
    vars: {}, debounceMs: 0, cooldownMs: 0, dedupe: '${event.id}', overlap: 'queue', needs: [], ...over,
  };
}
