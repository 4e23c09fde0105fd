/**
 * The fold saved beside the snapshot (`.miyabi/state/metrics.json`), with the seq it covers, so a
 * start or an offline `report` folds only the journal after it instead of every record ever
 * written. It is derived data: a missing, unreadable or other-version file is ignored (and the
 * journal folded from the start); it is written atomically, so a reader sees an old one or a new one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.js';
import { type FoldState, stateFromJson, stateToJson } from './state.js';

const VERSION = 1;

export function checkpointPath(stateDir: string): string {
  return join(stateDir, 'metrics.json');
}

export function loadCheckpoint(stateDir: string): FoldState | null {
  try {
    const j = JSON.parse(readFileSync(checkpointPath(stateDir), 'utf8')) as { version?: number; state?: Record<string, unknown> };
    if (j.version !== VERSION || typeof j.state !== 'object' || j.state === null) return null;
    return stateFromJson(j.state);
  } catch {
    return null;
  }
}

export function saveCheckpoint(stateDir: string, s: FoldState): void {
  writeFileAtomic(checkpointPath(stateDir), JSON.stringify({ version: VERSION, state: stateToJson(s) }), { mode: 0o600, what: 'metrics checkpoint', durable: false });
}
