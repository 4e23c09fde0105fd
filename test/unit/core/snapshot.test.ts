/**
 * Snapshot write/read, and F5: a crash at every step of writing a snapshot (tmp create, write,
 * fsync, close, rename, directory fsync). The previous snapshot plus the journal must still give
 * the exact state, and stale tmp files are cleaned.
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MiyabiError } from '../../../src/core/errors.js';
import { FaultyFs } from '../../../src/core/faulty-fs.js';
import { Journal, type JournalRecord, replayJournal } from '../../../src/core/journal.js';
import { cleanStaleSnapshotTmp, readSnapshot, snapshotPath, writeSnapshot } from '../../../src/core/snapshot.js';
import { NOTE, note, noted } from '../../helpers/events.js';
import { useTmpRoot } from './tmp-root.js';

const tmp = useTmpRoot();
const stateDir = () => join(tmp.path, 'state');

type Counts = Record<string, number>;
interface State {
  lastSeq: number;
  counts: Counts;
}

function apply(counts: Counts, r: JournalRecord): Counts {
  const { key, by } = noted(r) as { key: string; by: number };
  return { ...counts, [key]: (counts[key] ?? 0) + by };
}

/** Recovery as the controller does it: snapshot (or empty) + replay of seq > snapshot.lastSeq. */
function recover(): State {
  const snap = readSnapshot<State>(tmp.path) ?? { lastSeq: 0, counts: {} };
  let counts = snap.counts;
  let lastSeq = snap.lastSeq;
  for (const r of replayJournal(tmp.path, { afterSeq: snap.lastSeq })) {
    counts = apply(counts, r);
    lastSeq = r.seq;
  }
  return { lastSeq, counts };
}

describe('snapshot', () => {
  it('round-trips, replaces the previous one, and leaves no tmp file', () => {
    expect(readSnapshot(tmp.path)).toBeNull();
    const a = writeSnapshot(tmp.path, { lastSeq: 3, agents: ['a'] });
    expect(a.path).toBe(snapshotPath(tmp.path));
    expect(readSnapshot(tmp.path)).toEqual({ lastSeq: 3, agents: ['a'] });
    writeSnapshot(tmp.path, { lastSeq: 9, agents: [] });
    expect(readSnapshot(tmp.path)).toEqual({ lastSeq: 9, agents: [] });
    expect(readdirSync(stateDir())).toEqual(['snapshot.json']);
    expect(statSync(snapshotPath(tmp.path)).mode & 0o777).toBe(0o600);
    expect(statSync(stateDir()).mode & 0o777).toBe(0o700);
  });

  it('fsyncs the file before the rename and the directory after it', () => {
    const fs = new FaultyFs();
    writeSnapshot(tmp.path, { lastSeq: 1 }, { fs });
    const ops = fs.log.map((l) => l.split(' ')[0]);
    expect(ops).toEqual(['mkdirSync', 'openSync', 'writeSync', 'fsyncSync', 'closeSync', 'renameSync', 'openSync', 'fsyncSync', 'closeSync']);
  });

  it('refuses bad input and names the file when the snapshot is unreadable', () => {
    expect(() => writeSnapshot(tmp.path, { lastSeq: -1 })).toThrow(/lastSeq must be a non-negative integer/);
    mkdirSync(stateDir());
    writeFileSync(snapshotPath(tmp.path), '{"lastSeq": 4, "x": [');
    let err: MiyabiError | undefined;
    try {
      readSnapshot(tmp.path);
    } catch (e) {
      err = e as MiyabiError;
    }
    expect(err?.code).toBe('SNAPSHOT_CORRUPT');
    expect(err?.message).toMatch(new RegExp(`^${snapshotPath(tmp.path)}: not valid JSON`));
    expect(err?.hint).toMatch(/mv .*snapshot\.json .*snapshot\.json\.bad/);
    writeFileSync(snapshotPath(tmp.path), '{"counts": {}}');
    expect(() => readSnapshot(tmp.path)).toThrow(/"lastSeq" is missing/);
    writeFileSync(snapshotPath(tmp.path), '');
    expect(() => readSnapshot(tmp.path)).toThrow(MiyabiError);
  });

  it("cleanStaleSnapshotTmp removes dead processes' and our own tmp files, not a live writer's", () => {
    mkdirSync(stateDir());
    for (const pid of [process.pid, 111111, 222222]) writeFileSync(join(stateDir(), `snapshot.json.tmp-${pid}`), '{');
    writeFileSync(join(stateDir(), 'other-file'), '');
    const removed = cleanStaleSnapshotTmp(tmp.path, { isAlive: (pid) => pid === 222222 });
    expect(removed.sort()).toEqual([`snapshot.json.tmp-111111`, `snapshot.json.tmp-${process.pid}`].sort());
    expect(readdirSync(stateDir()).sort()).toEqual(['other-file', 'snapshot.json.tmp-222222']);
    expect(cleanStaleSnapshotTmp(join(tmp.path, 'nowhere'))).toEqual([]);
  });
});

describe('F5: crash during the snapshot, at every step', () => {
  for (const crash of [true, false]) {
    it(crash ? 'a crash (every op from N on fails, no cleanup runs)' : 'a single I/O error at op N (cleanup runs)', () => {
      const j = Journal.open(tmp.path, { fsync: 'always' });
      let counts: Counts = {};
      const step = (i: number) => {
        counts = apply(counts, j.append(NOTE, note({ key: `k${i % 3}`, by: i })));
      };
      for (let i = 1; i <= 5; i++) step(i);
      const previous: State = { lastSeq: j.lastSeq, counts };
      for (let i = 6; i <= 10; i++) step(i);
      const truth: State = { lastSeq: j.lastSeq, counts };
      j.close();

      const seen = new Set<number>();
      let completed = false;
      for (let n = 1; n < 50 && !completed; n++) {
        writeSnapshot(tmp.path, previous); // the state before this attempt
        const fs = new FaultyFs(undefined, { failAt: n, persistent: crash });
        try {
          writeSnapshot(tmp.path, truth, { fs });
          completed = !fs.fired;
        } catch (e) {
          expect(e).toBeInstanceOf(MiyabiError);
          expect((e as MiyabiError).code).toBe('IO');
          expect((e as MiyabiError).message).toContain(stateDir());
          expect((e as MiyabiError).message).toContain('injected fault');
        }
        expect(fs.openFds.size, `op ${n}`).toBe(0);
        if (!crash) {
          // Without a crash, the writer cleans up after itself.
          expect(readdirSync(stateDir()), `op ${n}`).toEqual(['snapshot.json']);
        }
        // Restart: clean stale tmp files, then snapshot + journal give the exact state.
        cleanStaleSnapshotTmp(tmp.path);
        expect(readdirSync(stateDir()), `op ${n}`).toEqual(['snapshot.json']);
        const snap = readSnapshot<State>(tmp.path);
        expect([previous.lastSeq, truth.lastSeq]).toContain(snap?.lastSeq);
        seen.add(snap?.lastSeq ?? -1);
        expect(recover(), `op ${n}`).toEqual(truth);
      }
      expect(completed).toBe(true);
      expect(seen).toEqual(new Set([previous.lastSeq, truth.lastSeq])); // some crashes after the rename
    });
  }
});
