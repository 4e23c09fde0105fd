/**
 * Reading a line of `capture-pane -p -e` output as a person sees it. Programs show placeholders
 * and suggestions in dim text (Claude Code's `Press up to edit queued messages`, zsh's
 * autosuggestions): that is not typed input, so `typedText` drops dim cells, and the
 * reverse-video cursor cell in front of them.
 */
export interface Cell {
  ch: string;
  dim: boolean;
  reverse: boolean;
}

const SGR = /^\x1b\[([0-9;:]*)m/;
const OTHER_ESC = /^\x1b(?:\[[0-9;:?]*[A-Za-z]|\][^\x07\x1b]*(?:\x07|\x1b\\)|.)/;

export function cells(line: string): Cell[] {
  const out: Cell[] = [];
  let dim = false;
  let reverse = false;
  for (let i = 0; i < line.length; ) {
    const rest = line.slice(i);
    const sgr = SGR.exec(rest);
    if (sgr) {
      const ps = (sgr[1] ?? '').split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
      for (let k = 0; k < ps.length; k++) {
        const p = ps[k];
        if (p === 0) [dim, reverse] = [false, false];
        else if (p === 2) dim = true;
        else if (p === 22) dim = false;
        else if (p === 7) reverse = true;
        else if (p === 27) reverse = false;
        // 38/48/58 carry a colour: skip its 2 (256-colour) or 4 (RGB) parameters
        else if (p === 38 || p === 48 || p === 58) k += ps[k + 1] === 5 ? 2 : ps[k + 1] === 2 ? 4 : 0;
      }
      i += sgr[0].length;
      continue;
    }
    const esc = rest.startsWith('\x1b') ? OTHER_ESC.exec(rest) : null;
    if (esc) {
      i += esc[0].length;
      continue;
    }
    const ch = String.fromCodePoint(rest.codePointAt(0) ?? 0);
    out.push({ ch, dim, reverse });
    i += ch.length;
  }
  return out;
}

export function plain(cs: readonly Cell[]): string {
  return cs.map((c) => c.ch).join('');
}

/** The line without escapes and without dim text (placeholders, suggestions). */
export function typedText(ansiLine: string): string {
  const cs = cells(ansiLine);
  return plain(cs.filter((c, k) => !c.dim && !(c.reverse && cs[k + 1]?.dim)));
}
