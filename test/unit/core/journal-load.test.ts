/**
 * F3 (torn tail at every byte offset of the last record) and F4 (damage in the middle followed by
 * valid records: refuse with file:line, repairJournal fixes it). RELIABILITY.md, fault tests.
 */
import { appendFileSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MiyabiError } from '../../../src/core/errors.js';
import { Journal, type JournalRecord, replayJournal } from '../../../src/core/journal.js';
import { repairJournal } from '../../../src/core/journal-repair.js';
import { NOTE, note, noted } from '../../helpers/events.js';
import { useTmpRoot } from './tmp-root.js';

const tmp = useTmpRoot();
const jdir = () => join(tmp.path, 'journal');
const active = () => join(jdir(), 'events.jsonl');

function seed(n: number, options: { maxSegmentBytes?: number } = {}): JournalRecord[] {
  const j = Journal.open(tmp.path, { fsync: 'always', ...options });
  const out: JournalRecord[] = [];
  for (let i = 1; i <= n; i++) out.push(j.append(NOTE, note({ i, text: `hello ${i} é✓` })));
  j.close();
  return out;
}

function brokenFiles(): string[] {
  return readdirSync(jdir()).filter((f) => f.includes('.broken-')).sort();
}

function lines(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  for (let nl = buf.indexOf(10); nl !== -1; nl = buf.indexOf(10, at)) {
    out.push(buf.subarray(at, nl + 1));
    at = nl + 1;
  }
  return out;
}

function openError(): MiyabiError {
  try {
    Journal.open(tmp.path).close();
  } catch (e) {
    expect(e).toBeInstanceOf(MiyabiError);
    return e as MiyabiError;
  }
  throw new Error('Journal.open did not refuse');
}

describe('F3: torn tail at every byte offset of the last record', () => {
  it('keeps the complete records, moves the tail to .broken, journals the repair, continues the seq', () => {
    const written = seed(4);
    const full = readFileSync(active());
    const last = lines(full).at(-1) as Buffer;
    const prefix = full.subarray(0, full.length - last.length);
    // k = 1 … last.length - 1: every cut, including "whole record but no \n".
    for (let k = 1; k < last.length; k++) {
      rmSync(jdir(), { recursive: true });
      seed(0);
      writeFileSync(active(), Buffer.concat([prefix, last.subarray(0, k)]));

      const j = Journal.open(tmp.path);
      expect(j.lastSeq, `cut at ${k}`).toBe(4); // 3 kept + the repair record
      const next = j.append(NOTE, note({ k }));
      expect(next.seq).toBe(5);
      const replayed = [...j.replay()];
      j.close();

      expect(replayed.slice(0, 3)).toEqual(written.slice(0, 3));
      const repair = replayed[3] as JournalRecord;
      expect(repair.type).toBe('journal.tail-repaired');
      const broken = brokenFiles();
      expect(broken).toHaveLength(1);
      expect(repair.payload).toMatchObject({ file: 'events.jsonl', line: 4, offset: prefix.length, bytes: k, movedTo: broken[0] });
      expect(readFileSync(join(jdir(), broken[0] as string))).toEqual(last.subarray(0, k));
      expect(replayed[4]).toEqual(next);
    }
  });

  it('a torn first record leaves an empty journal that starts again at seq 1', () => {
    seed(1);
    const full = readFileSync(active());
    writeFileSync(active(), full.subarray(0, 10));
    const j = Journal.open(tmp.path);
    expect([...j.replay()].map((r) => [r.seq, r.type])).toEqual([[1, 'journal.tail-repaired']]);
    j.close();
  });

  it('garbage after the last record (zeros, several bad lines) goes to .broken as one tail', () => {
    seed(3);
    appendFileSync(active(), Buffer.concat([Buffer.from('{"seq":4,"ts":1,"typ\n'), Buffer.alloc(300), Buffer.from('\nnot json\n')]));
    const j = Journal.open(tmp.path);
    expect(j.lastSeq).toBe(4);
    const repair = [...j.replay(3)][0] as JournalRecord;
    expect(repair.payload).toMatchObject({ line: 4, bytes: 21 + 300 + 10 });
    expect(String((repair.payload as { reason: string }).reason)).toMatch(/bad JSON/);
    j.close();
    expect(Journal.open(tmp.path).lastSeq).toBe(4); // idempotent: nothing left to repair
  });
});

