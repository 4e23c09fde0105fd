/**
 * The catalogue of journal records: every record type the project writes, each with its payload's
 * zod schema, one file per family. The journal appends only these (core/journal.ts validates each
 * payload before a byte is written), and readers — the controller's in-process bus, the IPC
 * `subscribe` stream, folds over a replay — can rely on the shapes here.
 *
 * Adding a record type: add it to its family's file (or a new family below); the test
 * test/unit/core/events-catalogue.test.ts fails for a type string in src/ that is not here.
 */
import type { z } from 'zod';
import { MiyabiError } from '../errors.js';
import type { JournalRecord } from '../journal-format.js';
import { AGENT_EVENTS } from './agent.js';
import { CONTROLLER_EVENTS } from './controller.js';
import { FEEDBACK_EVENTS } from './feedback.js';
import { MESSAGE_EVENTS } from './message.js';
import { PANE_EVENTS } from './pane.js';
import { PIPELINE_EVENTS } from './pipeline.js';
import { RECOVERY_EVENTS } from './recovery.js';
import { RUN_EVENTS } from './run.js';
import { SESSION_EVENTS } from './session.js';
import { RUN_TAGGED, STAGE_EVENTS } from './stage.js';
import { TASK_EVENTS } from './task.js';
import { TRIGGER_EVENTS } from './trigger.js';
import { WORKTREE_EVENTS } from './worktree.js';
import { joined } from '../lazy.js';

export { AGENT_SIGNALS, AGENT_STATE_NAMES } from './agent.js';
export { METRIC_NAME } from './feedback.js';
export { RUN_OUTCOMES } from './run.js';
export { RUN_TAGGED, STAGE_OUTCOMES } from './stage.js';
export { TASK_PAYLOADS, TASK_PRIORITIES } from './task.js';

/** Read through, never spread: each schema is built when first used (lazy.ts). */
export const EVENTS = joined(
  AGENT_EVENTS,
  MESSAGE_EVENTS,
  TASK_EVENTS,
  RUN_EVENTS,
  STAGE_EVENTS,
  PIPELINE_EVENTS,
  PANE_EVENTS,
  SESSION_EVENTS,
  CONTROLLER_EVENTS,
  WORKTREE_EVENTS,
  FEEDBACK_EVENTS,
  TRIGGER_EVENTS,
  RECOVERY_EVENTS,
);

type Catalogue = typeof EVENTS;
/** Every record type there is. */
export type EventType = keyof Catalogue;
/** A record's payload as written (and as read back: the journal stores what was appended). */
export type EventPayload<T extends EventType> = z.input<Catalogue[T]>;
/** A journal record whose type is in the catalogue, its payload typed. */
export type EventRecord<T extends EventType = EventType> = {
  [K in T]: Omit<JournalRecord, 'type' | 'payload'> & { type: K; payload: EventPayload<K> };
}[T];

export const EVENT_TYPES = Object.keys(EVENTS) as EventType[];

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(EVENTS, type);
}

/** Narrows a record read back (replay, IPC) to a catalogue type; the payload is trusted as written. */
export function isEvent<T extends EventType>(record: { type: string }, type: T): record is EventRecord<T> {
  return record.type === type;
}

/**
 * Throws MiyabiError('INTERNAL') naming the type and the first wrong fields when `payload` does not
 * fit. A refused record is a bug in the caller, never the user's input: the append fails loudly.
 */
export function checkEvent(type: string, payload: unknown): void {
  if (!isEventType(type)) {
    throw new MiyabiError('INTERNAL', `journal: "${type}" is not a record type of the event catalogue (src/core/events)`, { detail: { type } });
  }
  const r = EVENTS[type].safeParse(payload);
  if (r.success) return;
  const issues = r.error.issues.slice(0, 3).map((i) => `${i.path.length ? i.path.join('.') : 'payload'}: ${i.message}`);
  throw new MiyabiError('INTERNAL', `journal: refused a "${type}" record: ${issues.join('; ')}`, { detail: { type, issues: r.error.issues } });
}

/**
 * The one port for writing events (core/journal.ts's Journal is one). Parts take this rather than
 * the Journal class, so a test can hand them a recorder. `R` is what an append returns: the record
 * for callers that need its seq or ts, `unknown` for those that do not.
 */
export interface EventSink<R = unknown> {
  append<T extends EventType>(type: T, payload: EventPayload<T>): R;
  /** Fsynced before it returns (messages, recovery events). */
  appendDurable<T extends EventType>(type: T, payload: EventPayload<T>): R;
}

/** The types a run writes through its RunJournal (pipelines/run-journal.ts). */
export type RunEventType = (typeof RUN_TAGGED)[number];
type Untag<P> = P extends unknown ? Omit<P, 'runId'> & { runId?: string } : never;
/** A run record's payload before the RunJournal adds the run's id. */
export type RunEventPayload<T extends RunEventType> = Untag<EventPayload<T>>;

/** The same port as a run sees it: the run's id is added to every payload on the way in. */
export interface RunEventSink<R = unknown> {
  append<T extends RunEventType>(type: T, payload: RunEventPayload<T>): R;
  appendDurable<T extends RunEventType>(type: T, payload: RunEventPayload<T>): R;
}

/** A typed listener on the controller's in-process bus (Journal#on). */
export type EventListener<T extends EventType> = (record: EventRecord<T>) => void;
