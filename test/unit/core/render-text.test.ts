import { describe, expect, it } from 'vitest';
import { colsMark, renderLine, renderText } from '../../../src/core/render-text.js';

// Bytes bash 5.2 (--norc, PS1='root@host:/work# ') wrote to a tmux 3.3a pane, recorded with
// pipe-pane: a line pasted the way miyabi types (load-buffer, paste-buffer -p -r), then Enter.
// Bash shows the paste in reverse video, then redraws it: CR, one ESC[C per prompt column, the text.
const PROMPT = 'root@host:/work# ';
const FWD17 = '\x1b[C'.repeat(17);
const PASTE_AND_ENTER =
  '\x1b[?2004hroot@host:/work# \x1b[7mhello from the conductor\x1b[27m\r' + FWD17 + 'hello from the conductor\r\n' +
  '\x1b[?2004l\rbash: hello: command not found\r\n' +
  '\x1b[?2004hroot@host:/work# ';

describe('renderLine: what bash writes', () => {
  it('shows a pasted line once (bash redraws it after CR with ESC[C moves over the prompt)', () => {
    // With the escapes stripped before the CR was applied (the old way, from the .txt log), the
    // redraw overwrote the prompt: `hello from the conductorrom the conductor`.
    expect(renderText(PASTE_AND_ENTER)).toBe(`${PROMPT}hello from the conductor\nbash: hello: command not found\n${PROMPT}`);
  });

  it('follows readline edits: backspace then ESC[K, insert by rewriting, ESC[1@ at the line start', () => {
    // `echo abcdef`, BSpace, Left Left, X, C-a, Y (each key's output as recorded).
    const keys = 'echo abcdef' + '\b\x1b[K' + '\b\b' + 'Xde\b\b' + '\b'.repeat(9) + '\x1b[1@Y';
    expect(renderLine(PROMPT + keys)).toBe(`${PROMPT}Yecho abcXde`);
    // C-e, C-u: forward over the text, back to the prompt's end, erase the rest.
    const kill = FWD17.slice(0, 11 * 3) + '\b'.repeat(12) + '\x1b[K';
    expect(renderLine(PROMPT + keys + kill)).toBe(PROMPT);
  });

  it('follows readline deletes mid-line (ESC[1P), a word kill (ESC[K) and the yank', () => {
    // `abcdefgh`, Left×3, BSpace, C-d, Delete, M-b, M-d, C-y.
    const keys = 'abcdefgh' + '\b\b\b' + '\b\x1b[1Pfgh\b\b\b' + '\x1b[1Pgh\b\b' + '\x1b[1Ph\b';
    expect(renderLine(PROMPT + keys)).toBe(`${PROMPT}abcdh`);
    expect(renderLine(PROMPT + keys + '\b\b\b\b' + '\x1b[K')).toBe(PROMPT);
    expect(renderLine(PROMPT + keys + '\b\b\b\b' + '\x1b[K' + 'abcdh')).toBe(`${PROMPT}abcdh`);
  });

  it('recalls history over the current line: CR, ESC[C to the prompt end, the line, ESC[K', () => {
    const recalled = PROMPT + 'hello from the conductor' + '\r' + FWD17 + '\x1b[K';
    expect(renderLine(recalled)).toBe(PROMPT);
  });
});

