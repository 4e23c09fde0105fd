import type { AgentStates } from '../../agents/agent-states.js';
import type { AgentsHost, SpawnedAgent } from '../../agents/agents-host.js';
import type { AgentDoor } from '../../agents/door/types.js';
import type { TasksHost } from '../../agents/tasks-host.js';
import type { TaskQueueSnapshot } from '../../agents/tasks/index.js';
import type { SessionLayout } from '../../config/layout-types.js';
import type { Journal } from '../../core/journal.js';
import type { MetricsReader } from '../../core/metrics.js';
import type { ProjectPaths } from '../../core/paths.js';
import type { Impls } from '../../ipc/handlers.js';
import type { RunsHost } from '../../pipelines/runs-host.js';
import type { TriggersSnapshot } from '../../triggers/host.js';
import type { PaneInfo, TmuxPort } from '../../tmux/port.js';
import type { RecoverySnapshot } from '../../recovery/specs.js';
import type { Built } from '../../session/prepare.js';
import type { Messaging } from '../messaging.js';

/** The tmux the controller and its parts drive. */
export type ControllerTmux = TmuxPort;

/** What each part adds to the snapshot, so the next controller knows it again. */
export interface SnapshotShare {
  /** Messages in flight when the snapshot was taken (id, pane line where typing began). */
  inflight?: [string, number | null][];
  /** Agents spawned after `up`. */
  agents?: SpawnedAgent[];
  tasks?: TaskQueueSnapshot;
  /** Trigger counts, dedupe keys, schedules' last due times (triggers/host.ts). */
  triggers?: TriggersSnapshot;
  recovery?: RecoverySnapshot;
}

export interface Snapshot extends SnapshotShare {
  lastSeq: number;
  session: string;
  layout: string;
  commands: Record<string, string>;
}

/** The bus survives without a snapshot; these are the fields older snapshots may lack. */
export type SnapshotOnDisk = Partial<Snapshot> & { lastSeq: number };

/** What the controller core gives every part when it starts (the session is open by then). */
export interface PartContext {
  paths: ProjectPaths;
  layout: SessionLayout;
  tmux: ControllerTmux;
  journal: Journal;
  env: NodeJS.ProcessEnv;
  /** The last controller's snapshot, if any. */
  snapshot: SnapshotOnDisk | null;
  /** How the session was built, when this start built it (not adopted it): session/prepare.ts. */
  built?: Built;
  /** Pane name → command as the user wrote it; parts that add panes keep it current. */
  commands: Record<string, string>;
  log(line: string): void;
  /** Writes the snapshot now, with every started part's share. */
  saveSnapshot(): void;
  /** A sweep of the panes now (tmux's pane-died hook wakes it), not at the next tick. */
  sweepNow?(): void;
  /** Runs under its supervisor (`up` starts one): `restart` is then answered by a new controller. */
  supervised?: boolean;
  /** Stops this controller so its supervisor starts a new one from snapshot + journal (recovery L3). */
  restart?(reason: string): void;
}

/** What parts give the parts after them, by name: a part `needs` names that earlier parts `gives`. */
export interface Provided {
  messaging: Messaging;
  agents: AgentsHost;
  tasks: TasksHost;
  states: AgentStates;
  /** The pipelines' door to agents (agents/door). */
  door: AgentDoor;
  runs: RunsHost;
  /** The feedback layer's metrics, kept from the journal (condition triggers read them). */
  metrics: MetricsReader;
}
export type PartName = keyof Provided;

/** A started part. */
export interface Running {
  gives: Partial<Provided>;
  /** Its answers to IPC messages (ipc/messages); each message is answered by one part only. */
  handlers?: Partial<Impls>;
  /** The live panes: once when watching starts, then after every sweep. */
  onPanes?(panes: PaneInfo[]): void;
  /** The session is gone (kill-session, the tmux server died): true when the part built it again. */
  onSessionGone?(reason: string): Promise<boolean>;
  /** Output of a pane, as the control client reads it. */
  onOutput?(paneId: string, data: Buffer): void;
  snapshot?(): SnapshotShare;
  /** Stopped in the reverse of start order; `reason` says why the controller stops. */
  stop?(reason: string): unknown;
}

/**
 * One part of the controller (messaging, agents, runs; later triggers, recovery, feedback):
 * started in list order once the session is open, after the parts it needs.
 */
export interface Part<N extends PartName = PartName> {
  readonly name: string;
  readonly needs: readonly N[];
  /** What `start` resolves `gives` with: checked against `needs` of later parts before starting. */
  readonly gives: readonly PartName[];
  start(ctx: PartContext, got: Pick<Provided, N>): Running | Promise<Running>;
}
