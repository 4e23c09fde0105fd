import { watch } from 'node:fs';
import { writeFileNoFollow } from '../../core/no-follow.js';
import { join } from 'node:path';
import { readSnapshot } from '../../core/snapshot.js';
import { MiyabiError } from '../../core/errors.js';
import { policyOf, type Level } from '../../recovery/policy.js';
import { watchEscalations } from '../../recovery/escalations.js';
import { Recovery } from '../../recovery/recoverer.js';
import { PaneSpecs, type RecoverySnapshot } from '../../recovery/specs.js';
import { processShell } from '../../shell/run.js';
import type { SessionLayout } from '../../config/layout-types.js';
import type { AgentsHost } from '../../agents/agents-host.js';
import type { PaneInfo, SessionSpec } from '../../tmux/port.js';
import { miyabiBinDir } from '../../session/miyabi-shim.js';
import { recoveryHandlers, supervisedNow } from '../handlers/recovery.js';
import type { Part, PartContext } from './part.js';

/**
 * The recovery ladder in the controller (src/recovery): dead panes come back in place (L1), a
 * lost session is built again (L2), the controller restarts under its supervisor (L3), the user's
 * hook runs first (L4), then it gives up and says why. After `agents`, whose states it reads.
 */
export const recoveryPart: Part<'messaging' | 'agents' | 'states'> = {
  name: 'recovery',
  needs: ['messaging', 'agents', 'states'],
  gives: [],
  start(c, { messaging, agents, states }) {
    const history = [...c.journal.replay(0)].filter((r) => r.type.startsWith('recovery.') || r.type.startsWith('controller.'));
    // Set when this start built the session (session/prepare.ts), by the controller or by `up`.
    const built = c.built;
    const snap = c.snapshot?.recovery;
    const state: RecoverySnapshot = { placed: built ? { ...built.placed } : { ...(snap?.placed ?? {}) }, conversations: { ...(snap?.conversations ?? {}) } };
    const spec = { root: c.paths.root, tmuxSocket: c.tmux.socketName, ipcSocket: c.paths.socket, baseEnv: c.env, binDir: miyabiBinDir(c.paths) };
    const specs = new PaneSpecs(c.layout, spec, state, () => agents.spawned, c.journal);
    specs.fold(history);
    if (built) {
      // What the session was just built with wins over older ids; the journal keeps each one.
      for (const name of c.layout.windows.flatMap((w) => w.panes).map((x) => x.name)) {
        const id = built.conversations[name];
        if (id) state.conversations[name] = id;
        else delete state.conversations[name];
      }
      for (const l of built.launched) c.journal.append('recovery.conversation', l);
    }
    const cfg = c.layout.recovery ?? {};
    const startedAt = Date.now();
    const session = c.layout.session;
    const rebuildSession = async () => {
      const s: SessionSpec = {
        name: session, launchDir: c.paths.launch, options: { '@miyabi_root': c.paths.root },
        windows: c.layout.windows.map((w) => ({ name: w.name, arrangement: w.arrangement, panes: w.panes.map((p) => specs.spec(p.name, true)).filter((x) => x !== null) })),
      };
      await c.tmux.createSession(s);
      for (const name of agents.spawned.keys()) {
        const ps = specs.spec(name, true);
        if (ps) await c.tmux.addPane(session, specs.windowOf(name), ps, c.paths.launch);
      }
      // Not awaited: tmux commands wait for the control client, which attaches after this.
      void watchDeaths(c);
    };
    const recovery = new Recovery(
      {
        tmux: c.tmux, session, launchDir: c.paths.launch, journal: c.journal, config: cfg,
        known: (name) => specs.has(name),
        specOf: (name) => specs.spec(name, true),
        windowOf: (name) => specs.windowOf(name),
        afterRestart: (name) => {
          void c.tmux.listPanes(session).then((panes) => messaging.updatePanes(panes), () => undefined).then(() => messaging.kickAll());
          c.log(`recovery: ${name} runs again`);
          c.saveSnapshot();
        },
        rebuildSession,
        supervised: c.supervised === true,
        restartController: (reason) => {
          if (!c.supervised || !c.restart) return false;
          c.restart(reason);
          return true;
        },
        runHook: async (command) => {
          const r = await processShell.run({ argv: [command], sh: true, cwd: c.paths.root, env: {}, extendEnv: true, timeoutMs: cfg.hookTimeoutMs ?? 120_000 });
          return { exitCode: r.exitCode, durationMs: r.durationMs, ...(r.spawnError ? { error: r.spawnError } : r.timedOut ? { error: 'timed out' } : {}) };
        },
        tellConductor: (text) => c.log(text),
        stateOf: (name) => states.get(name),
        lastSignOfLife: (name) => {
          const a = messaging.activity(name);
          const hb = states.liveness(name)?.heartbeatAt ?? null;
          const out = a && a.lastOutputAt > 0 ? a.lastOutputAt : null;
          return out === null ? hb : hb === null ? out : Math.max(out, hb);
        },
        silentLimitMs: (name) => states.liveness(name)?.unresponsiveAfterMs ?? 300_000,
        neverRestart: (name) => (cfg.never ?? []).includes(name) || specs.neverRestart(name),
      },
      policyOf(cfg),
      history,
    );
    noteControllerDeath(c, history);
    void watchDeaths(c);
    const unwatch = watchDeathFile(c);
    // Pipeline stages that escalate after their retries: the agent that ran the run climbs the ladder.
    const unwatchRuns = watchEscalations(c.journal, (agent, reason) => {
      if (specs.has(agent) && recovery.enabled) void recovery.recoverAt(agent, undefined, 'pipeline', reason);
    });
    let first = true;
    return {
      gives: {},
      handlers: recoveryHandlers({
        recovery, specs, states, messaging, tmux: c.tmux, session, supervised: supervisedNow(c), conversations: () => state.conversations,
      }),
      onPanes: (panes) => {
        if (first) {
          first = false;
          void restoreSpawned(c, agents, specs, panes);
          return;
        }
        recovery.onPanes(panes);
        for (const p of panes) if (p.role === 'agent' && !p.dead) specs.learn(p.agent, startedAt, p.pid);
      },
      onSessionGone: async (reason) => recovery.enabled && (await recovery.sessionGone(reason)),
      snapshot: () => ({ recovery: state }),
      stop: (reason) => {
        if (reason === 'down') state.down = true;
        unwatch();
        unwatchRuns();
      },
    };
  },
};

