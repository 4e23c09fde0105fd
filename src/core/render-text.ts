/**
 * Text as a terminal would show it, line by line: a carriage return goes back to the row's start
 * and what follows overwrites it (progress bars), a backspace steps back one column, and the
 * cursor moves and erases that stay on one line are applied (bash/readline redraws a pasted or
 * edited line with CR, `ESC[nC`, `ESC[K`, `ESC[n@`, `ESC[nP`; CLIs use `ESC[nG`, `ESC[2K`). At
 * the pane's width, when the log says it, a long line wraps onto rows and moves up and down stay
 * within it (a wrapped line's redraw). Other escapes (colours, moves to other lines) are dropped.
 * Used where output logs are read back to people (`miyabi tail`, the dashboard's preview), from
 * the raw log so these sequences are there.
 */
// CSI (params, intermediates, final) and OSC … BEL/ST: the escapes longer than two bytes.
const CSI = String.raw`\x1b\[([0-?]*)([ -/]*)([@-~])`;
const OSC = String.raw`\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)`;
// Those, two-byte escapes, or one character.
const TOKENS = new RegExp(String.raw`${CSI}|${OSC}|\x1b[@-Z\\-_]?|[^]`, 'gu');
// A whole escape at the start (`[` and `]` only begin the longer ones).
const WHOLE_ESCAPE = new RegExp(String.raw`^(?:${CSI}|${OSC}|\x1b[@-Z\\^_])`);

/** Whether `text`, which starts with ESC, holds the whole escape sequence (not the first bytes of one). */
export function wholeEscape(text: string): boolean {
  return WHOLE_ESCAPE.test(text);
}

// Two columns in a terminal (CJK, Hangul, full-width forms, most emoji): readline counts them so.
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]/u;
// The second column of a wide character.
const CONT = '';

/**
 * `cols`: the terminal's width when the line was written (the controller marks it in the raw log,
 * see COLS_MARK). Known, a long line wraps onto rows of that width and a move up a row (`ESC M`,
 * `ESC[nA`: bash redraws a wrapped pasted line so) stays within the line; unknown, the line is one
 * row as wide as it needs.
 */
export function renderLine(raw: string, cols?: number): string {
  const cells: string[] = [];
  let row = 0;
  let col = 0;
  const w = cols !== undefined && cols > 0 ? cols : 0;
  const at = () => row * w + col;
  // The row's end, or the line's when it has no width.
  const rowEnd = () => (w ? row * w + w : Number.POSITIVE_INFINITY);
  const lastRow = () => rowEnd() >= cells.length;
  // A cell about to be overwritten may be half of a wide character: its other half goes blank.
  const unpair = (i: number) => {
    if (cells[i] === CONT && i > 0) cells[i - 1] = ' ';
    if (cells[i + 1] === CONT) cells[i + 1] = ' ';
  };
  const blank = (from: number, to: number) => {
    for (let i = from; i < Math.min(to, cells.length); i++) cells[i] = ' ';
  };
  // Pending wrap: a character written past the last column goes to the next row's first.
  const wrap = () => {
    if (w && col >= w) {
      row++;
      col = 0;
    }
  };
  for (const m of raw.matchAll(TOKENS)) {
    const t = m[0];
    const final = m[3];
    if (final !== undefined) {
      // Private (`?2004h`) and intermediate-byte sequences are not line edits.
      if (m[2] || !/^[\d;]*$/.test(m[1] ?? '')) continue;
      const p = Number((m[1] ?? '').split(';')[0] || 0);
      const n = Math.max(1, p);
      if ('KP@'.includes(final)) unpair(at());
      if (final === 'C') col = w ? Math.min(w - 1, col + n) : col + n;
      else if (final === 'D') col = Math.max(0, Math.min(col, w ? w - 1 : col) - n);
      else if (final === 'G') col = w ? Math.min(w, n) - 1 : n - 1;
      else if (final === 'A') row = w ? Math.max(0, row - n) : 0;
      else if (final === 'B') row = w ? row + n : 0;
      else if (final === 'K') {
        const start = w ? row * w : 0;
        if (p === 0) lastRow() ? (cells.length = Math.min(cells.length, at())) : blank(at(), rowEnd());
        else if (p === 1) blank(start, at() + 1);
        else if (p === 2) lastRow() ? (cells.length = Math.min(cells.length, start)) : blank(start, rowEnd());
      } else if ((final === 'P' || final === '@') && at() < cells.length) {
        const end = Math.min(rowEnd(), cells.length);
        const rest = cells.slice(at(), end);
        const edited = final === 'P' ? rest.slice(n) : [...Array<string>(n).fill(' '), ...rest];
        // In a row of known width what is pushed past its end is gone, and what is pulled in is blank.
        const fitted = !w ? edited : lastRow() ? edited.slice(0, rowEnd() - at()) : [...edited, ...Array<string>(n).fill(' ')].slice(0, rest.length);
        cells.splice(at(), end - at(), ...fitted);
      }
    } else if (t === '\x1bM') row = w ? Math.max(0, row - 1) : 0;
    else if (t === '\r') col = 0;
    else if (t === '\b') col = Math.max(0, Math.min(col, w ? w - 1 : col) - 1);
    else if (t === '\t') {
      wrap();
      const next = Math.min((Math.floor(col / 8) + 1) * 8, w || Number.POSITIVE_INFINITY);
      for (; col < next; col++) cells[at()] ??= ' ';
    } else if (t >= ' ' && t !== '\x7f') {
      wrap();
      // A wide character does not fit in the last column: it goes to the next row.
      if (w && col === w - 1 && WIDE.test(t)) {
        cells[at()] ??= ' ';
        col++;
        wrap();
      }
      unpair(at());
      cells[at()] = t;
      col++;
      if (WIDE.test(t)) {
        unpair(at());
        cells[at()] = CONT;
        col++;
      }
    }
  }
  for (let i = 0; i < cells.length; i++) cells[i] ??= ' ';
  return cells.join('');
}

/**
 * What the controller writes into a raw log to say the pane's width from there on
 * (delivery/output-tracker.ts): an OSC a terminal ignores, `ESC ] 7701 ; cols=N BEL`.
 */
export const colsMark = (cols: number): string => `\x1b]7701;cols=${cols}\x07`;
const COLS_MARK = /\x1b\]7701;cols=(\d+)\x07/g;
const FIRST_MARK = new RegExp(COLS_MARK.source);

/**
 * Every line rendered; a trailing CR before the newline (CRLF) changes nothing. Each line at the
 * width the last mark before it gives (one in the line counts for it); lines before the first
 * mark (a read from mid-file) at the first mark's width, the pane's most likely.
 */
export function renderText(raw: string): string {
  const first = FIRST_MARK.exec(raw);
  let cols = first ? Number(first[1]) : undefined;
  return raw
    .split('\n')
    .map((l) => {
      for (const m of l.matchAll(COLS_MARK)) cols = Number(m[1]);
      return renderLine(l.endsWith('\r') ? l.slice(0, -1) : l, cols);
    })
    .join('\n');
}
