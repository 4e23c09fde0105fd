/** What a runs host needs, and what starting a run asks and answers (runs-host.ts). */
import type { ShellPort } from '../shell/port.js';
import { MiyabiError } from '../core/errors.js';
import type { AgentPort } from './agent-port.js';
import { isRunId } from './run-dir.js';
import type { HostJournal } from './run-journal.js';
import type { JournalRecordLike } from './run-state.js';
import type { EscalationInfo } from './runner.js';

export interface RunsHostDeps {
  /** How commands run and their process groups are killed (shell/run.ts; tests may fake it). */
  shell: ShellPort;
  root: string;
  journal: HostJournal & { readonly lastSeq: number; replay(afterSeq?: number): Iterable<JournalRecordLike> };
  agents?: () => AgentPort;
  env?: Record<string, string | undefined>;
  log?: (line: string) => void;
  onEscalate?: (e: EscalationInfo) => void | Promise<void>;
  /** A run ended (or stopped with its host): what was held for it can go. */
  onRunEnded?: (runId: string) => void;
  /** A run an earlier host began is taken over; its records start at `startSeq`. */
  onRunAdopted?: (runId: string, startSeq: number) => void;
}

export function checkRunId(runId: string): string {
  if (!isRunId(runId)) throw new MiyabiError('USAGE', `${JSON.stringify(runId)} is not a run id`, { hint: 'run ids look like development-pipeline-20261125-120000-ab12; miyabi runs lists them' });
  return runId;
}

export interface StartRequest {
  pipeline: string;
  vars?: Record<string, string>;
  runId?: string;
  /** The event that fired the run (the triggers issue), for conditions over `event.*`. */
  event?: Record<string, unknown>;
}

export interface StartResult {
  runId: string;
  status: 'started' | 'queued' | 'skipped';
  /** Runs of the same pipeline that made it wait, be skipped or be cancelled. */
  others: string[];
}

