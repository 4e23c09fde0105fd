import { miyabiBinDir } from '../../session/miyabi-shim.js';
import { join } from 'node:path';
import { AgentStates } from '../../agents/agent-states.js';
import { AgentsHost } from '../../agents/agents-host.js';
import { agentDoor } from '../../agents/door/door.js';
import { routerAgents } from '../../agents/router-agents.js';
import { paneCommandText } from '../../agents/session-spec.js';
import { TasksHost } from '../../agents/tasks-host.js';
import { fillPool } from '../../git/pool.js';
import type { PaneInfo } from '../../tmux/port.js';
import { agentHandlers, taskHandlers } from '../handlers/agents.js';
import type { Part, PartContext } from './part.js';
import { gitWorktrees } from './worktrees.js';
import { layoutWorktrees, worktreeSettings } from '../../session/worktrees.js';

/**
 * The agents part (agents/): spawned agents, the task queue, each agent's state, and the
 * pipelines' door to all of them. Sweeps decide states, then route tasks to idle agents.
 */
export const agentsPart: Part<'messaging'> = {
  name: 'agents',
  needs: ['messaging'],
  gives: ['agents', 'tasks', 'states', 'door'],
  start(c, { messaging }) {
    const p = c.paths;
    const paneOf = (name: string) => c.layout.windows.flatMap((w) => w.panes).find((pl) => pl.name === name);
    const states = new AgentStates({
      capture: async (paneId) => (await c.tmux.pane(paneId).run('capture-pane', ['-p'])).join('\n'),
      activity: (name) => messaging.activity(name),
      command: (name) => c.commands[name] ?? '',
      profileName: (name) => paneOf(name)?.profile,
      profileFile: (name) => paneOf(name)?.states,
      journal: c.journal,
    });
    const agents: AgentsHost = new AgentsHost({
      paths: p,
      session: c.layout.session,
      window: c.layout.windows[0]?.name ?? 'main',
      tmux: c.tmux,
      messaging: () => messaging,
      journal: c.journal,
      spec: { root: p.root, tmuxSocket: c.tmux.socketName, ipcSocket: p.socket, baseEnv: c.env, binDir: miyabiBinDir(p) },
      worktrees: layoutWorktrees(p.root, c.layout.worktrees),
      commands: c.commands,
      changed: () => {
        for (const [name, a] of agents.spawned) c.commands[name] = paneCommandText(a.pane);
        c.saveSnapshot();
      },
    });
    // The router sees agents from the first sweep on (as before parts were a list).
    let livePanes: PaneInfo[] = [];
    let watching = false;
    const tasks: TasksHost = new TasksHost(
      {
        journal: c.journal,
        busDir: () => messaging.busDir,
        agents: async () => routerAgents(livePanes, messaging, tasks.queue, (n) => states.get(n)?.state),
        whereIs: (name) => {
          const a = agents.spawned.get(name);
          return { branch: a?.branch ?? null, worktree: a?.worktree ?? null };
        },
      },
      c.snapshot?.tasks,
    );
    const door = agentDoor({
      journal: c.journal,
      tasks,
      agents,
      stateOf: (n) => states.get(n),
      busDir: () => messaging.busDir,
      respawn: async (paneId, o) => {
        await c.tmux.pane(paneId).run('respawn-pane', o.kill ? ['-k'] : []);
      },
      worktree: gitWorktrees(p.root, worktreeSettings(c.layout.worktrees)),
      kickBus: () => messaging.kickAll(),
    });
    return {
      gives: { agents, tasks, states, door },
      handlers: { ...agentHandlers({ agents, states, promptSubmitted: (a, text) => messaging.promptSubmitted(a, text) }), ...taskHandlers({ tasks, states }) },
      onPanes: (panes) => {
        if (!watching) {
          // Watching starts: agents spawned under the last controller get their inboxes again.
          watching = true;
          agents.restore(c.snapshot?.agents ?? [], panes);
          fillWorktreePool(c);
          return;
        }
        livePanes = panes;
        void states
          .tick(panes)
          .catch((e) => c.log(`agent states: ${String(e)}`))
          .then(() => tasks.route());
      },
      // Every task record up to the journal's end has been applied: the next fold starts there.
      snapshot: () => ({ agents: [...agents.spawned.values()], tasks: { ...tasks.queue.snapshot(), lastSeq: c.journal.lastSeq } }),
    };
  },
};

/** Pre-made worktrees make `spawn` fast; filled in the background, off the start-up path. */
function fillWorktreePool(c: PartContext): void {
  const pool = c.layout.worktrees?.pool ?? 0;
  if (pool <= 0) return;
  void fillPool({ repo: c.paths.root, size: pool, ...worktreeSettings(c.layout.worktrees) })
    .then((made) => made.length && c.journal.append('worktree.pool-filled', { made: made.length }))
    .catch((e) => c.log(`worktree pool: ${String(e)}`));
}
