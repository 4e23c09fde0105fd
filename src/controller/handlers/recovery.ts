import type { AgentStates } from '../../agents/agent-states.js';
import { MiyabiError } from '../../core/errors.js';
import type { Impls } from '../../ipc/handlers.js';
import type { HealthRow } from '../../ipc/messages/health.js';
import type { Level } from '../../recovery/policy.js';
import type { Recovery } from '../../recovery/recoverer.js';
import type { PaneSpecs } from '../../recovery/specs.js';
import type { RecoverOutcome } from '../../recovery/types.js';
import type { TmuxPort } from '../../tmux/port.js';
import type { Messaging } from '../messaging.js';
import type { PartContext } from '../parts/part.js';

export type RecoveryMessages = 'restart' | 'recover' | 'health';

interface Deps {
  recovery: Recovery;
  specs: PaneSpecs;
  states: AgentStates;
  messaging: Messaging;
  tmux: Pick<TmuxPort, 'listPanes'>;
  session: string;
  supervised: boolean;
  conversations: () => Record<string, string>;
}

export const supervisedNow = (c: PartContext): boolean => c.supervised === true;

const iso = (t: number | null | undefined) => (t ? new Date(t).toISOString() : null);

function known(d: Deps, name: string): void {
  if (!d.specs.has(name)) throw new MiyabiError('NOT_FOUND', `no pane named ${name}`, { hint: 'miyabi status lists them' });
}

function failed(name: string, r: RecoverOutcome): MiyabiError {
  return new MiyabiError('INTERNAL', `${name} was not brought back at L${r.level}: ${r.reason ?? r.outcome}`, { hint: 'miyabi health shows the ladder; the journal has every attempt' });
}

/** The recovery part's answers: `restart` (L1 by hand), `recover` (the ladder by hand), `health`. */
export function recoveryHandlers(d: Deps): Pick<Impls, RecoveryMessages> {
  return {
    restart: async ({ name }) => {
      known(d, name);
      const r = await d.recovery.restartByHand(name);
      if (r.outcome !== 'succeeded' || !r.pane) throw failed(name, r);
      return { name, paneId: r.pane.paneId, pid: r.pane.pid, durationMs: r.durationMs };
    },
    recover: async ({ name, level }) => {
      known(d, name);
      const r = await d.recovery.recoverAt(name, level as Level | undefined, 'user', `asked by hand (miyabi recover${level ? ` --level ${level}` : ''})`);
      if (r.outcome === 'failed') throw failed(name, r);
      return { name, level: r.level, outcome: r.outcome, durationMs: r.durationMs };
    },
    health: async () => {
      const panes = await d.tmux.listPanes(d.session);
      const convs = d.conversations();
      const agents = panes.map((p): HealthRow => {
        const st = d.states.get(p.agent);
        const act = d.messaging.activity(p.agent);
        const h = d.recovery.healthOf(p.agent);
        return {
          name: p.agent, role: p.role, paneId: p.paneId, alive: !p.dead,
          state: p.dead ? 'dead' : (st?.state ?? null),
          lastHeartbeatAt: iso(d.states.liveness(p.agent)?.heartbeatAt),
          lastOutputAt: iso(act?.lastOutputAt),
          level: h.level, restarts: h.restarts, next: h.next, failed: h.failed,
          never: d.specs.neverRestart(p.agent),
          conversation: convs[p.agent] ?? null,
        };
      });
      return { supervised: d.supervised, agents };
    },
  };
}
