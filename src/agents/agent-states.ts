import { BUILTIN_PROFILES, decide, initialState, loadProfileFile, profileForCommand, type AgentState, type Decision, type StateProfile } from './states/index.js';
import type { EventSink } from '../core/events/index.js';
import type { PaneInfo } from '../tmux/port.js';

interface Deps {
  capture: (paneId: string) => Promise<string>;
  activity: (name: string) => { lastOutputAt: number; since: number } | null;
  /** The command a pane runs, to pick its profile (claude, codex, …, else shell). */
  command: (name: string) => string;
  profileName?: (name: string) => string | undefined;
  /** A state profile file the layout names for this agent (its own patterns). */
  profileFile?: (name: string) => string | undefined;
  journal: EventSink;
}

interface Tracked {
  state: AgentState & Partial<Decision>;
  profile: StateProfile;
  capturedAt: number;
  heartbeatAt?: number;
  explicit?: 'done' | 'heartbeat';
  hook?: 'hook:prompt-submit' | 'hook:stop' | 'hook:notification';
}

/**
 * Each agent's state, decided once per sweep (agents/states): a capture only of panes that
 * printed something since their last capture, every change journaled with its cause, and a
 * screen no profile pattern knows journaled too, so a changed agent UI shows up at once.
 */
export class AgentStates {
  private readonly agents = new Map<string, Tracked>();

  constructor(private readonly d: Deps) {}

  get(name: string): (AgentState & Partial<Decision>) | undefined {
    return this.agents.get(name)?.state;
  }

  /** For recovery's hung check: the last heartbeat, and the silence its profile allows. */
  liveness(name: string): { heartbeatAt: number | null; unresponsiveAfterMs: number } | undefined {
    const t = this.agents.get(name);
    return t && { heartbeatAt: t.heartbeatAt ?? null, unresponsiveAfterMs: t.profile.timings.unresponsiveAfterMs };
  }

  heartbeat(name: string): void {
    const t = this.agents.get(name);
    if (t) {
      t.heartbeatAt = Date.now();
      t.explicit = 'heartbeat';
    }
  }

  /** The agent CLI's own hook fired (`miyabi hook <event>`): the most trusted signal there is. */
  hook(name: string, event: 'prompt-submit' | 'stop' | 'notification'): void {
    const t = this.agents.get(name);
    if (t) t.hook = `hook:${event}`;
  }

  done(name: string): void {
    const t = this.agents.get(name);
    if (t) t.explicit = 'done';
  }

  async tick(panes: PaneInfo[], now = Date.now()): Promise<void> {
    const seen = new Set<string>();
    for (const p of panes) {
      if (p.role !== 'agent') continue;
      seen.add(p.agent);
      const act = this.d.activity(p.agent);
      let t = this.agents.get(p.agent);
      if (!t) {
        const named = this.d.profileName?.(p.agent);
        const file = this.d.profileFile?.(p.agent);
        const profile = (file && loadProfileFile(file)) || (named && BUILTIN_PROFILES[named]) || profileForCommand(this.d.command(p.agent));
        t = { state: initialState(act?.since ?? now), profile, capturedAt: 0 };
        this.agents.set(p.agent, t);
      }
      const fresh = act !== null && act.lastOutputAt > t.capturedAt;
      const screen = !p.dead && (fresh || t.capturedAt === 0) ? await this.d.capture(p.paneId).catch(() => undefined) : undefined;
      if (screen !== undefined) t.capturedAt = now;
      const decision = decide(
        t.state,
        {
          paneDead: p.dead,
          deadStatus: p.deadStatus,
          ...(screen !== undefined ? { screen } : {}),
          ...(act ? { lastOutputAt: act.lastOutputAt } : {}),
          ...(t.heartbeatAt !== undefined ? { lastHeartbeatAt: t.heartbeatAt } : {}),
          ...(t.explicit ? { explicit: t.explicit } : {}),
          ...(t.hook ? { hookEvent: t.hook } : {}),
          startedAt: act?.since ?? now,
        },
        t.profile,
        now,
      );
      t.explicit = undefined;
      t.hook = undefined;
      if (decision.changed) {
        this.d.journal.append('agent.state', { name: p.agent, state: decision.state, signal: decision.signal, reason: decision.reason, ...(decision.resetAt ? { resetAt: decision.resetAt } : {}) });
      }
      if (decision.unrecognized && !t.state.unrecognized) this.d.journal.append('agent.screen-unrecognized', { name: p.agent, profile: t.profile.name });
      t.state = decision;
    }
    for (const name of this.agents.keys()) if (!seen.has(name)) this.agents.delete(name);
  }
}
