/** Shared by the task tests: a queue fed through an in-memory journal, as the controller feeds it. */
import type { JournalRecord } from '../../../src/core/journal.js';
import { TaskQueue, type TaskEvent, type TaskInput } from '../../../src/agents/tasks/index.js';

export function input(text: string, over: Partial<TaskInput> = {}): TaskInput {
  return { text, agent: null, priority: 'normal', labels: [], timeoutMs: null, ...over };
}

/** A controller in miniature: appends each command's record to an in-memory journal, then applies it. */
export class Live {
  readonly queue = new TaskQueue();
  readonly records: JournalRecord[] = [];
  now = 1_760_000_000_000;

  emit(ev: TaskEvent | { type: string; payload: unknown }): JournalRecord {
    // As the journal hands it back: a JSON round trip, seq and ts added.
    const record: JournalRecord = { seq: this.records.length + 1, ts: this.now, type: ev.type, payload: JSON.parse(JSON.stringify(ev.payload)) as unknown, crc: 0 };
    this.records.push(record);
    this.queue.apply(record);
    return record;
  }

  add(text: string, over: Partial<TaskInput> = {}): string {
    const ev = this.queue.add(input(text, over), this.now);
    this.emit(ev);
    return ev.payload.id;
  }

  /** Any other journal traffic between task records. */
  other(type = 'agent.idle'): void {
    this.records.push({ seq: this.records.length + 1, ts: this.now, type, payload: { agent: 'a1' }, crc: 0 });
  }
}
