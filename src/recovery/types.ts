import type { RecoveryConfig } from '../config/recovery-schema.js';
import type { EventSink } from '../core/events/index.js';
import type { PaneInfo, PaneSpec, TmuxPort } from '../tmux/port.js';
import type { Level } from './policy.js';

/** An agent's state as the agents part reads it (agents/states): only what recovery decides on. */
export interface SeenState {
  state: string;
  since: number;
  resetAt?: number;
}

/** Everything the ladder needs of the world, handed in by the controller part. */
export interface RecoveryDeps {
  tmux: Pick<TmuxPort, 'respawnPane' | 'addPane' | 'killPane' | 'listPanes' | 'hasSession' | 'pane'>;
  session: string;
  launchDir: string;
  journal: EventSink;
  config: RecoveryConfig;
  /** A pane of the layout or a spawned agent (others are not ours to restart). */
  known(name: string): boolean;
  /** The pane's spec to start it again (layout or spawn), with its conversation args; null for an unknown name. */
  specOf(name: string): PaneSpec | null;
  /** The window a pane belongs in (for L2, when it is made again). */
  windowOf(name: string): string;
  /** After the pane runs again: messages not yet confirmed go in once it is ready. */
  afterRestart(name: string, pane: PaneInfo): void;
  /** L2 for a session that is gone: built again from the layout (plus spawned agents). */
  rebuildSession(): Promise<void>;
  /** L3: the controller restarts from snapshot + journal (its supervisor starts it); false when unsupervised. */
  restartController(reason: string): boolean;
  /** The controller runs under its supervisor: L3 and L4 can happen. */
  supervised: boolean;
  /** L4: the user's hook, by /bin/sh -c; resolves with its exit code. */
  runHook(command: string): Promise<{ exitCode: number | null; error?: string; durationMs: number }>;
  /** A give-up: the conductor is told, the agent marked failed. */
  tellConductor(text: string): void;
  stateOf(name: string): SeenState | undefined;
  /** When the agent last printed or sent a heartbeat (ms epoch), null if never seen. */
  lastSignOfLife(name: string): number | null;
  /** The silence after which this agent is checked (its state profile's unresponsiveAfterMs). */
  silentLimitMs(name: string): number;
  /** A profile or the layout marks it: report, never restart. */
  neverRestart(name: string): boolean;
  now?: () => number;
  /** Waits that a test may shorten; real timers otherwise. */
  sleep?: (ms: number) => Promise<void>;
}

export interface RecoverOutcome {
  level: Level;
  outcome: 'succeeded' | 'gave-up' | 'restarting-controller' | 'failed';
  durationMs: number;
  pane?: PaneInfo;
  reason?: string;
}
