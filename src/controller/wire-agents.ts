import type { TaskQueueSnapshot } from '../agents/tasks/index.js';
import type { Layout } from '../config/layout-types.js';
import type { Journal } from '../core/journal.js';
import type { ProjectPaths } from '../core/paths.js';
import type { PaneInfo, TmuxPort } from '../tmux/port.js';
import { AgentStates } from './agent-states.js';
import { AgentsHost } from './agents.js';
import { paneCommandText } from './layout-spec.js';
import { worktreeSettings } from './layout-worktrees.js';
import { miyabiBinDir } from './miyabi-shim.js';
import type { Messaging } from './messaging.js';
import { routerAgents } from './router-agents.js';
import { TasksHost } from './tasks-host.js';
import { controllerAgentPort, gitWorktrees, type ControllerAgentPort } from './pipeline-agents.js';

export interface WireAgentsInput {
  paths: ProjectPaths;
  layout: Layout;
  tmux: TmuxPort;
  journal: Journal;
  env: NodeJS.ProcessEnv;
  /** The controller's pane → command map, kept current for spawned agents. */
  commands: Record<string, string>;
  tasksSnapshot: TaskQueueSnapshot | undefined;
  messaging: () => Messaging | undefined;
  livePanes: () => PaneInfo[];
  saveSnapshot: () => void;
}

/** The agents part of the controller (agents/): spawned agents, the task queue, each agent's state. */
export function wireAgents(c: WireAgentsInput): { agents: AgentsHost; tasks: TasksHost; states: AgentStates; agentPort: ControllerAgentPort } {
  const p = c.paths;
  const states = new AgentStates({
    capture: async (paneId) => (await c.tmux.pane(paneId).run('capture-pane', ['-p'])).join('\n'),
    activity: (name) => c.messaging()?.activity(name) ?? null,
    command: (name) => c.commands[name] ?? '',
    profileName: (name) => c.layout.windows.flatMap((w) => w.panes).find((pl) => pl.name === name)?.profile,
    profileFile: (name) => c.layout.windows.flatMap((w) => w.panes).find((pl) => pl.name === name)?.states,
    journal: c.journal,
  });
  const agents: AgentsHost = new AgentsHost({
    paths: p,
    session: c.layout.session,
    window: c.layout.windows[0]?.name ?? 'main',
    tmux: c.tmux,
    messaging: c.messaging,
    journal: c.journal,
    spec: { root: p.root, tmuxSocket: c.tmux.socketName, ipcSocket: p.socket, baseEnv: c.env, binDir: miyabiBinDir(p) },
    settings: worktreeSettings(c.layout.worktrees),
    changed: () => {
      for (const [name, a] of agents.spawned) c.commands[name] = paneCommandText(a.pane);
      c.saveSnapshot();
    },
  });
  const tasks: TasksHost = new TasksHost(
    {
      journal: c.journal,
      busDir: () => c.messaging()?.busDir ?? null,
      agents: async () => routerAgents(c.livePanes(), c.messaging(), tasks.queue, (n) => states.get(n)?.state),
      whereIs: (name) => {
        const a = agents.spawned.get(name);
        return { branch: a?.branch ?? null, worktree: a?.worktree ?? null };
      },
    },
    c.tasksSnapshot,
  );
  // The pipelines' door to all of the above (src/controller/pipeline-agents.ts).
  const agentPort = controllerAgentPort({
    journal: c.journal,
    tasks,
    agents,
    stateOf: (n) => states.get(n),
    busDir: () => c.messaging()?.busDir ?? null,
    respawn: async (paneId, o) => {
      await c.tmux.pane(paneId).run('respawn-pane', o.kill ? ['-k'] : []);
    },
    worktree: gitWorktrees(p.root, worktreeSettings(c.layout.worktrees)),
    kickBus: () => c.messaging()?.kickAll(),
  });
  return { agents, tasks, states, agentPort };
}
