import { readdirSync } from 'node:fs';
import type { ParsedMessage } from '../bus/format.js';
import { inboxPaths } from '../bus/layout.js';
import { compareForDelivery, readEntry, type Quarantined } from '../bus/reader.js';

/**
 * One recipient's pending messages, kept parsed between passes: a pass lists `new/` (the truth)
 * and reads only the names it has not seen, so 10,000 queued messages are not re-read each time.
 */
export class PendingInbox {
  private readonly known = new Map<string, ParsedMessage>();

  constructor(
    private readonly busDir: string,
    readonly recipient: string,
  ) {}

  refresh(): { messages: ParsedMessage[]; quarantined: Quarantined[] } {
    let names: string[];
    try {
      names = readdirSync(inboxPaths(this.busDir, this.recipient).new);
    } catch {
      names = [];
    }
    const present = new Set(names);
    for (const id of this.known.keys()) if (!present.has(id)) this.known.delete(id);
    const quarantined: Quarantined[] = [];
    for (const name of names) {
      if (this.known.has(name)) continue;
      const e = readEntry(this.busDir, this.recipient, name);
      if (e.kind === 'message') this.known.set(name, e.message);
      else if (e.quarantined) quarantined.push(e.quarantined);
    }
    return { messages: [...this.known.values()].sort(compareForDelivery), quarantined };
  }

  forget(id: string): void {
    this.known.delete(id);
  }

  get size(): number {
    return this.known.size;
  }

  /** The messages seen at the last refresh. */
  get seen(): ParsedMessage[] {
    return [...this.known.values()];
  }
}

const MAX_BATCH = 500;

/** Consecutive messages that fit one paste (each keeps its own header). */
export function takeBatch(messages: ParsedMessage[], pasteMax: number, inflight: Map<string, number | null>): ParsedMessage[] {
  const out: ParsedMessage[] = [];
  let bytes = 0;
  for (const m of messages) {
    if (out.length > 0 && inflight.has(m.id)) break;
    if (out.length >= MAX_BATCH || (out.length > 0 && bytes + m.body.length > pasteMax)) break;
    out.push(m);
    bytes += m.body.length;
  }
  return out;
}
