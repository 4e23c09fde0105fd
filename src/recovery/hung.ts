import type { PaneInfo } from '../tmux/port.js';
import type { RecoveryDeps } from './types.js';

/** What the hung check remembers between sweeps. */
export interface HungWatch {
  /** Agents nudged, and when: recovered only if still silent `nudgeWaitMs` later. */
  nudgedAt: Map<string, number>;
  /** The state last reported for an agent not restarted on purpose (said once per episode). */
  reported: Map<string, string>;
}

/**
 * A tmux key every agent TUI we know takes as "redraw" (Claude Code, Codex, a readline shell)
 * and none takes as an answer or a submit: a live program repaints, a hung one stays silent.
 */
export const DEFAULT_NUDGE = 'C-l';
export const DEFAULT_NUDGE_WAIT_MS = 10_000;

/**
 * Hung is not dead (the design's heartbeat check): an agent waiting for a person or
 * rate-limited is only reported; a busy one silent past its limit is nudged, then given
 * `nudgeWaitMs`; only one still silent after that is recovered. Returns why to recover, or null.
 */
export function checkHung(d: RecoveryDeps, w: HungWatch, p: PaneInfo, now: number): string | null {
  const name = p.agent;
  const st = d.stateOf(name);
  if (!st) return null;
  if (st.state === 'waiting-for-input' || st.state === 'rate-limited') {
    if (w.reported.get(name) !== st.state) {
      w.reported.set(name, st.state);
      const until = st.resetAt ? ` until ${new Date(st.resetAt).toISOString()}` : '';
      d.journal.append('recovery.reported', { agent: name, state: st.state, reason: `${st.state}${until}: never restarted, only reported` });
    }
    w.nudgedAt.delete(name);
    return null;
  }
  w.reported.delete(name);
  const last = d.lastSignOfLife(name) ?? st.since;
  const silent = now - last;
  const limit = d.config.unresponsiveMs ?? d.silentLimitMs(name);
  const hung = st.state === 'unresponsive' || (st.state === 'busy' && silent >= limit);
  const nudged = w.nudgedAt.get(name);
  if (!hung || (nudged !== undefined && last > nudged)) {
    w.nudgedAt.delete(name);
    return null;
  }
  if (d.neverRestart(name)) {
    if (w.reported.get(name) !== 'unresponsive') {
      w.reported.set(name, 'unresponsive');
      d.journal.append('recovery.reported', { agent: name, state: 'unresponsive', reason: `silent for ${Math.round(silent / 1000)} s; marked never to restart` });
    }
    return null;
  }
  if (nudged === undefined) {
    const nudge = d.config.nudge ?? DEFAULT_NUDGE;
    w.nudgedAt.set(name, now);
    void sendNudge(d, p.paneId, nudge).catch(() => undefined);
    d.journal.append('recovery.nudged', { agent: name, with: nudge, silentMs: silent });
    return null;
  }
  const wait = d.config.nudgeWaitMs ?? DEFAULT_NUDGE_WAIT_MS;
  if (now - nudged < wait) return null;
  w.nudgedAt.delete(name);
  return `unresponsive: no output or heartbeat for ${Math.round(silent / 1000)} s, and none in ${Math.round(wait / 1000)} s after a nudge (${d.config.nudge ?? DEFAULT_NUDGE})`;
}

/** `text:<words>` types words and Enter; anything else is a tmux key name. */
async function sendNudge(d: RecoveryDeps, paneId: string, nudge: string): Promise<void> {
  const pane = d.tmux.pane(paneId);
  if (nudge.startsWith('text:')) {
    await pane.run('send-keys', ['-l', nudge.slice(5)]);
    await pane.run('send-keys', ['Enter']);
  } else {
    await pane.run('send-keys', [nudge]);
  }
}
