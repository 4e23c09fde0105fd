/**
 * Text as a terminal would show it, line by line: a carriage return goes back to the line's start
 * and what follows overwrites it (progress bars), a backspace steps back one column, and the
 * cursor moves and erases that stay on one line are applied (bash/readline redraws a pasted or
 * edited line with CR, `ESC[nC`, `ESC[K`, `ESC[n@`, `ESC[nP`; CLIs use `ESC[nG`, `ESC[2K`). Other
 * escapes (colours, moves to other lines) are dropped. Used where output logs are read back to
 * people (`miyabi tail`, the dashboard's preview), from the raw log so these sequences are there.
 */
// CSI (params, intermediates, final), OSC … BEL/ST, two-byte escapes, or one character.
const TOKENS = /\x1b\[([0-?]*)([ -/]*)([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]?|[^]/gu;
// Two columns in a terminal (CJK, Hangul, full-width forms, most emoji): readline counts them so.
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]/u;
// The second column of a wide character.
const CONT = '';

export function renderLine(raw: string): string {
  const cells: string[] = [];
  let col = 0;
  // A cell about to be overwritten may be half of a wide character: its other half goes blank.
  const unpair = (i: number) => {
    if (cells[i] === CONT && i > 0) cells[i - 1] = ' ';
    if (cells[i + 1] === CONT) cells[i + 1] = ' ';
  };
  for (const m of raw.matchAll(TOKENS)) {
    const t = m[0];
    const final = m[3];
    if (final !== undefined) {
      // Private (`?2004h`) and intermediate-byte sequences are not line edits.
      if (m[2] || !/^[\d;]*$/.test(m[1] ?? '')) continue;
      const p = Number((m[1] ?? '').split(';')[0] || 0);
      const n = Math.max(1, p);
      if ('KP@'.includes(final)) unpair(col);
      if (final === 'C') col += n;
      else if (final === 'D') col = Math.max(0, col - n);
      else if (final === 'G') col = n - 1;
      else if (final === 'K') {
        if (p === 0) cells.length = Math.min(cells.length, col);
        else if (p === 1) for (let i = 0; i <= col && i < cells.length; i++) cells[i] = ' ';
        else if (p === 2) cells.length = 0;
      } else if (final === 'P' && col < cells.length) cells.splice(col, n);
      else if (final === '@' && col < cells.length) cells.splice(col, 0, ...Array<string>(n).fill(' '));
    } else if (t === '\r') col = 0;
    else if (t === '\b') col = Math.max(0, col - 1);
    else if (t === '\t') {
      const next = (Math.floor(col / 8) + 1) * 8;
      while (col < next) cells[col++] ??= ' ';
    } else if (t >= ' ' && t !== '\x7f') {
      unpair(col);
      cells[col++] = t;
      if (WIDE.test(t)) {
        unpair(col);
        cells[col++] = CONT;
      }
    }
  }
  for (let i = 0; i < cells.length; i++) cells[i] ??= ' ';
  return cells.join('');
}

/** Every line rendered; a trailing CR before the newline (CRLF) changes nothing. */
export function renderText(raw: string): string {
  return raw.split('\n').map((l) => renderLine(l.endsWith('\r') ? l.slice(0, -1) : l)).join('\n');
}
