import { describe, expect, it } from 'vitest';
import { ID_PATTERN, IdGenerator, compareIds, formatId, newestTime, parseId, wallClockNs } from '../../../src/bus/ids.js';

const T0 = 1_760_000_000_000_000_000n;

function clockOf(values: bigint[]): () => bigint {
  let i = 0;
  return () => values[Math.min(i++, values.length - 1)]!;
}

describe('message ids', () => {
  it('look like <19-digit ns>.<sender>.<6-digit seq>.<pid> and parse back', () => {
    const ids = new IdGenerator({ clock: () => T0, pid: 4242 });
    const id = ids.next('agent-1');
    expect(id).toBe('1760000000000000000.agent-1.000000.4242');
    expect(id).toMatch(ID_PATTERN);
    expect(id).not.toMatch(/[:/]|^\./);
    expect(parseId(id)).toEqual({ timeNs: T0, sender: 'agent-1', seq: 0, pid: 4242 });
    expect(formatId({ timeNs: T0, sender: 'a', seq: 1_000_007, pid: 1 })).toBe('1760000000000000000.a.000007.1');
  });

  it('refuses what is not an id', () => {
    for (const bad of ['', '.1760000000000000000.a.000000.1', '176.a.000000.1', '1760000000000000000.A.000000.1',
      '1760000000000000000.a.0.1', '1760000000000000000.a.000000.1:2,D', '0000000000000000000.a.000000.1', '1760000000000000000.../x.000000.1']) {
      expect(parseId(bad), bad).toBeNull();
    }
  });

  it('stay strictly increasing when the clock steps backwards (B14), in time, then sequence', () => {
    const ids = new IdGenerator({ clock: clockOf([T0 + 100n, T0 + 50n, T0 + 10n, T0 - 3_600_000_000_000n, T0 + 200n]), pid: 7 });
    const out = Array.from({ length: 5 }, () => ids.next('alice'));
    expect(out.map((id) => parseId(id)!.timeNs - T0)).toEqual([100n, 101n, 102n, 103n, 200n]);
    expect(out.map((id) => parseId(id)!.seq)).toEqual([0, 1, 2, 3, 4]);
    expect([...out].sort(compareIds)).toEqual(out);
    expect(new Set(out).size).toBe(5);
  });

  it('sort after a floor (the newest pending id), even far behind it', () => {
    const ids = new IdGenerator({ clock: () => T0, pid: 7 });
    const floor = T0 + 3_600_000_000_000n;
    expect(parseId(ids.next('a', floor))!.timeNs).toBe(floor + 1n);
    expect(parseId(ids.next('a'))!.timeNs).toBe(floor + 2n); // and never go back below it
  });

  it('sort as text by time, then sender, then sequence', () => {
    const ids = [
      formatId({ timeNs: T0 + 1n, sender: 'a', seq: 0, pid: 1 }),
      formatId({ timeNs: T0, sender: 'zed', seq: 9, pid: 99999 }),
      formatId({ timeNs: T0, sender: 'bob', seq: 10, pid: 1 }),
      formatId({ timeNs: T0, sender: 'bob', seq: 2, pid: 5 }),
      formatId({ timeNs: T0 + 1_000_000_000n, sender: 'a', seq: 0, pid: 1 }),
    ];
    expect([...ids].sort(compareIds)).toEqual([ids[3], ids[2], ids[1], ids[0], ids[4]]);
  });

  it('newestTime takes the newest id among names, skipping junk and far-future names', () => {
    const names = [
      formatId({ timeNs: T0, sender: 'a', seq: 0, pid: 1 }),
      formatId({ timeNs: T0 + 5n, sender: 'b', seq: 0, pid: 1 }),
      'zzz-junk',
      '.hidden',
      formatId({ timeNs: T0 + 10n * 86_400_000_000_000n, sender: 'c', seq: 0, pid: 1 }),
    ];
    expect(newestTime(names, T0)).toBe(T0 + 5n);
    expect(newestTime([], T0)).toBe(0n);
  });

  it('the default clock is nanoseconds since the epoch, close to Date.now()', () => {
    const before = BigInt(Date.now()) * 1_000_000n;
    const t = wallClockNs();
    const after = BigInt(Date.now() + 1) * 1_000_000n;
    expect(t >= before && t <= after).toBe(true);
    expect(t.toString()).toHaveLength(19);
    const ids = new IdGenerator();
    const many = Array.from({ length: 10_000 }, () => ids.next('x'));
    expect(new Set(many).size).toBe(10_000);
    expect([...many].sort(compareIds)).toEqual(many);
  });
});
