/**
 * Text as a terminal would show it, line by line: a carriage return goes back to the line's start
 * and what follows overwrites it (progress bars), a backspace steps back one column, and escape
 * sequences (colours, cursor moves) are dropped. Used where output logs are read back to people
 * (`miyabi tail`, the dashboard's preview).
 */
// CSI … final byte, OSC … BEL/ST, and two-byte escapes.
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

export function renderLine(raw: string): string {
  const cells: string[] = [];
  let col = 0;
  for (const ch of raw.replace(ESCAPES, '')) {
    if (ch === '\r') col = 0;
    else if (ch === '\b') col = Math.max(0, col - 1);
    else if (ch === '\t') {
      const next = (Math.floor(col / 8) + 1) * 8;
      while (col < next) cells[col++] ??= ' ';
    } else if (ch >= ' ' || ch > '\x7f') {
      cells[col++] = ch;
    }
  }
  for (let i = 0; i < cells.length; i++) cells[i] ??= ' ';
  return cells.join('');
}

/** Every line rendered; a trailing CR before the newline (CRLF) changes nothing. */
export function renderText(raw: string): string {
  return raw.split('\n').map((l) => renderLine(l.endsWith('\r') ? l.slice(0, -1) : l)).join('\n');
}
