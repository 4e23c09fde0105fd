import { MiyabiError } from '../core/errors.js';

/**
 * Window arrangements: what tmux calls a window's layout (`select-layout`), named so here to tell
 * it from the layout file (config/, SessionLayout) and the session spec built from it. tmux 3.3a's server CRASHES ("server exited unexpectedly", every pane gone) on
 * `select-layout` with a name it does not know (`vertical`, `main`, `zzz`; tmux#3450) and on a
 * valid layout string that describes fewer panes than the window has (verified on 3.3a), so a
 * layout reaches tmux only if it is one of the five names, or a layout string whose checksum
 * is right and whose pane count matches the window.
 */
export const NAMED_ARRANGEMENTS: ReadonlySet<string> = new Set([
  'even-horizontal',
  'even-vertical',
  'main-horizontal',
  'main-vertical',
  'tiled',
]);

/** tmux's layout checksum (layout.c layout_checksum) over the text after "xxxx,". */
export function layoutChecksum(body: string): string {
  let csum = 0;
  for (const b of Buffer.from(body, 'latin1')) {
    csum = ((csum >> 1) + ((csum & 1) << 15)) & 0xffff;
    csum = (csum + b) & 0xffff;
  }
  return csum.toString(16).padStart(4, '0');
}

/**
 * Counts the panes (leaf cells) of a layout body like `220x50,0,0{110x50,0,0,1,109x50,111,0,2}`;
 * null when it does not parse.
 */
export function layoutPaneCount(body: string): number | null {
  let i = 0;
  const num = (): boolean => {
    const m = /^\d+/.exec(body.slice(i));
    if (!m) return false;
    i += m[0].length;
    return true;
  };
  const lit = (c: string): boolean => (body[i] === c ? (i++, true) : false);
  const cell = (): number | null => {
    if (!(num() && lit('x') && num() && lit(',') && num() && lit(',') && num())) return null;
    const open = body[i];
    if (open === '{' || open === '[') {
      i++;
      const close = open === '{' ? '}' : ']';
      let n = 0;
      do {
        const c = cell();
        if (c === null) return null;
        n += c;
      } while (lit(','));
      return lit(close) ? n : null;
    }
    return lit(',') && num() ? 1 : null;
  };
  const n = cell();
  return n !== null && i === body.length ? n : null;
}

/** Throws CONFIG unless `layout` is safe to give tmux for a window of `panes` panes. */
export function assertArrangement(layout: string, panes: number, window: string): void {
  if (NAMED_ARRANGEMENTS.has(layout)) return;
  const m = /^([0-9a-f]{4}),(.*)$/.exec(layout);
  const hint = `use one of ${[...NAMED_ARRANGEMENTS].join(', ')}, or a layout string copied from \`tmux list-windows -F '#{window_layout}'\` for a window with the same number of panes`;
  if (!m) throw new MiyabiError('CONFIG', `window "${window}": unknown layout ${JSON.stringify(layout)}`, { hint });
  const count = layoutPaneCount(m[2]!);
  if (count === null || layoutChecksum(m[2]!) !== m[1]) {
    throw new MiyabiError('CONFIG', `window "${window}": layout string ${JSON.stringify(layout)} is not valid (bad syntax or checksum)`, { hint });
  }
  if (count !== panes) {
    throw new MiyabiError('CONFIG', `window "${window}": layout describes ${count} panes but the window has ${panes}`, { hint });
  }
}
