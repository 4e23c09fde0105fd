import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OutputTracker } from '../../../src/delivery/output-tracker.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tracker(): { t: OutputTracker; dir: string; log: (n: string) => Promise<string> } {
  const dir = mkdtempSync(join(tmpdir(), 'miyabi-seed-'));
  dirs.push(dir);
  const t = new OutputTracker(dir);
  return {
    t, dir,
    // The log is a stream: closing it (untrack) flushes what was written.
    log: async (n) => {
      await new Promise((r) => setTimeout(r, 0));
      return readFileSync(join(dir, `${n}.txt`), 'utf8');
    },
  };
}

describe('a pane\'s first screen in its log', () => {
  it('an empty log gets the screen drawn before watching began, once, and never into the delivery window', async () => {
    const { t, log } = tracker();
    t.track('%1', 'sh');
    expect(t.unwritten()).toEqual(['%1']);
    t.seed('%1', '$ \n\n\n');
    t.seed('%1', 'again');
    expect(t.unwritten()).toEqual([]);
    expect(t.recent('%1')).toBe('');
    t.untrack('%1');
    await expect.poll(() => log('sh')).toBe('$\n');
  });

  it('a pane that printed first, or a log a controller before wrote, is not seeded', async () => {
    const { t, dir, log } = tracker();
    writeFileSync(join(dir, 'old.txt'), 'from the last controller\n');
    t.track('%1', 'live');
    t.track('%2', 'old');
    t.feed('%1', Buffer.from('hello\n'));
    expect(t.unwritten()).toEqual([]);
    t.seed('%1', 'screen');
    t.untrack('%1');
    t.untrack('%2');
    await expect.poll(() => log('live')).toBe('hello\n');
    expect(await log('old')).toBe('from the last controller\n');
  });
});
