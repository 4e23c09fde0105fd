/**
 * For tests of the journal's mechanics (bytes, fsyncs, rotation, faults), which need records but
 * no particular meaning: the journal takes only catalogue types, so `note(data)` carries any JSON a
 * test wants to write as the text of a small one (`pane.gone`), keeping records about as short as
 * the tests' own payloads (the fault tests count file operations).
 */
import type { EventPayload } from '../../src/core/events/index.js';

export const NOTE = 'pane.gone' as const;

export function note(data: unknown): EventPayload<'pane.gone'> {
  return { paneId: JSON.stringify(data) ?? 'null' };
}

/** What `note(data)` carried, from a record written or replayed. */
export function noted(record: { payload: unknown }): unknown {
  return JSON.parse((record.payload as { paneId: string }).paneId);
}
