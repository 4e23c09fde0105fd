/** The controller's life and the journal's own records (controller/controller.ts, core/journal.ts). */
import { z } from 'zod';
import { lazily } from '../lazy.js';

export const CONTROLLER_EVENTS = lazily({
  'controller.started': () => z.object({
    pid: z.number().int(),
    session: z.string(),
    /** Milliseconds since process start at each named step of start-up (doctor, the bench). */
    startupMs: z.record(z.string(), z.number()),
  }),
  'controller.start-failed': () => z.object({ error: z.string() }),
  'controller.stopping': () => z.object({ reason: z.string(), killSession: z.boolean() }),
  'controller.stopped': () => z.object({ reason: z.string() }),
  /** A torn tail of the active file was cut off on open and kept beside it (journal-writer.ts). */
  'journal.tail-repaired': () => z.object({
    file: z.string(),
    line: z.number().int(),
    offset: z.number().int(),
    reason: z.string(),
    bytes: z.number().int(),
    movedTo: z.string(),
  }),
  /** Writes to the journal failed and then took again; the records held meanwhile are written before this one (journal-healing.ts). */
  'journal.write-recovered': () => z.object({
    file: z.string(),
    error: z.string(),
    since: z.string(),
    durationMs: z.number().nonnegative(),
    records: z.number().int().nonnegative(),
  }),
  /** `miyabi doctor --repair` cut the journal at a damaged record (journal-repair.ts). */
  'journal.repaired': () => z.object({
    file: z.string(),
    line: z.number().int(),
    offset: z.number().int(),
    reason: z.string(),
    movedTo: z.array(z.string()),
    keptLastSeq: z.number().int().nonnegative(),
  }),
});
