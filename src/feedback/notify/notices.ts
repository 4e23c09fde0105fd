/**
 * Which journal records are changes a person must act on: an agent now waiting for input, an agent
 * that died or that recovery gave up on, a run that failed, a stage escalated, a condition that
 * fired. One notice per change: an agent already waiting is not announced again until it left.
 */
import type { FoldRecord } from '../fold.js';

export type NoticeKind = 'agent.waiting' | 'agent.dead' | 'run.failed' | 'run.escalated' | 'condition.fired';

export interface Notice {
  kind: NoticeKind;
  /** What it is about (an agent, a run, a rule): with the kind, the de-duplication key. */
  subject: string;
  text: string;
  ts: number;
  seq: number;
}

type P = Record<string, unknown>;
const s = (p: P, k: string) => (typeof p[k] === 'string' ? (p[k] as string) : '');

export class NoticeSource {
  private readonly states = new Map<string, string>();

  /** The notice a record is, or null. Call it with every record in order. */
  of(r: FoldRecord): Notice | null {
    if (typeof r.payload !== 'object' || r.payload === null) return null;
    const p = r.payload as P;
    const n = (kind: NoticeKind, subject: string, text: string): Notice => ({ kind, subject, text, ts: r.ts, seq: r.seq });
    switch (r.type) {
      case 'agent.state': {
        const name = s(p, 'name');
        const before = this.states.get(name);
        const now = s(p, 'state');
        this.states.set(name, now);
        if (now === before) return null;
        if (now === 'waiting-for-input') return n('agent.waiting', name, `agent ${name} is waiting for input${s(p, 'reason') ? `: ${s(p, 'reason')}` : ''}`);
        if (now === 'dead') return n('agent.dead', name, `agent ${name} died${s(p, 'reason') ? `: ${s(p, 'reason')}` : ''}`);
        return null;
      }
      case 'recovery.gave-up':
        return n('agent.dead', s(p, 'agent'), `recovery gave up on agent ${s(p, 'agent')}${s(p, 'reason') ? `: ${s(p, 'reason')}` : ''}`);
      case 'run.finished':
        return s(p, 'outcome') === 'failed' ? n('run.failed', s(p, 'runId'), `run ${s(p, 'runId')} failed${s(p, 'reason') ? `: ${s(p, 'reason')}` : ''}`) : null;
      case 'stage.escalated':
        return n('run.escalated', `${s(p, 'runId')}/${s(p, 'stage')}`, `run ${s(p, 'runId')} (${s(p, 'pipeline')}): stage ${s(p, 'stage')} escalated after ${String(p.attempts ?? '?')} tries: ${s(p, 'error')}`);
      case 'trigger.fired': {
        // Condition triggers (`metric: … > …`) name their cause so; event triggers are not news.
        const cause = s(p, 'cause');
        if (!/condition|metric/i.test(cause)) return null;
        return n('condition.fired', s(p, 'rule'), `condition ${s(p, 'rule')} fired: ${cause}`);
      }
    }
    return null;
  }
}
