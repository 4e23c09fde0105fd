/**
 * Reading a full-screen program's screen as a person does, to tell where a pasted text was drawn
 * and whether it is still there. A TUI draws runs of spaces as cursor moves (Claude Code's
 * `from\x1b[9Gconductor`, Codex's `plain\e[47;31Hwords`), wraps text in its own box and pads it
 * with borders: so text is compared with whitespace and box borders left out, across rows.
 */

/** One look at the visible screen: its rows as typed text (dim placeholders left out). */
export interface Shot {
  rows: string[];
  cursorY: number;
  /** The program switched to the alternate screen (a full-screen program). */
  alt: boolean;
}

/** Placeholders programs show instead of a long paste: Claude Code's and Codex's. */
export const PASTE_PLACEHOLDER = /\[Pasted text #\d+|\[Pasted Content \d+ chars\]/;

const GAPS = /[\s│┃|]+/g;

/** The text as compared on a screen: no whitespace, no box borders. */
export function flat(s: string): string {
  return s.replace(GAPS, '');
}

export interface Span {
  /** First and last row the text covers. */
  start: number;
  end: number;
}

/** Where `probe` is drawn last on the screen (it may wrap across rows), or null. */
export function findText(rows: readonly string[], probe: string, from = 0, to = rows.length - 1): Span | null {
  const want = flat(probe);
  if (want === '') return null;
  let joined = '';
  const rowAt: number[] = [];
  for (let y = Math.max(0, from); y <= Math.min(to, rows.length - 1); y++) {
    const f = flat(rows[y] ?? '');
    joined += f;
    for (let k = 0; k < f.length; k++) rowAt.push(y);
  }
  const i = joined.lastIndexOf(want);
  if (i < 0) return null;
  return { start: rowAt[i] as number, end: rowAt[i + want.length - 1] as number };
}

/** How many times `probe` is drawn on the screen (rows joined, so wrapped text counts once). */
export function countText(rows: readonly string[], probe: string): number {
  const want = flat(probe);
  if (want === '') return 0;
  const joined = rows.map(flat).join('');
  let n = 0;
  for (let i = joined.indexOf(want); i >= 0; i = joined.indexOf(want, i + want.length)) n++;
  return n;
}

/**
 * The input area of a program whose profile knows its input line: from the last row the pattern
 * matches (the composer sits below the transcript) down to the next rule row, or the screen's
 * end (blank rows inside a multi-line input belong to it; a footer below adds no false match).
 */
export function inputArea(rows: readonly string[], inputLine: RegExp): Span | null {
  for (let y = rows.length - 1; y >= 0; y--) {
    if (!inputLine.test(rows[y] ?? '')) continue;
    let end = y;
    while (end + 1 < rows.length && !isRule(rows[end + 1] ?? '')) end++;
    return { start: y, end };
  }
  return null;
}

/** What a person has typed in the input area: the input line's text and the rows that follow it up to a blank one. */
export function typedInArea(rows: readonly string[], inputLine: RegExp, area: Span): string {
  let text = inputLine.exec(rows[area.start] ?? '')?.groups?.input ?? '';
  for (let y = area.start + 1; y <= area.end && (rows[y] ?? '').trim() !== ''; y++) text += rows[y];
  return text;
}

function isRule(row: string): boolean {
  return /^[─━═╭╮╰╯┌┐└┘-]{3,}/.test(row.trim());
}

/** The text of rows `span` (inclusive), joined. */
export function rowsOf(rows: readonly string[], span: Span): string {
  return rows.slice(span.start, span.end + 1).join('\n');
}

/**
 * Whether the input area still holds the text: with a profile, the area its input line marks;
 * without one, the rows the text was first drawn on (a little either way, as a box grows by a
 * row when an Enter becomes a newline).
 */
export function holds(shot: Shot, probe: string, where: { inputLine?: RegExp; drawn?: Span }): boolean {
  if (where.inputLine) {
    const area = inputArea(shot.rows, where.inputLine);
    if (!area) return false;
    const text = rowsOf(shot.rows, area);
    return PASTE_PLACEHOLDER.test(text) || findText(shot.rows, probe, area.start, area.end) !== null;
  }
  if (!where.drawn) return false;
  const near = { start: where.drawn.start - 2, end: where.drawn.end + 2 };
  const text = rowsOf(shot.rows, { start: Math.max(0, near.start), end: near.end });
  return PASTE_PLACEHOLDER.test(text) || findText(shot.rows, probe, near.start, near.end) !== null;
}
