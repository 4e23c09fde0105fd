/**
 * Events on the bus (`miyabi emit`, `scripts/miyabi-emit.sh`, git hooks, the webhook): one JSON file
 * per event in `.miyabi/bus/_events/`, written like a message (tmp/ opened O_EXCL, fsynced, renamed
 * into new/), so an event emitted while the controller is down waits there and fires after `up`.
 * `_events` cannot be an agent's name (names start with a letter), so no inbox ever collides with it.
 *
 *   {"miyabi-event":1,"id":"deploy-42","type":"git.push","ts":1760000000123,"source":"emit","data":{"branch":"main"}}
 *
 * `id` is what rules dedupe on (default: the file's name); `ts` (epoch ms) is when it happened, the
 * start of its activation latency.
 */
import { join } from 'node:path';
import { type FsPort, O, closeQuietly, errnoCode, fsyncDir, ioError, realFs, writeAll } from '../core/fs-port.js';
import { MiyabiError } from '../core/errors.js';
import { defaultIds } from './ids.js';

export const EVENTS_DIR = '_events';
export const EVENT_TYPE = /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$/;
export const MAX_EVENT_BYTES = 256 * 1024;
const SOURCE = /^[a-z][a-z0-9_-]{0,31}$/;

export interface BusEvent {
  id: string;
  type: string;
  ts: number;
  source: string;
  data: Record<string, unknown>;
}

export interface EventsPaths {
  root: string;
  tmp: string;
  new: string;
  quarantine: string;
}

export function eventsPaths(busDir: string): EventsPaths {
  const root = join(busDir, EVENTS_DIR);
  return { root, tmp: join(root, 'tmp'), new: join(root, 'new'), quarantine: join(root, 'quarantine') };
}

export function ensureEvents(busDir: string, fs: FsPort = realFs): EventsPaths {
  const p = eventsPaths(busDir);
  for (const d of [busDir, p.root, p.tmp, p.new, p.quarantine]) {
    try {
      fs.mkdirSync(d, { mode: 0o700, recursive: d === busDir });
    } catch (e) {
      if (errnoCode(e) !== 'EEXIST') throw ioError('bus: creating folder', d, e);
    }
  }
  return p;
}

/** Why `type` is not an event type, or null. */
export function eventTypeProblem(type: unknown): string | null {
  if (typeof type !== 'string') return 'the event type is missing';
  if (type.length > 100) return `event type is ${type.length} characters long (at most 100)`;
  return EVENT_TYPE.test(type) ? null : `${JSON.stringify(type)} is not an event type; write lowercase words (a-z 0-9 _ -) joined by dots, e.g. git.push`;
}

export interface EmitInput {
  type: string;
  data?: Record<string, unknown>;
  source?: string;
  id?: string;
  ts?: number;
}

/** Writes one event durably into `_events/new/`; returns once it is there and fsynced. */
export function writeEvent(busDir: string, input: EmitInput, fs: FsPort = realFs): { id: string; name: string; path: string } {
  const problem = eventTypeProblem(input.type);
  if (problem) throw new MiyabiError('USAGE', problem);
  const source = input.source ?? 'emit';
  if (!SOURCE.test(source)) throw new MiyabiError('USAGE', `event source ${JSON.stringify(source)} is not a name (a-z 0-9 _ -)`);
  const p = ensureEvents(busDir, fs);
  const name = defaultIds.next(source);
  const ev: BusEvent & { 'miyabi-event': 1 } = { 'miyabi-event': 1, id: input.id ?? name, type: input.type, ts: input.ts ?? Date.now(), source, data: input.data ?? {} };
  const bytes = Buffer.from(`${JSON.stringify(ev)}\n`);
  if (bytes.length > MAX_EVENT_BYTES) throw new MiyabiError('USAGE', `event is ${bytes.length} bytes, over the limit of ${MAX_EVENT_BYTES}`);
  const tmp = join(p.tmp, name);
  const dest = join(p.new, name);
  let fd: number | null = null;
  try {
    fd = fs.openSync(tmp, O.O_WRONLY | O.O_CREAT | O.O_EXCL | O.O_NOFOLLOW, 0o600);
    writeAll(fs, fd, bytes, 0);
    fs.fsyncSync(fd);
    const closing = fd;
    fd = null;
    fs.closeSync(closing);
    fs.renameSync(tmp, dest);
    fsyncDir(fs, p.new);
  } catch (e) {
    closeQuietly(fs, fd);
    try {
      fs.unlinkSync(tmp);
    } catch {
      // renamed already, or never created
    }
    throw ioError('bus: emitting an event', tmp, e);
  }
  return { id: ev.id, name, path: dest };
}

