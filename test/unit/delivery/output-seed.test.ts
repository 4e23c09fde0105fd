import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderText } from '../../../src/core/render-text.js';
import { OutputTracker } from '../../../src/delivery/output-tracker.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tracker(): { t: OutputTracker; dir: string; log: (n: string, ext?: 'txt' | 'log') => Promise<string> } {
  const dir = mkdtempSync(join(tmpdir(), 'miyabi-seed-'));
  dirs.push(dir);
  const t = new OutputTracker(dir);
  return {
    t, dir,
    // The log is a stream: closing it (untrack) flushes what was written.
    log: async (n, ext = 'txt') => {
      await new Promise((r) => setTimeout(r, 0));
      return readFileSync(join(dir, `${n}.${ext}`), 'utf8');
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
    // No cursor given: the raw log's seed is whole lines too.
    expect(await log('sh', 'log')).toBe('$\r\n');
  });

  it('the raw log\'s seed ends where the cursor was, so bash\'s redraw of a paste lands over its prompt', async () => {
    const { t, log } = tracker();
    t.track('%1', 'sh');
    t.seed('%1', 'welcome\nroot@host:/work# \n\n', 17);
    expect(await log('sh')).toBe('welcome\nroot@host:/work#\n');
    // What bash 5.2 wrote for a pasted line and Enter (see test/unit/core/render-text.test.ts).
    t.feed('%1', Buffer.from('\x1b[7mhello from the conductor\x1b[27m\r' + '\x1b[C'.repeat(17) + 'hello from the conductor\r\n'));
    t.untrack('%1');
    await expect.poll(() => log('sh', 'log')).toContain('conductor\r\n');
    expect(await log('sh', 'log')).toMatch(/^welcome\r\nroot@host:\/work#\x1b\[18G\x1b\[7m/);
    expect(renderText(await log('sh', 'log'))).toBe('welcome\nroot@host:/work# hello from the conductor\n');
  });

  it('a cursor short of the last line\'s end (a full-screen program) closes the raw seed\'s last line', async () => {
    const { t, log } = tracker();
    t.track('%1', 'tui');
    t.seed('%1', '> input\n  status line', 3);
    t.untrack('%1');
    await expect.poll(() => log('tui', 'log')).toBe('> input\r\n  status line\r\n');
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
