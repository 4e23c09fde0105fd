import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_DELIVERY as PROFILES } from '../../../src/agents/states/profiles.js';
import { echoed, stillTyped } from '../../../src/delivery/confirm.js';
import { OutputTracker } from '../../../src/delivery/output-tracker.js';
import { countText, findText, holds, inputArea, typedInArea, type Shot } from '../../../src/delivery/screen.js';
import { typedText } from '../../../src/delivery/screen-cells.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

const FIX = join(import.meta.dirname, '..', '..', 'agents', 'fixtures');
const claudeShot = (name: string): Shot => ({ rows: readFileSync(join(FIX, `${name}.ansi`), 'utf8').split('\n').map(typedText), cursorY: 0, alt: false });
const claude = PROFILES.claude!.inputLine!;
const codex = PROFILES.codex!.inputLine!;

describe('finding a pasted text on a screen', () => {
  it('finds text drawn with cursor moves for spaces, and wrapped across rows', () => {
    // capture-pane shows the cells; the program drew no spaces, the terminal left them blank.
    const rows = ['title', '› [from conductor #1a2b3c4d] please look at', '  the failing build   now', '───'];
    expect(findText(rows, 'look at the failing build now')).toEqual({ start: 1, end: 2 });
    expect(findText(rows, 'not there')).toBeNull();
  });

  it('sees the last place a text is drawn, and counts each', () => {
    const rows = ['> hello there', '', '› hello there'];
    expect(findText(rows, 'hello there')).toEqual({ start: 2, end: 2 });
    expect(countText(rows, 'hello there')).toBe(2);
  });

  it('an echo through the output stream counts with its cursor moves (Claude Code, Codex)', () => {
    const t = new OutputTracker(mkdtempSync(join(tmpdir(), 'miyabi-ot-')));
    t.track('%1', 'a');
    const mark = t.mark('%1');
    t.feed('%1', Buffer.from('\x1b[5;3H[from\x1b[9Gconductor #1a2b]\x1b[5;31Hplain\x1b[47;31Hwords'));
    expect(echoed(t, '%1', mark, '[from conductor #1a2b] plain words')).toBe(true);
    expect(echoed(t, '%1', mark, 'other words')).toBe(false);
    t.close();
  });

  it('a cursor line holding the text with its spaces drawn as moves still holds it', () => {
    expect(stillTyped('› [fromconductor] hi', '[from conductor] hi')).toBe(true);
    expect(stillTyped('› [Pasted Content 4118 chars]', 'anything')).toBe(true);
  });
});

describe("a full-screen agent's input area", () => {
  it('is the composer at the bottom, not the prompts in the transcript (Claude Code)', () => {
    const shot = claudeShot('claude-busy-typing');
    const area = inputArea(shot.rows, claude)!;
    expect(shot.rows[area.start]).toBe('❯\u00a0typed while busy');
    expect(typedInArea(shot.rows, claude, area)).toBe('typed while busy');
    expect(holds(shot, 'typed while busy', { inputLine: claude })).toBe(true);
    // The same words in the transcript above are not the input area.
    expect(holds(claudeShot('claude-queued'), 'please hold', { inputLine: claude })).toBe(false);
  });

  it('is empty when only a dim placeholder shows in it', () => {
    const shot = claudeShot('claude-queued');
    const area = inputArea(shot.rows, claude)!;
    expect(typedInArea(shot.rows, claude, area)).toBe('');
    expect(holds(shot, 'typed while busy', { inputLine: claude })).toBe(false);
  });

  it('holds a multi-line text with blank lines, and a long paste by its placeholder (Codex)', () => {
    const rows = ['> earlier turn', '', '› [from user #1] line one', '  line two', '', '  line four', '', '  ⏎ send'];
    expect(holds({ rows, cursorY: 7, alt: true }, 'line four', { inputLine: codex })).toBe(true);
    expect(typedInArea(rows, codex, inputArea(rows, codex)!)).toBe('[from user #1] line one  line two');
    const long = ['› [Pasted Content 4118 chars]', '', '  ⏎ send'];
    expect(holds({ rows: long, cursorY: 2, alt: true }, 'the end', { inputLine: codex })).toBe(true);
    const sent = ['> [from user #1] line one', '', '›', '', '  ⏎ send'];
    expect(holds({ rows: sent, cursorY: 4, alt: true }, 'line one', { inputLine: codex })).toBe(false);
  });

  it('without a profile: the rows the text was drawn on, give or take a row', () => {
    const drawn = { start: 10, end: 10 };
    const rows = (y: number, text: string) => Object.assign(new Array<string>(14).fill(''), { [y]: text });
    expect(holds({ rows: rows(9, '› hello'), cursorY: 13, alt: true }, 'hello', { drawn })).toBe(true);
    expect(holds({ rows: rows(2, '> hello'), cursorY: 13, alt: true }, 'hello', { drawn })).toBe(false);
  });
});