/** The event in a file's bytes, or why it is not one. */
export function parseEvent(name: string, bytes: Buffer): { ok: true; event: BusEvent } | { ok: false; reason: string } {
  if (bytes.length === 0) return { ok: false, reason: 'empty file' };
  if (bytes.length > MAX_EVENT_BYTES) return { ok: false, reason: `${bytes.length} bytes, over the limit of ${MAX_EVENT_BYTES}` };
  let v: unknown;
  try {
    v = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    return { ok: false, reason: `not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return { ok: false, reason: 'not a JSON object' };
  const o = v as Record<string, unknown>;
  if (o['miyabi-event'] !== 1) return { ok: false, reason: 'no "miyabi-event": 1 (not an event file, or a newer version)' };
  const problem = eventTypeProblem(o['type']);
  if (problem) return { ok: false, reason: problem };
  const data = o['data'] ?? {};
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return { ok: false, reason: '"data" is not a JSON object' };
  const ts = typeof o['ts'] === 'number' && Number.isFinite(o['ts']) ? o['ts'] : Date.now();
  const id = typeof o['id'] === 'string' && o['id'] !== '' ? o['id'].slice(0, 200) : name;
  const source = typeof o['source'] === 'string' && SOURCE.test(o['source']) ? o['source'] : 'unknown';
  return { ok: true, event: { id, type: o['type'] as string, ts, source, data: data as Record<string, unknown> } };
}

/** Names waiting in `new/`, oldest first (names sort by time). */
export function pendingEvents(busDir: string, fs: FsPort = realFs): string[] {
  try {
    return fs.readdirSync(eventsPaths(busDir).new).filter((n) => !n.startsWith('.')).sort();
  } catch {
    return [];
  }
}

/** Reads `new/<name>`: the event, or null when it is junk (then it is already in quarantine/). */
export function readEvent(busDir: string, name: string, fs: FsPort = realFs): { event: BusEvent } | { quarantined: { reason: string; movedTo: string | null } } | null {
  const p = eventsPaths(busDir);
  let bytes: Buffer;
  try {
    if (!fs.lstatSync(join(p.new, name)).isFile()) return { quarantined: quarantineEvent(busDir, name, 'not a regular file', fs) };
    bytes = fs.readFileSync(join(p.new, name));
  } catch {
    return null; // gone meanwhile
  }
  const r = parseEvent(name, bytes);
  return r.ok ? { event: r.event } : { quarantined: quarantineEvent(busDir, name, r.reason, fs) };
}

export function quarantineEvent(busDir: string, name: string, reason: string, fs: FsPort = realFs): { reason: string; movedTo: string | null } {
  const p = ensureEvents(busDir, fs);
  const target = join(p.quarantine, `${name}.${Date.now()}`);
  try {
    fs.renameSync(join(p.new, name), target);
    let fd: number | null = null;
    try {
      fd = fs.openSync(`${target}.reason`, O.O_WRONLY | O.O_CREAT | O.O_TRUNC | O.O_NOFOLLOW, 0o600);
      writeAll(fs, fd, Buffer.from(`${JSON.stringify({ name, reason, at: new Date().toISOString() })}\n`), 0);
    } finally {
      closeQuietly(fs, fd);
    }
    return { reason, movedTo: target };
  } catch {
    return { reason, movedTo: null };
  }
}

/** The event was taken in (journaled): its file goes. */
export function removeEvent(busDir: string, name: string, fs: FsPort = realFs): void {
  try {
    fs.unlinkSync(join(eventsPaths(busDir).new, name));
  } catch {
    // gone already
  }
}
