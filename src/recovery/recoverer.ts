import type { PaneInfo } from '../tmux/port.js';
import { checkHung, type HungWatch } from './hung.js';
import { Ladder } from './ladder.js';
import { LEVEL_NAMES, type Level, type Policy } from './policy.js';
import type { RecoverOutcome, RecoveryDeps } from './types.js';

type By = 'ladder' | 'user' | 'pipeline';
interface History { type: string; ts: number; payload?: unknown }

/**
 * The recovery ladder at work: sees dead panes in every sweep (and at once when tmux's
 * `pane-died` hook wakes the sweep), asks the Ladder what to do, does it, and journals each
 * detection, attempt, success, escalation and give-up with its duration.
 */
export class Recovery {
  readonly ladder: Ladder;
  /** Agents being recovered right now: a sweep that sees them dead again leaves them be. */
  private readonly busy = new Set<string>();
  /** L3/L4 attempts the last controller started and this one completes (from the journal). */
  private readonly pendingFull = new Map<string, { level: Level; ts: number }>();
  private readonly hung: HungWatch = { nudgedAt: new Map(), reported: new Map() };
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly d: RecoveryDeps, private readonly policy: Policy, history: Iterable<History> = []) {
    this.ladder = new Ladder(policy);
    this.now = d.now ?? Date.now;
    this.sleep = d.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms).unref()));
    const records = [...history];
    this.ladder.fold(records);
    for (const r of records) {
      const p = (r.payload ?? {}) as { agent?: string; level?: number };
      if (!p.agent) continue;
      if (r.type === 'recovery.attempt' && (p.level === 3 || p.level === 4)) this.pendingFull.set(p.agent, { level: p.level, ts: r.ts });
      else if (r.type === 'recovery.succeeded' || r.type === 'recovery.gave-up') this.pendingFull.delete(p.agent);
    }
  }

  get enabled(): boolean {
    return this.d.config.enabled !== false;
  }

  /** Every sweep: dead panes climb the ladder, live ones count toward a reset, silent ones are checked. */
  onPanes(panes: PaneInfo[]): void {
    const now = this.now();
    for (const p of panes) {
      const name = p.agent;
      // A given-up agent stays as it is (dead, reported in health) until a person acts: never a loop.
      if (!name || this.busy.has(name) || !this.d.known(name) || this.ladder.isFailed(name)) continue;
      const pending = this.pendingFull.get(name);
      if (pending) {
        void this.completeFull(name, p, pending);
        continue;
      }
      if (p.dead) {
        if (this.enabled) void this.recover(name, `the pane's process exited (status ${p.deadStatus ?? 'unknown'})`, { pane: p });
        continue;
      }
      this.ladder.up(name, now);
      if (this.ladder.maybeReset(name, now)) this.d.journal.appendDurable('recovery.reset', { agent: name, healthyMs: this.policyHealthy() });
      if (this.enabled && p.role === 'agent') {
        const why = checkHung(this.d, this.hung, p, now);
        if (why) void this.recover(name, why, { pane: p });
      }
    }
  }

  private policyHealthy(): number {
    return this.policy.healthyMs;
  }

  /**
   * One failure of `name`, through the ladder: detected, then the level it says (after its
   * backoff), or a give-up. `from` starts higher (the session is gone: L2); `by` says who asked.
   */
  async recover(name: string, reason: string, o: { pane?: PaneInfo | null; from?: Level; by?: By } = {}): Promise<RecoverOutcome> {
    const t0 = this.now();
    if (this.d.neverRestart(name) && o.by !== 'user') {
      this.report(name, 'never-restart', `${reason}; this agent is marked never to restart`);
      return { level: 1, outcome: 'failed', durationMs: 0, reason: 'never-restart' };
    }
    if (this.busy.has(name)) return { level: 1, outcome: 'failed', durationMs: 0, reason: 'already being recovered' };
    this.busy.add(name);
    let keepBusy = false;
    try {
      const before = this.ladder.view(name, t0).level ?? 4;
      // Group-fsynced (≤ 50 ms): a per-record fsync here would sit between the death and the restart.
      this.d.journal.append('recovery.detected', {
        agent: name, level: Math.max(before, o.from ?? 1), reason, durationMs: 0,
        ...(o.pane ? { paneId: o.pane.paneId, deadStatus: o.pane.deadStatus } : {}),
      });
      const step = this.ladder.next(name, t0, o.from);
      if (step.kind === 'give-up') return this.giveUp(name, step.level, step.reason, t0);
      if (step.escalatedFrom) {
        const lim = this.ladderLimit(step.escalatedFrom);
        this.d.journal.appendDurable('recovery.escalated', {
          agent: name, level: step.level, from: step.escalatedFrom, durationMs: this.now() - t0,
          reason: `L${step.escalatedFrom} (${LEVEL_NAMES[step.escalatedFrom]}) restarted ${lim.limit} time(s) within ${Math.round(lim.windowMs / 1000)} s: ${reason}`,
        });
      }
      this.d.journal.append('recovery.attempt', { agent: name, level: step.level, reason, durationMs: this.now() - t0, attempt: step.attempt, delayMs: step.delayMs, by: o.by ?? 'ladder' });
      if (step.delayMs > 0) await this.sleep(step.delayMs);
      if (step.level >= 3 && o.by === 'user' && !this.d.supervised) {
        // Asked by hand where L3 cannot run: refused, and the agent is not marked failed for it.
        return { level: step.level, outcome: 'failed', durationMs: this.now() - t0, reason: 'L3 and L4 restart the controller, which runs without its supervisor here (MIYABI_SUPERVISE=0)' };
      }
      const r = await this.runLevel(step.level, name, o.pane ?? null, reason, t0);
      keepBusy = r.outcome === 'restarting-controller';
      return r;
    } catch (e) {
      // A level that threw (tmux gone mid-respawn): the next sweep sees the agent still dead and climbs on.
      this.d.journal.appendDurable('recovery.escalated', { agent: name, level: Math.min(4, (this.ladder.view(name, this.now()).level ?? 4) + 1), from: this.ladder.view(name, this.now()).level ?? 4, reason: `the attempt failed: ${String(e)}`, durationMs: this.now() - t0 });
      return { level: this.ladder.view(name, this.now()).level ?? 4, outcome: 'failed', durationMs: this.now() - t0, reason: String(e) };
    } finally {
      if (!keepBusy) this.busy.delete(name);
    }
  }

  private ladderLimit(l: Level) {
    return this.policy.limits[l];
  }

  private async runLevel(level: Level, name: string, pane: PaneInfo | null, reason: string, t0: number): Promise<RecoverOutcome> {
    if (level === 1 && pane) return this.succeeded(name, level, t0, await this.respawn(name, pane));
    if (level <= 2) return this.succeeded(name, level, t0, await this.rebuild(name, pane));
    if (level === 4) {
      const hook = this.d.config.hook;
      if (!hook) return this.giveUp(name, 4, `L4 needs a recovery hook (recovery.hook in the layout); none is configured. Last failure: ${reason}`, t0);
      const h = await this.d.runHook(hook);
      this.d.journal.appendDurable('recovery.hook', { agent: name, command: hook, exitCode: h.exitCode, durationMs: h.durationMs, ...(h.error ? { error: h.error } : {}) });
    }
    if (!this.d.restartController(`recovery L${level} of ${name}: ${reason}`)) {
      return this.giveUp(name, level, `L${level} restarts the controller, but this controller runs without its supervisor (start it with miyabi up). Last failure: ${reason}`, t0);
    }
    return { level, outcome: 'restarting-controller', durationMs: this.now() - t0 };
  }

  /** L1: the pane's process again, in place (respawn-pane -k keeps its %id and options). */
  private async respawn(name: string, pane: PaneInfo): Promise<PaneInfo | null> {
    const spec = this.d.specOf(name);
    if (!spec) return null;
    await this.d.tmux.respawnPane(pane.paneId, spec, this.d.launchDir);
    return this.find(name);
  }

  /** L2: the session again if it is gone; else this pane made anew in its window. */
  private async rebuild(name: string, pane: PaneInfo | null): Promise<PaneInfo | null> {
    if (!(await this.d.tmux.hasSession(this.d.session))) {
      await this.d.rebuildSession();
      return this.find(name);
    }
    const spec = this.d.specOf(name);
    if (!spec) return null;
    // The new pane first: killing the window's last pane would end the window (or the session).
    const made = await this.d.tmux.addPane(this.d.session, this.d.windowOf(name), spec, this.d.launchDir);
    if (pane) await this.d.tmux.killPane(pane.paneId);
    return made;
  }

  private async find(name: string): Promise<PaneInfo | null> {
    return (await this.d.tmux.listPanes(this.d.session)).find((p) => p.agent === name) ?? null;
  }

  private succeeded(name: string, level: Level, t0: number, pane: PaneInfo | null): RecoverOutcome {
    const durationMs = this.now() - t0;
    if (!pane) return { level, outcome: 'failed', durationMs, reason: 'no pane after the attempt' };
    this.d.journal.appendDurable('recovery.succeeded', { agent: name, level, reason: `L${level} (${LEVEL_NAMES[level]}) brought it back`, durationMs, paneId: pane.paneId, pid: pane.pid });
    this.hung.nudgedAt.delete(name);
    this.hung.reported.delete(name);
    this.d.afterRestart(name, pane);
    return { level, outcome: 'succeeded', durationMs, pane };
  }

  private giveUp(name: string, level: Level, reason: string, t0: number): RecoverOutcome {
    this.ladder.giveUp(name, reason);
    const durationMs = this.now() - t0;
    this.d.journal.appendDurable('recovery.gave-up', { agent: name, level, reason, durationMs });
    this.d.tellConductor(`recovery gave up on ${name} at L${level}: ${reason}`);
    return { level, outcome: 'gave-up', durationMs, reason };
  }

  /** Said once per episode (a state that lasts is not journaled every sweep). */
  private report(name: string, state: string, reason: string): void {
    if (this.hung.reported.get(name) === state) return;
    this.hung.reported.set(name, state);
    this.d.journal.append('recovery.reported', { agent: name, state, reason });
  }

  /** The last controller restarted itself (L3/L4) for this agent: bring the pane back and say so. */
  private async completeFull(name: string, pane: PaneInfo, p: { level: Level; ts: number }): Promise<void> {
    this.busy.add(name);
    this.pendingFull.delete(name);
    try {
      const back = pane.dead ? await this.respawn(name, pane) : pane;
      this.succeeded(name, p.level, p.ts, back);
    } catch (e) {
      this.d.journal.appendDurable('recovery.escalated', { agent: name, level: 4, from: p.level, reason: `L${p.level} could not respawn the pane: ${String(e)}`, durationMs: this.now() - p.ts });
    } finally {
      this.busy.delete(name);
    }
  }

  /** `miyabi restart`: L1 by hand on any pane, alive or dead; a give-up is cleared. */
  async restartByHand(name: string): Promise<RecoverOutcome> {
    const pane = await this.find(name);
    if (!pane) return this.recover(name, 'restarted by hand (its pane is gone)', { from: 2, by: 'user' });
    this.ladder.clear(name);
    return this.recover(name, 'restarted by hand (miyabi restart)', { pane, by: 'user' });
  }

  /** `miyabi recover [--level N]` and a pipeline stage's escalation. */
  async recoverAt(name: string, level: Level | undefined, by: By, reason: string): Promise<RecoverOutcome> {
    if (by === 'user') this.ladder.clear(name);
    return this.recover(name, reason, { pane: await this.find(name), ...(level ? { from: level } : {}), by });
  }

  /** The whole session went away (kill-session, tmux server gone): L2 for every agent at once. */
  sessionGone(reason: string): Promise<boolean> {
    // The control client tells it more than once (its exit, the window closing): one rebuild.
    return (this.rebuilding ??= this.rebuildSession(reason).finally(() => (this.rebuilding = undefined)));
  }

  private rebuilding: Promise<boolean> | undefined;

  private async rebuildSession(reason: string): Promise<boolean> {
    const t0 = this.now();
    const name = 'session';
    this.d.journal.appendDurable('recovery.detected', { agent: name, level: 2, reason, durationMs: 0 });
    const step = this.ladder.next(name, t0, 2);
    if (step.kind === 'give-up' || step.level > 2) {
      this.giveUp(name, step.level, step.kind === 'give-up' ? step.reason : `the session was rebuilt ${this.ladderLimit(2).limit} time(s) within ${Math.round(this.ladderLimit(2).windowMs / 1000)} s: ${reason}`, t0);
      return false;
    }
    this.d.journal.append('recovery.attempt', { agent: name, level: 2, reason, durationMs: 0, attempt: step.attempt, delayMs: step.delayMs, by: 'ladder' });
    if (step.delayMs > 0) await this.sleep(step.delayMs);
    await this.d.rebuildSession();
    this.d.journal.appendDurable('recovery.succeeded', { agent: name, level: 2, reason: 'the session was built again from the layout', durationMs: this.now() - t0 });
    return true;
  }

  healthOf(name: string): { level: number | null; restarts: Record<string, number>; next: string; failed: string | null } {
    return this.ladder.view(name, this.now());
  }
}
