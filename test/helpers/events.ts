/**
 * For tests of the journal's mechanics (bytes, fsyncs, rotation, faults), which need records but
 * no particular meaning: the journal takes only catalogue types, and `run.queued` is one whose
 * payload carries open data (`event`), so `note({...})` wraps any JSON a test wants to write.
 */
import type { EventPayload } from '../../src/core/events/index.js';

export const NOTE = 'run.queued' as const;

export function note(data: unknown): EventPayload<'run.queued'> {
  return { runId: 'r', pipeline: 'p', source: '', vars: {}, waitingFor: [], event: { data } };
}

/** What `note(data)` wrapped, from a record written or replayed. */
export function noted(record: { payload: unknown }): unknown {
  return (record.payload as { event: { data: unknown } }).event.data;
}
