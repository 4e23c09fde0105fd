import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { colsMark, renderText } from '../../../src/core/render-text.js';
import { OutputTracker, cutsNothing } from '../../../src/delivery/output-tracker.js';

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
    await expect.poll(() => log('sh', 'log')).toBe('$\r\n');
  });

  it('the raw log\'s seed ends where the cursor was, so bash\'s redraw of a paste lands over its prompt', async () => {
    const { t, log } = tracker();
    t.track('%1', 'sh');
    t.seed('%1', 'welcome\nroot@host:/work# \n\n', 17);
    // A stream: its bytes reach the file a little later, the sooner on a quiet machine.
    await expect.poll(() => log('sh')).toBe('welcome\nroot@host:/work#\n');
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

describe('the pane width in the raw log', () => {
  it('is marked before a seeded screen, and again at the next line start once the pane is resized', async () => {
    const { t, log } = tracker();
    t.track('%1', 'sh');
    t.resize('%1', 39);
    t.seed('%1', 'root@vm:/tmp/newuser# ', 22);
    t.feed('%1', Buffer.from('echo hi'));
    t.resize('%1', 99);
    t.feed('%1', Buffer.from('\x1b[')); // half an escape: no mark may come between its halves
    t.feed('%1', Buffer.from('Kdone\r\n'));
    t.feed('%1', Buffer.from('next'));
    t.untrack('%1');
    await expect.poll(() => log('sh', 'log')).toBe(`${colsMark(39)}root@vm:/tmp/newuser#\x1b[23Gecho hi\x1b[Kdone\r\n${colsMark(99)}next`);
  });

  it('is marked after the first read that ends cleanly: a prompt bash redraws on a resize, not only a line end', async () => {
    const { t, log } = tracker();
    t.track('%1', 'sh');
    t.resize('%1', 39);
    t.feed('%1', Buffer.from('$ \r\n'));
    t.resize('%1', 99);
    t.feed('%1', Buffer.from('\x1b]0;tit')); // an OSC not yet ended
    t.feed('%1', Buffer.from('le\x07\r\x1b[K$ '));
    t.feed('%1', Buffer.from('typed'));
    t.untrack('%1');
    await expect.poll(() => log('sh', 'log')).toBe(`$ \r\n${colsMark(39)}\x1b]0;title\x07\r\x1b[K$ ${colsMark(99)}typed`);
  });

  it('never cuts a character or an escape sequence in half', () => {
    expect(cutsNothing(Buffer.from('plain $ '))).toBe(true);
    expect(cutsNothing(Buffer.from('colour \x1b[31mred\x1b[0m'))).toBe(true);
    expect(cutsNothing(Buffer.from('title \x1b]0;x\x1b\\'))).toBe(true);
    expect(cutsNothing(Buffer.from('half \x1b['))).toBe(false);
    expect(cutsNothing(Buffer.from('half \x1b[3'))).toBe(false);
    expect(cutsNothing(Buffer.from('osc \x1b]0;still going'))).toBe(false);
    expect(cutsNothing(Buffer.from('bare \x1b'))).toBe(false);
    const yen = Buffer.from('¥ 日本');
    expect(cutsNothing(yen)).toBe(true);
    expect(cutsNothing(yen.subarray(0, yen.length - 1))).toBe(false); // the last of 本's three bytes missing
    expect(cutsNothing(yen.subarray(0, 1))).toBe(false); // ¥'s lead byte alone
  });

  it('is marked again after 32 KB, so a read of the last 64 KB always holds one', async () => {
    const { t, log } = tracker();
    t.track('%1', 'sh');
    t.resize('%1', 80);
    const line = `${'x'.repeat(1023)}\n`;
    for (let i = 0; i < 40; i++) t.feed('%1', Buffer.from(line));
    t.untrack('%1');
    // The first at the first line end, the next 32 lines (32 KB) later (polled: the log is a stream).
    await expect.poll(async () => (await log('sh', 'log')).split(colsMark(80)).map((part) => part.length)).toEqual([1024, 32 * 1024, 7 * 1024]);
  });
});
