import { describe, expect, it } from 'vitest';
import { mapLimit, serialize } from '../../../src/git/limit.js';

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('serialize', () => {
  it('runs calls with one key one at a time, in order, and past failures', async () => {
    const log: string[] = [];
    const job = (n: string, fail = false) => async () => {
      log.push(`start ${n}`);
      await tick();
      log.push(`end ${n}`);
      if (fail) throw new Error(n);
      return n;
    };
    const all = await Promise.allSettled([serialize('k', job('a')), serialize('k', job('b', true)), serialize('k', job('c'))]);
    expect(all.map((x) => x.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });
  it('lets different keys run side by side', async () => {
    const log: string[] = [];
    const job = (n: string) => async () => {
      log.push(`start ${n}`);
      await tick();
      log.push(`end ${n}`);
    };
    await Promise.all([serialize('x', job('x')), serialize('y', job('y'))]);
    expect(log.slice(0, 2)).toEqual(['start x', 'start y']);
  });
});

describe('mapLimit', () => {
  it('keeps at most `limit` calls in flight and the results in input order', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 4, 2, 3, 0], 2, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      for (let i = 0; i < n; i++) await tick();
      inFlight--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
    expect(peak).toBe(2);
    expect(await mapLimit([], 3, async () => 1)).toEqual([]);
  });
});