describe('renderLine: each line-local CSI', () => {
  it('ESC[nC moves right without writing; past the end leaves blanks only if something follows', () => {
    expect(renderLine('abcdef\r\x1b[2CX')).toBe('abXdef');
    expect(renderLine('ab\x1b[3CX')).toBe('ab   X');
    expect(renderLine('ab\x1b[3C')).toBe('ab');
    expect(renderLine('abcdef\r\x1b[CX')).toBe('aXcdef');
  });

  it('ESC[nD moves left, never before column 0', () => {
    expect(renderLine('abcdef\x1b[2DX')).toBe('abcdXf');
    expect(renderLine('abc\x1b[DX')).toBe('abX');
    expect(renderLine('abc\x1b[9DX')).toBe('Xbc');
  });

  it('ESC[nG goes to column n (1-based; 0 or none is the first)', () => {
    expect(renderLine('abcdef\x1b[3GX')).toBe('abXdef');
    expect(renderLine('abcdef\x1b[GX')).toBe('Xbcdef');
    expect(renderLine('abcdef\x1b[0GX')).toBe('Xbcdef');
    expect(renderLine('ab\x1b[5GX')).toBe('ab  X');
  });

  it('ESC[K erases to the end, ESC[1K to the start (inclusive), ESC[2K the whole line', () => {
    expect(renderLine('abcdef\x1b[3D\x1b[K')).toBe('abc');
    expect(renderLine('abcdef\x1b[3D\x1b[0K')).toBe('abc');
    expect(renderLine('abcdef\x1b[3D\x1b[1K')).toBe('    ef');
    expect(renderLine('abcdef\x1b[2K')).toBe('');
    // npm-style progress: whole-line erase, back to column 1, the new state.
    expect(renderLine('loading 10%\x1b[2K\x1b[1Gdone')).toBe('done');
  });

  it('ESC[nP deletes characters at the cursor, the rest moving left', () => {
    expect(renderLine('abcdef\x1b[4D\x1b[2P')).toBe('abef');
    expect(renderLine('abc\x1b[P')).toBe('abc');
  });

  it('ESC[n@ inserts blanks at the cursor, the rest moving right', () => {
    expect(renderLine('abcdef\x1b[4D\x1b[2@XY')).toBe('abXYcdef');
    expect(renderLine('abc\x1b[@')).toBe('abc');
  });

  it('still drops colours, private modes, OSC titles and moves to other lines', () => {
    expect(renderLine('\x1b[1;31mred\x1b[0m \x1b]0;title\x07ok\x1b[?25l\x1b[2A\x1bM')).toBe('red ok');
    expect(renderLine('\x1b[?2004hx')).toBe('x');
  });

  it('counts a wide character as two columns, as readline does when it moves over a prompt', () => {
    expect(renderLine('雅> \x1b[7mhi\x1b[27m\r\x1b[C\x1b[C\x1b[C\x1b[Chi')).toBe('雅> hi');
    // Overwriting half of a wide character blanks its other half.
    expect(renderLine('雅b\x1b[2DX')).toBe(' Xb');
  });

  it('keeps what it did before: CR, backspace, tab, CRLF', () => {
    expect(renderLine('progress 10%\rprogress 100%')).toBe('progress 100%');
    expect(renderLine('abc\b\bX')).toBe('aXc');
    expect(renderLine('a\tb')).toBe('a       b');
    expect(renderText('a\r\nb\rc')).toBe('a\nc');
  });
});

// Recorded from a real `miyabi up` at 80×24 (tmux 3.3a, bash 5.2): the agent's pane was 39
// columns, so prompt (22) and paste (29) wrapped; bash moved up a row (ESC M) and forward over
// the prompt before rewriting the line.
const WRAPPED_PASTE =
  '\x1b[?2004hroot@vm:/tmp/newuser# \x1b[7mecho hello from t\x1b[27m\x1b[7mh\x1b[27m\x1b[7me conductor\x1b[27m' +
  '\x1bM' + '\x1b[C'.repeat(10) + 'echo hello from the conductor\r\n' +
  '\x1b[?2004l\rhello from the conductor\r\n\x1b[?2004hroot@vm:/tmp/newuser# ';

describe('renderText at the width the controller marked', () => {
  it('shows a wrapped pasted line once: ESC M moves up a row of the pane, not off the line', () => {
    const marked = colsMark(39) + WRAPPED_PASTE;
    expect(renderText(marked)).toBe('root@vm:/tmp/newuser# echo hello from the conductor\nhello from the conductor\nroot@vm:/tmp/newuser# ');
    // Without the width the move up is lost and the redraw lands after the first echo.
    expect(renderText(WRAPPED_PASTE).split('\n')[0]).toMatch(/conductor +echo hello/);
  });

  it('uses each mark from its line on, and the first mark for lines before it (a read from mid-file)', () => {
    const line = '0123456789abcdefghijKLM\x1bMxy'; // 23 columns, then up a row and two more
    // At 20 columns the line is two rows: up a row is above "KLM", at column 3.
    expect(renderText(`${line}\n${colsMark(20)}${line}`)).toBe('012xy56789abcdefghijKLM\n012xy56789abcdefghijKLM');
    // After a resize to 30 the same bytes are one row: up a row stays on it, the two land at its end.
    expect(renderText(`${colsMark(20)}${line}\n${colsMark(30)}${line}`)).toBe('012xy56789abcdefghijKLM\n0123456789abcdefghijKLMxy');
  });

  it('keeps each row its width: ESC[P and ESC[@ edit their row only, ESC[C stops at its last column', () => {
    // Rows "0123456789" and "abc"; up to the first, column 2: delete 2, insert 1, forward past the end, write.
    expect(renderLine('0123456789abc\x1bM\r\x1b[2C\x1b[2P', 10)).toBe('01456789  abc');
    expect(renderLine('0123456789abc\x1bM\r\x1b[2C\x1b[2P\x1b[1@\x1b[20Cz', 10)).toBe('01 456789zabc');
  });
});
