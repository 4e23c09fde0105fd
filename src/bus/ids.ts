/**
 * Message ids: `<time ns, 19 digits>.<sender>.<seq, 6 digits>.<pid>`, e.g.
 * `1760000000123456789.conductor.000042.31337`.
 *
 * Plain byte order of ids is the delivery order (after priority): time first, then sender, then
 * sequence, then pid. No `:` (Maildir's info separator), no `/`, never a leading `.` (maildir(5)
 * readers skip dotfiles), only [0-9a-z._-], so a shell glob and `ls` in the C locale sort them the
 * same way as the reader does.
 *
 * Ordering guarantee (documented in docs/bus-format.md):
 *  - Within one process, ids are strictly increasing: the time part is max(last + 1, now, floor + 1),
 *    so a wall clock stepped backwards never reorders (or repeats) one sender's messages.
 *  - Across processes (sequential `miyabi send` or `miyabi-send.sh` runs), the writer passes the
 *    newest id still pending in the recipient's `new/` as the floor: a send that starts after another
 *    one to the same inbox finished sorts after it, even when the clock stepped back in between,
 *    as long as the earlier message has not been delivered yet (afterwards order no longer matters).
 *  - Concurrent sends from different processes are ordered by their clocks only; ties go by sender
 *    name, then sequence, then pid. Uniqueness never depends on the clock: the tmp file is created
 *    with O_EXCL and a clash retries with the next sequence (Dovecot's maildir_create_tmp).
 */
import { NAME_PATTERN } from '../core/names.js';

/** 10^18 ≤ t < 10^19 ns covers 2001-09-09 … 2286-11-20: a fixed 19-digit width sorts as text. */
const MIN_NS = 1_000_000_000_000_000_000n;
const MAX_NS = 9_999_999_999_999_999_999n;
const SEQ_MOD = 1_000_000;

export const ID_PATTERN = /^(\d{19})\.([a-z][a-z0-9_-]{0,31})\.(\d{6})\.(\d{1,10})$/;

export interface IdParts {
  timeNs: bigint;
  sender: string;
  seq: number;
  pid: number;
}

/** Splits an id into its parts, or null when `id` is not one of ours. */
export function parseId(id: string): IdParts | null {
  const m = ID_PATTERN.exec(id);
  if (m === null) return null;
  const timeNs = BigInt(m[1]!);
  if (timeNs < MIN_NS) return null;
  if (!NAME_PATTERN.test(m[2]!)) return null;
  return { timeNs, sender: m[2]!, seq: Number(m[3]), pid: Number(m[4]) };
}

export function formatId(parts: IdParts): string {
  const seq = String(parts.seq % SEQ_MOD).padStart(6, '0');
  return `${parts.timeNs.toString().padStart(19, '0')}.${parts.sender}.${seq}.${parts.pid}`;
}

/** Compares ids in delivery order (byte order; ids are ASCII). */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

let anchor: bigint | null = null;

/**
 * Wall-clock time in nanoseconds since the epoch, with the monotonic clock's resolution: the
 * monotonic clock plus an offset kept consistent with Date.now(). The offset only rises towards
 * the true one (each Date.now() reading is a lower bound), and it is reset when the wall clock
 * steps (the estimate leaves the current wall millisecond), so, like `date +%s%N` in the shell
 * sender, it follows the wall clock.
 */
export function wallClockNs(): bigint {
  const mono = process.hrtime.bigint();
  const wall = BigInt(Date.now()) * 1_000_000n;
  const t = anchor === null ? -1n : mono + anchor;
  if (t < wall || t >= wall + 1_000_000n) {
    anchor = wall - mono;
    return wall;
  }
  return t;
}

export interface IdGeneratorOptions {
  /** Nanoseconds since the epoch (tests inject a clock that steps backwards). */
  clock?: () => bigint;
  pid?: number;
}

/** Hands out ids for one process; the module-level `defaultIds` is the one writers use. */
export class IdGenerator {
  private last = 0n;
  private seq = 0;
  private readonly clock: () => bigint;
  readonly pid: number;

  constructor(options: IdGeneratorOptions = {}) {
    this.clock = options.clock ?? wallClockNs;
    this.pid = options.pid ?? process.pid;
  }

  /** The clock's current time, ns since the epoch. */
  now(): bigint {
    return this.clock();
  }

  /**
   * The next id for `sender`. `floorNs` is the newest time already pending in the inbox (the new
   * id's time is above it); the result's time is also above every earlier result of this generator.
   */
  next(sender: string, floorNs: bigint = 0n): string {
    let t = this.clock();
    if (t <= this.last) t = this.last + 1n;
    if (t <= floorNs) t = floorNs + 1n;
    if (t < MIN_NS) t = MIN_NS;
    if (t > MAX_NS) throw new RangeError(`message id time ${t} does not fit 19 digits`);
    this.last = t;
    const seq = this.seq;
    this.seq = (this.seq + 1) % SEQ_MOD;
    return formatId({ timeNs: t, sender, seq, pid: this.pid });
  }
}

export const defaultIds = new IdGenerator();

/**
 * The newest time among `names` that are ids, ignoring those more than `maxAheadNs` ahead of
 * `nowNs` (a stray far-future name must not drag every later id along with it).
 */
export function newestTime(names: readonly string[], nowNs: bigint, maxAheadNs = 86_400_000_000_000n): bigint {
  let best = 0n;
  for (const name of names) {
    const m = ID_PATTERN.exec(name);
    if (m === null) continue;
    const t = BigInt(m[1]!);
    if (t > best && t <= nowNs + maxAheadNs) best = t;
  }
  return best;
}
