import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { MiyabiError } from '../../../src/core/errors.js';
import { FaultyFs } from '../../../src/core/faulty-fs.js';
import { Journal, type JournalRecord, replayJournal } from '../../../src/core/journal.js';
import { encodeRecord } from '../../../src/core/journal-format.js';
import { segmentName } from '../../../src/core/journal-files.js';
import { NOTE, note, noted } from '../../helpers/events.js';
import { useTmpRoot } from './tmp-root.js';

const tmp = useTmpRoot();
const activePath = () => join(tmp.path, 'journal', 'events.jsonl');

describe('Journal basics', () => {
  it('appends with consecutive seqs, replays from disk and reopens at lastSeq', () => {
    const j = Journal.open(tmp.path);
    expect(j.lastSeq).toBe(0);
    const a = j.append(NOTE, note({ agent: 'a1' }));
    const b = j.appendDurable(NOTE, note({ to: 'a2', text: 'hi "there"\n' }));
    expect([a.seq, b.seq]).toEqual([1, 2]);
    expect(noted(b)).toEqual({ to: 'a2', text: 'hi "there"\n' });
    expect([...j.replay()]).toEqual([a, b]);
    expect([...j.replay(1)]).toEqual([b]);
    j.close();
    j.close(); // idempotent
    const k = Journal.open(tmp.path);
    expect(k.lastSeq).toBe(2);
    expect(k.append(NOTE, note(null)).seq).toBe(3);
    k.close();
    expect([...replayJournal(tmp.path)].map((r) => r.seq)).toEqual([1, 2, 3]);
  });

  it('writes one line per record with the documented key order and CRC', () => {
    const j = Journal.open(tmp.path);
    const r = j.append(NOTE, note({ b: 1, c: [1.5, 'é'] }));
    j.close();
    const line = readFileSync(activePath(), 'utf8');
    expect(line.endsWith('\n')).toBe(true);
    expect(line.split('\n')).toHaveLength(2);
    const cut = line.lastIndexOf(',"crc":');
    expect(line.slice(0, cut)).toBe(`{"seq":1,"ts":${r.ts},"type":"run.queued","payload":{"runId":"r","pipeline":"p","source":"","vars":{},"waitingFor":[],"event":{"data":{"b":1,"c":[1.5,"é"]}}}`);
    expect(Number(line.slice(cut + 7, -2))).toBe(crc32(Buffer.from(line.slice(0, cut))));
    expect(line.slice(cut)).toBe(`,"crc":${r.crc}}\n`);
    expect(Journal.open(tmp.path).lastSeq).toBe(1);
  });

  it('the file and directory are created private', () => {
    Journal.open(tmp.path).close();
    expect(readdirSync(join(tmp.path, 'journal'))).toEqual(['events.jsonl']);
    expect(statSync(activePath()).mode & 0o777).toBe(0o600);
  });

  it('rejects a non-serialisable payload without consuming a seq', () => {
    const j = Journal.open(tmp.path);
    expect(() => j.append(NOTE, note({ n: 1n }))).toThrow(MiyabiError);
    expect(() => j.append('' as typeof NOTE, note({}))).toThrow(/not a record type/);
    expect(j.lastSeq).toBe(0);
    expect(j.append(NOTE, note({})).seq).toBe(1);
    j.close();
  });

  it('onAppend delivers records in seq order, even when a listener appends; unsubscribe works', () => {
    const errors: unknown[] = [];
    const j = Journal.open(tmp.path, { onError: (e) => errors.push(e) });
    const seenA: number[] = [];
    const seenB: number[] = [];
    const offA = j.onAppend((r) => {
      seenA.push(r.seq);
      if (noted(r) === 'trigger') j.append(NOTE, note({ to: r.seq }));
    });
    j.onAppend((r) => seenB.push(r.seq));
    j.onAppend(() => {
      throw new Error('listener bug');
    });
    const t = j.append(NOTE, note('trigger'));
    expect(t.seq).toBe(1);
    expect(seenA).toEqual([1, 2]);
    expect(seenB).toEqual([1, 2]);
    expect(errors).toHaveLength(2);
    offA();
    j.append(NOTE, note({}));
    expect(seenA).toEqual([1, 2]);
    expect(seenB).toEqual([1, 2, 3]);
    j.close();
  });

  it("'always' fsyncs every record; 'group' fsyncs once within groupMs, and on flush/close", async () => {
    const fs = new FaultyFs();
    const j = Journal.open(tmp.path, { fsync: 'always', fs });
    const base = fs.calls.fsyncSync ?? 0;
    j.append(NOTE, note(1));
    j.append(NOTE, note(2));
    expect(fs.calls.fsyncSync).toBe(base + 2);
    j.close();

    const gfs = new FaultyFs();
    const g = Journal.open(tmp.path, { fsync: 'group', groupMs: 30, fs: gfs });
    const gbase = gfs.calls.fsyncSync ?? 0;
    const t0 = Date.now();
    for (let i = 0; i < 50; i++) g.append(NOTE, note(i));
    expect(gfs.calls.fsyncSync ?? 0).toBe(gbase); // nothing synchronous
    await vi.waitFor(() => expect(gfs.calls.fsyncSync).toBe(gbase + 1), { timeout: 2000, interval: 5 });
    const waited = Date.now() - t0;
    expect(waited).toBeLessThan(2000);
    g.append(NOTE, note('durable-next'));
    g.appendDurable(NOTE, note('now')); // covers the pending record too
    expect(gfs.calls.fsyncSync).toBe(gbase + 2);
    g.append(NOTE, note('x'));
    g.flush();
    expect(gfs.calls.fsyncSync).toBe(gbase + 3);
    g.flush(); // nothing dirty: no fsync
    expect(gfs.calls.fsyncSync).toBe(gbase + 3);
    g.append(NOTE, note('y'));
    g.close();
    expect(gfs.calls.fsyncSync).toBe(gbase + 4);
    expect(gfs.openFds.size).toBe(0);
  });

  it('rotates into events-<firstSeq>.jsonl and replays across segments', () => {
    const j = Journal.open(tmp.path, { maxSegmentBytes: 1000 });
    const written: JournalRecord[] = [];
    for (let i = 0; i < 100; i++) written.push(j.append(NOTE, note({ i, pad: 'x'.repeat(i % 13) })));
    const files = readdirSync(join(tmp.path, 'journal')).sort();
    expect(files.length).toBeGreaterThan(5);
    expect(files[0]).toBe('events-000000000001.jsonl');
    expect(files.at(-1)).toBe('events.jsonl');
    for (const f of files) expect(readFileSync(join(tmp.path, 'journal', f)).length).toBeLessThanOrEqual(1000);
    expect([...j.replay()]).toEqual(written);
    expect([...j.replay(57)].map((r) => r.seq)).toEqual(written.slice(57).map((r) => r.seq));
    j.close();
    const k = Journal.open(tmp.path, { maxSegmentBytes: 1000 });
    expect(k.lastSeq).toBe(100);
    expect([...k.replay()].map((r) => r.seq)).toEqual(written.map((r) => r.seq));
    k.close();
  });

  it('compact deletes only segments fully covered, and replay then refuses to skip the gap', () => {
    const j = Journal.open(tmp.path, { maxSegmentBytes: 600 });
    for (let i = 0; i < 60; i++) j.append(NOTE, note({ i }));
    const segsBefore = readdirSync(join(tmp.path, 'journal')).filter((f) => f.startsWith('events-'));
    const removed = j.compact(30);
    expect(removed.length).toBeGreaterThan(0);
    const first = j.firstSeq;
    expect(first).toBeLessThanOrEqual(31);
    expect(first).toBeGreaterThan(1);
    const left = readdirSync(join(tmp.path, 'journal')).filter((f) => f.startsWith('events-'));
    expect(left.length + removed.length).toBe(segsBefore.length);
    expect([...j.replay(30)][0]?.seq).toBe(31);
    expect(() => [...j.replay(0)]).toThrow(/has no records 1\.\./);
    expect([...j.replay(first - 1)]).toHaveLength(60 - first + 1);
    j.close();
  });

  it('an empty or missing active file after a rotation crash: lastSeq comes from the newest segment', () => {
    const j = Journal.open(tmp.path, { maxSegmentBytes: 500 });
    for (let i = 0; i < 30; i++) j.append(NOTE, note({ i }));
    j.close();
    // Crash between "rename events.jsonl to a segment" and "create the new events.jsonl".
    const firstOfActive = (JSON.parse(readFileSync(activePath(), 'utf8').split('\n')[0] as string) as JournalRecord).seq;
    const seg = join(tmp.path, 'journal', segmentName(firstOfActive));
    renameSync(activePath(), seg);
    expect(existsSync(activePath())).toBe(false);
    const k = Journal.open(tmp.path, { maxSegmentBytes: 500 });
    expect(k.lastSeq).toBe(30);
    // While the active file is empty, compact keeps the newest segment: the last seq stays on disk.
    expect(k.compact(1000)).not.toContain(segmentName(firstOfActive));
    expect(existsSync(seg)).toBe(true);
    k.close();
    expect(Journal.open(tmp.path).lastSeq).toBe(30);
    const m = Journal.open(tmp.path);
    expect(m.append(NOTE, note({})).seq).toBe(31);
    expect([...m.replay(29)].map((r) => r.seq)).toEqual([30, 31]);
    m.close();
  });
});

describe('Journal at scale', () => {
  it('replays 100k records quickly (timing printed, not asserted)', () => {
    const dir = join(tmp.path, 'journal');
    mkdirSync(dir, { recursive: true });
    const N = 100_000;
    const parts: Buffer[] = [];
    const ts = Date.now();
    for (let s = 1; s <= N; s++) parts.push(encodeRecord(s, ts + s, 'message.delivered', { id: `m${s}`, agent: `agent-${s % 16}`, bytes: s % 977 }).line);
    const data = Buffer.concat(parts);
    writeFileSync(join(dir, 'events.jsonl'), data);

    let t = performance.now();
    const j = Journal.open(tmp.path);
    const openMs = performance.now() - t;
    expect(j.lastSeq).toBe(N);
    t = performance.now();
    let count = 0;
    let last = 0;
    for (const r of j.replay()) {
      count++;
      last = r.seq;
    }
    const replayMs = performance.now() - t;
    expect(count).toBe(N);
    expect(last).toBe(N);
    j.close();
    console.log(
      `[bench] 100k records (${(data.length / 1048576).toFixed(1)} MiB): open+verify ${openMs.toFixed(0)} ms, replay ${replayMs.toFixed(0)} ms`,
    );
  });
});
