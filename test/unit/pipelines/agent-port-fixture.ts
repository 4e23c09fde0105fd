/**
 * The controller's agent door over a real journal (temp dir), a real task queue (TasksHost) and a
 * real bus folder; only the narrow ports to tmux and git are in memory: agent panes, their states,
 * respawn and the worktree maker.
 */
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventPayload } from '../../../src/core/events/index.js';
import { ensureInbox } from '../../../src/bus/layout.js';
import { Journal, type JournalRecord } from '../../../src/core/journal.js';
import { TasksHost } from '../../../src/controller/tasks-host.js';
import { controllerAgentPort, type AgentView, type ControllerAgentPort, type PipelineAgentDeps } from '../../../src/controller/pipeline-agents.js';
import type { AgentRequest } from '../../../src/pipelines/agent-port.js';

export const RUN = 'multi-agent-pipeline-20261125-113815-ab12';

export interface Door {
  dir: string;
  bus: string;
  journal: Journal;
  tasks: TasksHost;
  panes: AgentView[];
  states: Map<string, { state: string; reason?: string }>;
  respawned: Array<{ paneId: string; kill: boolean }>;
  /** What the fake respawn does; default: the pane comes back alive. */
  respawnImpl: (paneId: string) => void;
  listCalls: number;
  port: ControllerAgentPort;
  /** A second door on the same journal and queue, as a restarted controller would have. */
  reopen(): ControllerAgentPort;
  /** An agent's state changes the way AgentStates.tick changes it: journal first, then the state. */
  setState(name: string, state: EventPayload<'agent.state'>['state'], reason?: string): void;
  records(type: string): Array<Record<string, unknown>>;
  req(over?: Partial<AgentRequest>): AgentRequest;
  close(): void;
}

export function openDoor(agents: string[] = ['a1', 'a2']): Door {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'miyabi-door-')));
  const bus = join(dir, 'bus');
  for (const a of agents) ensureInbox(bus, a);
  const journal = Journal.open(dir, { fsync: 'group', groupMs: 10_000 });
  const tasks = new TasksHost({
    journal,
    busDir: () => bus,
    // The router hands nothing out by itself here: the tests decide who takes what.
    agents: async () => [],
    whereIs: () => ({ branch: null, worktree: null }),
  });
  const door: Door = {
    dir, bus, journal, tasks,
    panes: agents.map((name, i) => ({ name, paneId: `%${i + 1}`, alive: true })),
    states: new Map(agents.map((a) => [a, { state: 'idle', reason: 'quiet for 3 s' }])),
    respawned: [],
    respawnImpl: (paneId) => {
      const p = door.panes.find((x) => x.paneId === paneId);
      if (p) p.alive = true;
    },
    listCalls: 0,
    port: undefined as unknown as ControllerAgentPort,
    reopen: () => controllerAgentPort(deps()),
    setState: (name, state, reason) => {
      journal.append('agent.state', { name, state, signal: 'activity', reason: reason ?? state });
      door.states.set(name, { state, ...(reason ? { reason } : {}) });
    },
    records: (type) => [...journal.replay()].filter((r: JournalRecord) => r.type === type).map((r) => r.payload as Record<string, unknown>),
    req: (over = {}) => ({ runId: RUN, pipeline: 'multi-agent-pipeline', stage: 'stage', inputs: {}, cwd: dir, signal: new AbortController().signal, ...over }),
    close: () => {
      journal.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  function deps(): PipelineAgentDeps {
    return {
      journal,
      tasks,
      agents: {
        list: async () => {
          door.listCalls++;
          return door.panes.map((p) => ({ ...p }));
        },
      },
      stateOf: (name) => door.states.get(name),
      busDir: () => bus,
      respawn: async (paneId, o) => {
        door.respawned.push({ paneId, kill: o.kill });
        door.respawnImpl(paneId);
      },
      worktree: async (name) => ({ path: join(dir, 'wt', name), branch: `miyabi/${name}/work`, reused: false }),
    };
  }
  door.port = controllerAgentPort(deps());
  return door;
}

/** Settles into a readable state for assertions: 'pending' until the promise settles. */
export function track<T>(p: Promise<T>): { readonly state: 'pending' | 'resolved' | 'rejected'; value?: T; error?: unknown } {
  const t: { state: 'pending' | 'resolved' | 'rejected'; value?: T; error?: unknown } = { state: 'pending' };
  p.then((v) => Object.assign(t, { state: 'resolved', value: v }), (e: unknown) => Object.assign(t, { state: 'rejected', error: e }));
  return t;
}