describe('F4: damage in the middle followed by valid records', () => {
  it('a bad CRC: refuses with file:line and a repair hint, touching nothing; repairJournal fixes it', () => {
    seed(10);
    const full = readFileSync(active());
    const ls = lines(full);
    const bad = Buffer.from(ls[3] as Buffer);
    bad[bad.indexOf('hello') + 1] = 'E'.charCodeAt(0); // still valid JSON, wrong CRC
    const damaged = Buffer.concat([...ls.slice(0, 3), bad, ...ls.slice(4)]);
    writeFileSync(active(), damaged);

    const err = openError();
    expect(err.code).toBe('JOURNAL_CORRUPT');
    expect(err.message).toMatch(new RegExp(`^${active().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4: CRC mismatch`));
    expect(err.message).toContain('valid records follow at line 5');
    expect(err.hint).toContain('miyabi doctor --repair');
    expect(readFileSync(active())).toEqual(damaged);
    expect(brokenFiles()).toEqual([]);

    const report = repairJournal(tmp.path);
    expect(report).toMatchObject({ repaired: true, file: 'events.jsonl', line: 4, lastSeq: 3 });
    expect(report.reason).toMatch(/CRC mismatch/);
    expect(readFileSync(join(jdir(), report.movedTo[0] as string))).toEqual(Buffer.concat([bad, ...ls.slice(4)]));

    const j = Journal.open(tmp.path);
    const rs = [...j.replay()];
    expect(rs.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    expect(rs[3]).toMatchObject({ type: 'journal.repaired', payload: { line: 4, keptLastSeq: 3 } });
    expect(j.append(NOTE, note({})).seq).toBe(5);
    j.close();
    expect(repairJournal(tmp.path).repaired).toBe(false);
  });

  it('bad JSON and a duplicated record are refused the same way', () => {
    seed(5);
    const ls = lines(readFileSync(active()));
    writeFileSync(active(), Buffer.concat([ls[0] as Buffer, Buffer.from('{"seq":2,"ts":\n'), ...ls.slice(1)]));
    expect(openError().message).toMatch(/events\.jsonl:2: bad JSON/);
    writeFileSync(active(), Buffer.concat([...ls.slice(0, 3), ls[1] as Buffer, ...ls.slice(3)]));
    expect(openError().message).toMatch(/events\.jsonl:4: seq 2 where 4 was expected/);
  });

  it('damage inside a rotated segment: replay names the segment; repair moves the rest aside', () => {
    const written = seed(40, { maxSegmentBytes: 700 });
    const segs = readdirSync(jdir()).filter((f) => f.startsWith('events-')).sort();
    expect(segs.length).toBeGreaterThan(3);
    const victim = join(jdir(), segs[1] as string);
    const ls = lines(readFileSync(victim));
    const bad = Buffer.from(ls[1] as Buffer);
    bad[bad.length - 5] = bad[bad.length - 5] === 0x31 ? 0x32 : 0x31; // flip a crc digit
    writeFileSync(victim, Buffer.concat([ls[0] as Buffer, bad, ...ls.slice(2)]));

    const j = Journal.open(tmp.path); // the active file is fine; segments are checked on replay
    expect(() => [...j.replay()]).toThrow(new RegExp(`${segs[1]}:2: CRC mismatch`));
    j.close();

    const firstOfVictim = Number(/events-(\d+)/.exec(segs[1] as string)?.[1]);
    const report = repairJournal(tmp.path);
    expect(report).toMatchObject({ repaired: true, file: segs[1], line: 2, lastSeq: firstOfVictim });
    // The rest of that segment plus every later file, each in a .broken file; nothing deleted.
    expect(report.movedTo).toHaveLength(1 + (segs.length - 2) + 1);
    const k = Journal.open(tmp.path);
    const rs = [...k.replay()];
    expect(rs.slice(0, firstOfVictim)).toEqual(written.slice(0, firstOfVictim));
    expect(rs.at(-1)).toMatchObject({ seq: firstOfVictim + 1, type: 'journal.repaired' });
    k.close();
  });

  it('a segment whose records do not follow the previous one is damage too', () => {
    seed(30, { maxSegmentBytes: 700 });
    const segs = readdirSync(jdir()).filter((f) => f.startsWith('events-')).sort();
    rmSync(join(jdir(), segs[1] as string)); // a hole
    const j = Journal.open(tmp.path);
    expect(() => [...j.replay()]).toThrow(/seq \d+ where \d+ was expected/);
    j.close();
    expect(repairJournal(tmp.path)).toMatchObject({ repaired: true, file: segs[2], line: 1 });
    const rs = [...replayJournal(tmp.path)];
    expect(rs.map((r) => r.seq)).toEqual(rs.map((_, i) => i + 1));
  });
});
