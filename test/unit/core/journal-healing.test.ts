/**
 * F19 in the small (core/journal-healing.ts): a file that refuses every write and the cut-off of a
 * failed one (what `chattr +i` does, or a disk gone read-only) degrades the journal instead of
 * wedging it: records keep their seqs, in order, held in memory and bounded; durable ones are
 * refused; the retry reopens the file, writes what it lacks, and says so. A file that lost records
 * behind the journal's back cannot be reconciled: wedged, until a restart.
 */
import { truncateSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { MiyabiError } from '../../../src/core/errors.js';
import { type FsPort, O, realFs } from '../../../src/core/fs-port.js';
import { Journal } from '../../../src/core/journal.js';
import { NOTE, note, noted } from '../../helpers/events.js';
import { useTmpRoot } from './tmp-root.js';

const tmp = useTmpRoot();

/** realFs, except that while `broken` every call that would change a file fails with EPERM. */
function immutableFs(): FsPort & { broken: boolean } {
  const fail = () => {
    throw Object.assign(new Error('EPERM: operation not permitted'), { code: 'EPERM' });
  };
  const fs = {
    ...realFs,
    broken: false,
    writeSync: (fd: number, b: Uint8Array, o: number, l: number, p: number) => (fs.broken ? fail() : realFs.writeSync(fd, b, o, l, p)),
    ftruncateSync: (fd: number, l: number) => (fs.broken ? fail() : realFs.ftruncateSync(fd, l)),
    openSync: (path: string, flags: number, mode?: number) => (fs.broken && (flags & (O.O_WRONLY | O.O_RDWR)) !== 0 ? fail() : realFs.openSync(path, flags, mode)),
  };
  return fs;
}

describe('F19: the journal degrades and heals instead of wedging', () => {
  it('holds records in order while writes fail, refuses durable ones, and writes them all once the file takes writes', async () => {
    const fs = immutableFs();
    const j = Journal.open(tmp.path, { fs, retryMs: [5, 20] });
    const a = j.append(NOTE, note('a'));
    fs.broken = true;
    const b = j.append(NOTE, note('b'));
    expect(b.seq).toBe(a.seq + 1);
    expect(() => j.appendDurable(NOTE, note('durable'))).toThrow(/journal degraded since .*EPERM.*1 record\(s\) wait in memory/);
    const c = j.append(NOTE, note('c'));
    expect(c.seq).toBe(b.seq + 1); // the refused durable record took no seq
    expect(j.health()).toMatchObject({ state: 'degraded', errno: 'EPERM', held: 2 });
    // A replay (a subscriber catching up) sees the held records after the file's: no gap.
    expect([...j.replay(0)].map(noted)).toEqual(['a', 'b', 'c']);
    expect([...j.replay(b.seq)].map(noted)).toEqual(['c']);
    await new Promise((r) => setTimeout(r, 50)); // retries fail meanwhile
    expect(j.health().state).toBe('degraded');
    fs.broken = false;
    await vi.waitFor(() => expect(j.health()).toEqual({ state: 'ok', held: 0 }), { timeout: 2000, interval: 5 });
    const d = j.appendDurable(NOTE, note('d'));
    j.close();
    const all = [...Journal.open(tmp.path).replay()];
    expect(all.map((r) => r.seq)).toEqual(all.map((_, i) => i + 1));
    expect(all.filter((r) => r.type === NOTE).map(noted)).toEqual(['a', 'b', 'c', 'd']);
    expect(all.find((r) => r.type === 'journal.write-recovered')?.payload).toMatchObject({ records: 2 });
    expect(d.seq).toBe(all.at(-1)!.seq);
  });

  it('is bounded: past maxHeld a record is refused with the reason, and takes no seq', () => {
    const fs = immutableFs();
    const j = Journal.open(tmp.path, { fs, maxHeld: 3, retryMs: [60_000, 60_000] });
    fs.broken = true;
    for (let i = 0; i < 3; i++) j.append(NOTE, note(i));
    expect(() => j.append(NOTE, note('over'))).toThrow(/3 records are waiting in memory .*the most it holds/);
    expect(j.lastSeq).toBe(3);
    fs.broken = false;
    j.close(); // the last try writes them
    expect([...Journal.open(tmp.path).replay()].filter((r) => r.type === NOTE).map(noted)).toEqual([0, 1, 2]);
  });

  it('a file that lost records behind its back is wedged: said in health, every append refused', async () => {
    const fs = immutableFs();
    const j = Journal.open(tmp.path, { fs, retryMs: [5, 20] });
    j.appendDurable(NOTE, note('a'));
    fs.broken = true;
    j.append(NOTE, note('b'));
    truncateSync(j.path, 0); // record 1 gone
    fs.broken = false;
    await vi.waitFor(() => expect(j.health().state).toBe('wedged'), { timeout: 2000, interval: 5 });
    expect(j.health().error).toMatch(/journal wedged: .*events\.jsonl ends at seq 0: records 1\.\.1 were lost/);
    let err: unknown;
    try {
      j.append(NOTE, note('c'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MiyabiError);
    expect((err as MiyabiError).hint).toMatch(/miyabi up/);
    expect(() => j.close()).toThrow(/1 record\(s\) held in memory were never written/);
  });
});

/** realFs with switchable faults; closes of a descriptor it never opened (or closed already) are recorded, not done. */
function switchableFs() {
  const open = new Set<number>();
  const fail = (code: string) => {
    throw Object.assign(new Error(`${code}: injected`), { code });
  };
  const fs = {
    ...realFs,
    /** writeSync fails (ENOSPC: the cut-off still works, nothing is poisoned), or everything that changes the file fails (EPERM, as `chattr +i`). */
    writes: 'ok' as 'ok' | 'ENOSPC' | 'EPERM',
    failFsyncs: 0,
    badCloses: [] as number[],
    opens: 0,
    openSync(path: string, flags: number, mode?: number): number {
      fs.opens += 1;
      if (fs.writes === 'EPERM' && (flags & (O.O_WRONLY | O.O_RDWR)) !== 0) fail('EPERM');
      const fd = realFs.openSync(path, flags, mode);
      open.add(fd);
      return fd;
    },
    closeSync(fd: number): void {
      if (!open.delete(fd)) return void fs.badCloses.push(fd);
      realFs.closeSync(fd);
    },
    writeSync: (fd: number, b: Uint8Array, o: number, l: number, p: number) => (fs.writes === 'ok' ? realFs.writeSync(fd, b, o, l, p) : fail(fs.writes)),
    ftruncateSync: (fd: number, l: number) => (fs.writes === 'EPERM' ? fail('EPERM') : realFs.ftruncateSync(fd, l)),
    fsyncSync: (fd: number) => (fs.failFsyncs > 0 && fs.failFsyncs-- > 0 ? fail('EIO') : realFs.fsyncSync(fd)),
  };
  return fs;
}

describe('F19: the health it reports is steady and true', () => {
  it('closes the poisoned file once, however often the reopen fails: a second close would close whatever took its number (an IPC connection)', async () => {
    const fs = switchableFs();
    const j = Journal.open(tmp.path, { fs, retryMs: [2, 5] });
    fs.writes = 'EPERM';
    j.append(NOTE, note('a')); // write and cut-off fail: poisoned, held; each retry's reopen is refused
    const opens = fs.opens;
    await vi.waitFor(() => expect(fs.opens).toBeGreaterThan(opens + 3), { timeout: 2000, interval: 2 });
    expect(j.health()).toMatchObject({ state: 'degraded', errno: 'EPERM', held: 1 });
    expect(fs.badCloses).toEqual([]);
    fs.writes = 'ok';
    await vi.waitFor(() => expect(j.health()).toEqual({ state: 'ok', held: 0 }), { timeout: 2000, interval: 2 });
    j.close();
    expect(fs.badCloses).toEqual([]);
  });

  it('a refused durable record with nothing held still heals by itself once the file takes writes', async () => {
    const fs = switchableFs();
    const j = Journal.open(tmp.path, { fs, retryMs: [2, 5] });
    fs.writes = 'ENOSPC';
    expect(() => j.appendDurable(NOTE, note('a'))).toThrow(/ENOSPC/);
    expect(j.health()).toMatchObject({ state: 'degraded', errno: 'ENOSPC', held: 0 });
    fs.writes = 'ok';
    // Nothing else is appended: the journal finds out by itself, and says so in the file.
    await vi.waitFor(() => expect(j.health()).toEqual({ state: 'ok', held: 0 }), { timeout: 2000, interval: 2 });
    j.close();
    expect([...Journal.open(tmp.path).replay()].map((r) => r.type)).toContain('journal.write-recovered');
  });

  it('a reopen that succeeds while writes still fail is not a heal: degraded all along, same episode', async () => {
    const fs = switchableFs();
    const j = Journal.open(tmp.path, { fs, retryMs: [2, 5], groupMs: 60_000 });
    j.append(NOTE, note('a')); // written, not yet fsynced
    fs.failFsyncs = 1;
    fs.writes = 'ENOSPC';
    j.flush(); // the fsync fails: poisoned; the reopen finds record 1 on disk, nothing held, and opens fine
    const first = j.health();
    expect(first).toMatchObject({ state: 'degraded', held: 0 });
    const opens = fs.opens;
    // The reopen, then the retries of what could not be written after it.
    await vi.waitFor(() => expect([fs.opens > opens, (j.health().failures ?? 0) > 3]).toEqual([true, true]), { timeout: 2000, interval: 2 });
    expect(j.health()).toMatchObject({ state: 'degraded', since: first.since, errno: 'ENOSPC' });
    fs.writes = 'ok';
    await vi.waitFor(() => expect(j.health()).toEqual({ state: 'ok', held: 0 }), { timeout: 2000, interval: 2 });
    j.close();
  });
});
