/**
 * The types the pipelines' agent door (door.ts) and its built-ins share: here, so the built-ins
 * import them without importing the door that imports the built-ins.
 */
import type { EventSink } from '../../core/events/index.js';
import type { JournalRecord } from '../../core/journal.js';
import type { AgentPort, AgentRequest } from '../../pipelines/agent-port.js';
import type { RawTaskInput, Task, TaskQueue } from '../tasks/index.js';
import type { AppendSource } from './wait.js';

/** An agent pane as AgentsHost.list() gives it. */
export interface AgentView {
  name: string;
  paneId: string;
  alive: boolean;
}

export interface AgentDoorDeps {
  /** The controller's journal: records are written to it and waits listen to it. */
  journal: AppendSource & EventSink & {
    /** For runs this door has not seen (resumed after a restart); optional. */
    replay?(afterSeq?: number): Iterable<JournalRecord>;
  };
  /** TasksHost fits. */
  tasks: {
    add(raw: RawTaskInput): Task;
    cancel(id: string, reason?: string): Task;
    assign(agent: string, id: string): Task;
    readonly queue: Pick<TaskQueue, 'get' | 'queued' | 'activeFor' | 'busyAgents'>;
  };
  /** AgentsHost fits. */
  agents: { list(): Promise<AgentView[]> };
  /** The detected state of an agent (AgentStates.get); undefined before the first sweep saw it. */
  stateOf(name: string): { state: string; reason?: string } | undefined;
  /** The bus folder (Messaging.busDir), null while the bus is not up. */
  busDir(): string | null;
  /** tmux respawn-pane of an agent's pane (kill: -k, for a pane whose process still runs). */
  respawn(paneId: string, o: { kill: boolean }): Promise<void>;
  /** A worktree for a run, made or taken from the pool (the controller gives it, over src/git). */
  worktree(name: string, task: string): Promise<{ path: string; branch: string | null; reused: boolean }>;
  /** Wakes the deliverer for every inbox (Messaging.kickAll); relay-messages calls it. */
  kickBus?(): void;
}

/** An agent assess-damage found dead or unresponsive. */
export interface Damage {
  name: string;
  paneId: string;
  state: 'dead' | 'unresponsive';
  reason: string;
}

export interface RunMemo {
  worktree?: { path: string; branch: string | null };
  agent?: string;
  paneId?: string;
  task?: string;
  /** The task an `agent:` action of each stage queued: a resumed stage follows it, never queues it twice. */
  stageTasks?: Record<string, string>;
  /** The agent reserved for this run, while it is. */
  holds?: string;
  damaged?: Damage[];
}

/** What the door remembers of each run (RunMemory, run-memory.ts). */
export interface RunMemos {
  /** Fires 'change' when a reservation is let go: a wait for an idle agent looks again. */
  readonly changed: EventTarget;
  get(runId: string): RunMemo;
  recall(runId: string): RunMemo;
  heldBy(agent: string, runId?: string): string | undefined;
  release(runId: string): void;
}

export interface DoorContext {
  d: AgentDoorDeps;
  runs: RunMemos;
}

export type Builtin = (c: DoorContext, r: AgentRequest) => Promise<string>;

/** The pipelines' AgentPort, plus what the runs host tells the door about runs. */
export interface AgentDoor extends AgentPort {
  /** Lets go of a finished run: its agent reservation and its memory. */
  forgetRun(runId: string): void;
  /** A run an earlier controller began, from journal seq `startSeq`: its memory is read back from there. */
  adoptRun(runId: string, startSeq: number): void;
}
