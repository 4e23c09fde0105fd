/**
 * F6: the I/O-error loop (SQLite "I/O Error Testing"). The FsPort fails op N for N = 1, 2, … until
 * the whole scenario — open with a tail repair, appends across rotations, a durable append, flush,
 * close — completes; once with a single failure and once failing continuously from N on. Each
 * failure must be a clear error, leave no open descriptor, and leave a journal that loads with
 * every record append() reported as written.
 */
import { appendFileSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { MiyabiError } from '../../../src/core/errors.js';
import { FaultyFs } from '../../../src/core/faulty-fs.js';
import { Journal, type JournalRecord } from '../../../src/core/journal.js';
import { NOTE, note, noted } from '../../helpers/events.js';
import { useTmpRoot } from './tmp-root.js';

const tmp = useTmpRoot();
const TORN = Buffer.from('{"seq":4,"ts":17000,"type":"user","pay');
const KNOWN_FILE = /^events(-\d{12})?\.jsonl(\.broken-\d+(-\d+)?)?$/;

function seed(): JournalRecord[] {
  rmSync(join(tmp.path, 'journal'), { recursive: true, force: true });
  const j = Journal.open(tmp.path, { fsync: 'always' });
  const out = [1, 2, 3].map((i) => j.append(NOTE, note({ i })));
  j.close();
  appendFileSync(join(tmp.path, 'journal', 'events.jsonl'), TORN);
  return out;
}

function scenario(fs: FaultyFs, mode: 'always' | 'group') {
  const reported: JournalRecord[] = [];
  const errors: unknown[] = [];
  let j: Journal | null = null;
  for (let attempt = 0; attempt < 3 && j === null; attempt++) {
    try {
      j = Journal.open(tmp.path, { fs, fsync: mode, groupMs: 60_000, maxSegmentBytes: 700, onError: (e) => errors.push(e) });
    } catch (e) {
      errors.push(e);
    }
  }
  if (j !== null) {
    for (let i = 0; i < 12; i++) {
      try {
        const payload = { i, pad: 'p'.repeat(40) };
        reported.push(i % 4 === 3 ? j.appendDurable(NOTE, note(payload)) : j.append(NOTE, note(payload)));
      } catch (e) {
        errors.push(e);
      }
    }
    try {
      j.flush();
    } catch (e) {
      errors.push(e);
    }
    try {
      j.close();
    } catch (e) {
      errors.push(e);
    }
  }
  return { reported, errors };
}

function checkRun(persistent: boolean, mode: 'always' | 'group') {
  let completedAt = 0;
  for (let n = 1; n < 1000 && completedAt === 0; n++) {
    const seeded = seed();
    const fs = new FaultyFs(undefined, { failAt: n, persistent, partialWrites: true });
    const { reported, errors } = scenario(fs, mode);
    const ctx = `op ${n} (${fs.log[n - 1] ?? 'none'})`;

    expect(fs.openFds.size, `${ctx}: leaked descriptors ${[...fs.openFds.values()].join(', ')}`).toBe(0);
    if (!fs.fired) {
      expect(errors, ctx).toEqual([]);
      completedAt = n;
    }
    for (const e of errors) {
      expect(e, ctx).toBeInstanceOf(MiyabiError);
      const err = e as MiyabiError;
      expect(err.code, `${ctx}: ${err.message}`).toBe('IO');
      expect(err.message, ctx).toContain(tmp.path); // names the file or directory
      expect(err.message, ctx).toContain('injected fault');
      expect(err.hint, ctx).toBeTruthy();
    }

    // Reload with the real file system: it loads (repairing a tail at most) and nothing reported is lost.
    const j = Journal.open(tmp.path);
    const all = [...j.replay()];
    j.close();
    expect(all.slice(0, 3), ctx).toEqual(seeded);
    expect(all.map((r) => r.seq), ctx).toEqual(all.map((_, i) => i + 1));
    const users = all.slice(3).filter((r) => r.type === NOTE);
    // A record held in memory while writes failed (journal-healing.ts) is lost only when close
    // says so, naming the first seq it could not write.
    const lostFrom = errors.map((e) => (e as MiyabiError).detail?.lostFromSeq).find((x) => typeof x === 'number') as number | undefined;
    const kept = reported.filter((r) => lostFrom === undefined || r.seq < lostFrom);
    if (persistent) {
      for (const r of kept) expect(users, ctx).toContainEqual(r);
    } else {
      expect(lostFrom, ctx).toBeUndefined();
      // A durable append whose outcome was unknown threw, and its record was written by the retry.
      const extra = users.filter((u) => !reported.some((r) => r.seq === u.seq));
      expect(users.filter((u) => reported.some((r) => r.seq === u.seq)), ctx).toEqual(reported);
      expect(extra.length, ctx).toBeLessThanOrEqual(errors.filter((e) => /degraded/.test(String((e as Error).message))).length);
    }
    for (const f of readdirSync(join(tmp.path, 'journal'))) {
      expect(f, ctx).toMatch(KNOWN_FILE);
      if (!persistent && f.includes('.broken-')) expect(readFileSync(join(tmp.path, 'journal', f)), `${ctx}: ${f}`).toEqual(TORN);
    }
  }
  // The completing run went through a tail repair, rotations and every kind of call.
  expect(completedAt).toBeGreaterThan(40);
  const segments = readdirSync(join(tmp.path, 'journal')).filter((f) => /^events-\d+\.jsonl$/.test(f));
  expect(segments.length).toBeGreaterThanOrEqual(2);
  return completedAt;
}

describe('F6: fail at op N until the operation completes', () => {
  for (const mode of ['always', 'group'] as const) {
    it(`single failure, fsync '${mode}'`, () => {
      checkRun(false, mode);
    });
    it(`failing continuously from op N (a broken disk, or a crash), fsync '${mode}'`, () => {
      checkRun(true, mode);
    });
  }

  it('F6b: a failed group-commit fsync makes the journal degraded; the reopen finds what the file has and writes the rest', async () => {
    const fs = new FaultyFs(undefined, { only: ['fsyncSync'], failAt: 2 }); // 1 = directory fsync at creation
    const j = Journal.open(tmp.path, { fs, fsync: 'group', groupMs: 5, retryMs: [5, 20] });
    const a = j.append(NOTE, note({ a: 1 }));
    await vi.waitFor(() => expect(j.health().state).toBe('degraded'), { timeout: 2000, interval: 5 });
    expect(j.health().error).toMatch(/fsync of .*events\.jsonl failed/);
    const b = j.append(NOTE, note({ b: 2 }));
    await vi.waitFor(() => expect(j.health()).toEqual({ state: 'ok', held: 0 }), { timeout: 2000, interval: 5 });
    j.close();
    expect(fs.openFds.size).toBe(0);
    const k = Journal.open(tmp.path);
    const all = [...k.replay()];
    k.close();
    expect(all.slice(0, 2)).toEqual([a, b]);
    expect(all[2]).toMatchObject({ seq: 3, type: 'journal.write-recovered', payload: { records: 1 } });
  });

  it('F6c: ENOSPC on append: the record is cut off, held in memory in order, and written by the retry', () => {
    const fs = new FaultyFs(undefined, { only: ['writeSync'], failAt: 2, code: 'ENOSPC', partialWrites: true });
    const j = Journal.open(tmp.path, { fs, retryMs: [60_000, 60_000] });
    j.append(NOTE, note({ n: 1 }));
    expect(j.append(NOTE, note({ n: 2, big: 'x'.repeat(100) })).seq).toBe(2);
    const h = j.health();
    expect(h).toMatchObject({ state: 'degraded', errno: 'ENOSPC', held: 1, file: join(tmp.path, 'journal', 'events.jsonl') });
    expect(h.error).toMatch(/events\.jsonl failed: ENOSPC/);
    // A durable record is not held: its caller does what it journals later.
    expect(() => j.appendDurable(NOTE, note({ n: 'durable' }))).not.toThrow(); // the disk has room again: the retry runs first
    expect(j.append(NOTE, note({ n: 3 })).seq).toBe(4);
    j.close();
    expect([...Journal.open(tmp.path).replay()].filter((r) => r.type === NOTE).map(noted)).toEqual([{ n: 1 }, { n: 2, big: 'x'.repeat(100) }, { n: 'durable' }, { n: 3 }]);
  });
});
