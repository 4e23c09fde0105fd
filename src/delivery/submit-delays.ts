import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { writeFileAtomic } from '../core/atomic-write.js';
import { lazily } from '../core/lazy.js';
import type { DeliveryProfile } from './profiles.js';
import { MAX_DELAY_MS as MAX_LEARNED_MS } from './submit-flow.js';

/** Each first-key success takes this share of the learned wait before the submit key. */
const EASE = 0.75;
const VERSION = 1;

/** Built on first read (core/lazy.ts): the controller loads this module on `up`'s path. */
const SCHEMA = lazily({
  /** The file's shape; an entry that does not fit is left out, the rest kept. */
  file: () => z.object({ version: z.literal(VERSION), agents: z.record(z.string(), z.unknown()) }),
  /** One agent's wait; more than submit-flow ever learns is not ours. */
  entry: () => z.object({
    /** The profile it was learned under: another program in the same pane starts afresh. */
    profile: z.string().min(1),
    delayMs: z.number().int().min(0).max(MAX_LEARNED_MS),
  }),
});
type Learned = z.infer<typeof SCHEMA.entry>;

/**
 * Per agent, the wait before the submit key learned from a paste window that ate one. It grows
 * when a key was missed, and eases back towards the profile's each time the first key is taken,
 * so one slow moment (a program still starting) does not slow every later message; a key missed
 * again costs a second key, never a second paste.
 *
 * With a `file` (`.miyabi/state/submit-delays.json`) what is learned outlives the controller: it
 * is read once at start and replaced whole (atomically) each time a value changes, which is only
 * when a key was missed or a learned wait eases, never on a plain shell's delivery. A file that
 * cannot be read is said through `onError` (which file, what is wrong) and learning starts afresh.
 */
export class SubmitDelays {
  private readonly learned = new Map<string, Learned>();

  constructor(
    private readonly file?: string,
    private readonly onError: (error: string) => void = () => undefined,
  ) {
    if (file) this.load(file);
  }

  get(agent: string, profile: Pick<DeliveryProfile, 'name'>): number | undefined {
    const l = this.learned.get(agent);
    return l && l.profile === profile.name ? l.delayMs : undefined;
  }

  learn(agent: string, profile: DeliveryProfile, res: { attempts: number; delayMs?: number; outcome: string }): void {
    const known = this.get(agent, profile);
    let next: number | undefined | null = null; // null: unchanged
    if (res.delayMs !== undefined && res.attempts > 1) {
      next = Math.min(MAX_LEARNED_MS, Math.max(known ?? 0, Math.round(res.delayMs)));
    } else if (known !== undefined && res.attempts === 1 && res.outcome !== 'unconfirmed') {
      const eased = Math.round(known * EASE);
      next = eased <= profile.submitDelayMs ? undefined : eased;
    }
    if (next === null || next === known) return;
    if (next === undefined) this.learned.delete(agent);
    else this.learned.set(agent, { profile: profile.name, delayMs: next });
    this.save();
  }

  private load(file: string): void {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.onError(`${file}: cannot be read (${(e as Error).message}); learned submit delays start afresh`);
      return;
    }
    let j: unknown;
    try {
      j = JSON.parse(text);
    } catch (e) {
      this.onError(`${file}: not JSON (${(e as Error).message}); learned submit delays start afresh`);
      return;
    }
    const shape = SCHEMA.file.safeParse(j);
    if (!shape.success) {
      this.onError(`${file}: expected {"version":${VERSION},"agents":{…}}; learned submit delays start afresh`);
      return;
    }
    for (const [agent, v] of Object.entries(shape.data.agents)) {
      const e = SCHEMA.entry.safeParse(v);
      if (e.success) this.learned.set(agent, e.data);
      else this.onError(`${file}: agents.${agent}: expected {"profile": a name, "delayMs": a whole number 0–${MAX_LEARNED_MS}}; left out`);
    }
  }

  private save(): void {
    if (!this.file) return;
    const agents = Object.fromEntries([...this.learned].sort(([a], [b]) => a.localeCompare(b)));
    try {
      // Not fsynced: a crash can lose only the last value learned, which the next missed key teaches again.
      writeFileAtomic(this.file, `${JSON.stringify({ version: VERSION, agents }, null, 2)}\n`, { durable: false, what: 'submit delays' });
    } catch (e) {
      this.onError(`${this.file}: not saved (${(e as Error).message}); kept in memory until the controller stops`);
    }
  }
}