/**
 * tmux's pane-died hook touches a file the controller watches, which wakes the sweep at once
 * (the sweep alone sees a death within its period; the hook alone misses some on 3.3a). A file,
 * not a signal to our pid: the hook outlives a killed controller, and a pid can be reused.
 */
async function watchDeaths(c: PartContext): Promise<void> {
  const file = deathFile(c);
  if (!c.sweepNow || !/^[\w./-]+$/.test(file)) return;
  try {
    await c.tmux.run('set-hook', ['-t', c.layout.session, 'pane-died', `run-shell -b "touch '${file}'"`]);
  } catch (e) {
    c.log(`recovery: no pane-died hook (${String(e)}); the sweep alone notices deaths`);
  }
}

/**
 * Agents spawned under the last controller whose panes are gone (the tmux server died with
 * it: L3) are started again in the new session, in their worktrees, and take messages again.
 */
async function restoreSpawned(c: PartContext, agents: AgentsHost, specs: PaneSpecs, panes: PaneInfo[]): Promise<void> {
  const lost = (c.snapshot?.agents ?? []).filter((a) => !panes.some((p) => p.agent === a.pane.name));
  if (!lost.length || c.layout.recovery?.enabled === false) return;
  const back: PaneInfo[] = [];
  for (const a of lost) {
    agents.spawned.set(a.pane.name, a);
    const spec = specs.spec(a.pane.name, true);
    try {
      if (spec) back.push(await c.tmux.addPane(c.layout.session, specs.windowOf(a.pane.name), spec, c.paths.launch));
    } catch (e) {
      agents.spawned.delete(a.pane.name);
      c.log(`recovery: spawned agent ${a.pane.name} not started again: ${String(e)}`);
    }
  }
  agents.restore(lost.filter((a) => back.some((p) => p.agent === a.pane.name)), back);
  for (const p of back) c.journal.appendDurable('recovery.succeeded', { agent: p.agent, level: 3, reason: 'spawned agent started again in the new session', durationMs: 0, paneId: p.paneId, pid: p.pid });
  c.saveSnapshot();
}

/** The last controller never journaled its stop: it was killed, and this start is its L3. */
function noteControllerDeath(c: PartContext, history: { type: string; ts: number }[]): void {
  const last = [...history].reverse().find((r) => r.type === 'controller.started' || r.type === 'controller.stopped');
  if (last?.type !== 'controller.started') return;
  const lastTs = history.at(-1)?.ts ?? last.ts;
  const durationMs = Math.max(0, Date.now() - lastTs);
  c.journal.appendDurable('recovery.detected', { agent: 'controller', level: 3, reason: 'the last controller ended without stopping (killed, or its machine went down)', durationMs: 0 });
  // The kill itself left no record: durationMs runs from the last one, an upper bound.
  c.journal.appendDurable('recovery.succeeded', { agent: 'controller', level: 3, reason: `a new controller (pid ${process.pid}) took over from the snapshot and journal (duration from the last controller's last record)`, durationMs });
}

const deathFile = (c: PartContext) => join(c.paths.run, DEATH_FILE);
const DEATH_FILE = 'pane-died';

function watchDeathFile(c: PartContext): () => void {
  try {
    writeFileNoFollow(deathFile(c), '');
    const w = watch(c.paths.run, (_e, f) => f === DEATH_FILE && c.sweepNow?.());
    w.on('error', () => undefined);
    return () => w.close();
  } catch (e) {
    c.log(`recovery: not watching ${deathFile(c)}: ${String(e)}`);
    return () => undefined;
  }
}

export function levelOf(n: number | undefined): Level | undefined {
  if (n === undefined) return undefined;
  if (n === 1 || n === 2 || n === 3 || n === 4) return n;
  throw new MiyabiError('USAGE', `--level takes 1 (pane), 2 (session), 3 (full) or 4 (infrastructure), not ${n}`);
}
