/**
 * The state detector: pure, one call per agent per tick. Signals, most trusted first:
 *  1. the pane's process: a dead pane is `dead`, whatever else was heard (nothing runs in it);
 *  2. the agent CLI's hooks (`hook:prompt-submit` → busy, `hook:stop` → idle,
 *     `hook:notification` → waiting-for-input); the verdict holds for `hookHoldMs` against the
 *     screen and activity (the screen lags behind a hook), but not against a question or a limit;
 *  3. explicit signals from inside the pane: `done` → idle (held like a hook); `heartbeat` says the
 *     agent is alive: no `unresponsive` while heartbeats come, and busy when nothing else decides;
 *  4. the profile's screen patterns (only when a new capture is given; without one the last
 *     screen verdict stands);
 *  5. output activity: output within `idleAfterMs` = busy, quiet after it = idle.
 * Then the timers: busy with no output and no heartbeat for `unresponsiveAfterMs` (never within
 * `startupGraceMs` of the start) = unresponsive; rate-limited past the reset time = idle.
 */
import { readScreen } from './screen.js';
import type { AgentState, Decision, Observation, Signal, StateName, StateProfile } from './types.js';

/** The state of an agent whose process was just started. */
export function initialState(startedAt: number): AgentState {
  return { state: 'starting', signal: 'process', since: startedAt };
}

interface Verdict {
  state: StateName;
  signal: Signal;
  reason: string;
  resetAt?: number;
  evidence?: string;
  heldUntil?: number;
  unrecognized?: boolean;
}

const HOOK_STATE = {
  'hook:prompt-submit': 'busy',
  'hook:stop': 'idle',
  'hook:notification': 'waiting-for-input',
} as const satisfies Record<string, StateName>;

const secs = (ms: number): string => `${Math.round(ms / 100) / 10}s`;

function finish(prev: AgentState, v: Verdict, now: number): Decision {
  const changed = v.state !== prev.state;
  const d: Decision = { state: v.state, signal: v.signal, since: changed ? now : prev.since, reason: v.reason, changed };
  if (v.resetAt !== undefined) d.resetAt = v.resetAt;
  if (v.evidence !== undefined) d.evidence = v.evidence;
  if (v.heldUntil !== undefined) d.heldUntil = v.heldUntil;
  if (v.unrecognized) d.unrecognized = true;
  return d;
}

/** The previous verdict, kept as it was (a later tick with no new evidence). */
function keep(prev: AgentState, reason: string): Verdict {
  const v: Verdict = { state: prev.state, signal: prev.signal, reason };
  if (prev.resetAt !== undefined) v.resetAt = prev.resetAt;
  if (prev.evidence !== undefined) v.evidence = prev.evidence;
  if (prev.heldUntil !== undefined) v.heldUntil = prev.heldUntil;
  return v;
}

function fromActivity(obs: Observation, profile: StateProfile, now: number, inGrace: boolean, base: AgentState): Verdict {
  const last = obs.lastOutputAt;
  if (base.state === 'starting' && inGrace) return { state: 'starting', signal: 'process', reason: 'starting up' };
  if (obs.explicit === 'heartbeat') return { state: 'busy', signal: 'explicit', reason: 'heartbeat' };
  if (last === undefined) return { state: 'idle', signal: 'activity', reason: 'no output seen' };
  const quiet = now - last;
  if (quiet >= profile.timings.idleAfterMs) return { state: 'idle', signal: 'activity', reason: `quiet for ${secs(quiet)}` };
  return { state: 'busy', signal: 'activity', reason: `output ${secs(quiet)} ago` };
}

export function decide(prev: AgentState, obs: Observation, profile: StateProfile, now: number): Decision {
  const t = profile.timings;
  // 1. The process.
  if (obs.paneDead) {
    const status = obs.deadStatus === undefined || obs.deadStatus === null ? 'no exit status' : `exit status ${obs.deadStatus}`;
    return finish(prev, { state: 'dead', signal: 'process', reason: `pane's process exited (${status})` }, now);
  }
  // A pane alive again after `dead` was respawned: it starts over.
  const base = prev.state === 'dead' ? initialState(obs.startedAt) : prev;
  const inGrace = now - obs.startedAt < t.startupGraceMs;

  // 2. Hooks, 3. explicit `done`.
  if (obs.hookEvent !== undefined) {
    const v: Verdict = { state: HOOK_STATE[obs.hookEvent], signal: 'hook', reason: obs.hookEvent, heldUntil: now + t.hookHoldMs };
    return finish(prev, v, now);
  }
  if (obs.explicit === 'done') {
    return finish(prev, { state: 'idle', signal: 'explicit', reason: 'done', heldUntil: now + t.hookHoldMs }, now);
  }
  const held = base.heldUntil !== undefined && base.heldUntil > now;

  // 4. The screen.
  let v: Verdict | undefined;
  let unrecognized = false;
  if (obs.screen !== undefined) {
    const r = readScreen(obs.screen, profile, now, base);
    const strong = r.kind === 'waiting-for-input' || r.kind === 'rate-limited';
    if (held && !strong) {
      v = keep(base, `${base.signal} verdict held until ${new Date(base.heldUntil ?? now).toISOString()}`);
    } else if (r.kind !== null) {
      const why = r.expired ? `; usage limit reset at ${new Date(base.resetAt ?? now).toISOString()}` : '';
      v = { state: r.kind, signal: 'screen', reason: `screen matches /${r.pattern}/${why}` };
      if (r.evidence !== undefined) v.evidence = r.evidence;
      if (r.resetAt !== undefined) v.resetAt = r.resetAt;
    } else if (!r.blank && profile.otherwise === 'busy') {
      v = { state: 'busy', signal: 'screen', reason: 'no prompt on the screen' };
    } else if (!r.blank) {
      unrecognized = true;
    }
  } else if (held) {
    v = keep(base, `${base.signal} verdict held`);
  } else if ((base.signal !== 'activity' || base.state === 'unresponsive') && base.state !== 'starting') {
    v = keep(base, 'no new screen');
  }

  // 5. Output activity.
  if (v === undefined) {
    v = fromActivity(obs, profile, now, inGrace, base);
    if (unrecognized) v.reason += '; screen not recognised by the profile';
  }
  if (unrecognized) v.unrecognized = true;

  // Timers.
  if (v.state === 'busy' && !inGrace) {
    const last = Math.max(obs.lastOutputAt ?? obs.startedAt, obs.lastHeartbeatAt ?? -Infinity);
    const silent = now - last;
    if (silent >= t.unresponsiveAfterMs) {
      v = { state: 'unresponsive', signal: 'activity', reason: `busy, no output and no heartbeat for ${secs(silent)}` };
    }
  }
  if (v.state === 'unresponsive' && obs.screen === undefined && base.state === 'unresponsive') {
    const last = Math.max(obs.lastOutputAt ?? obs.startedAt, obs.lastHeartbeatAt ?? -Infinity);
    if (now - last < t.unresponsiveAfterMs) v = { state: 'busy', signal: 'activity', reason: 'output or heartbeat again' };
  }
  if (v.state === 'rate-limited' && v.resetAt !== undefined && v.resetAt <= now) {
    v = { state: 'idle', signal: 'timer', reason: `usage limit reset at ${new Date(v.resetAt).toISOString()}` };
  }
  return finish(prev, v, now);
}
