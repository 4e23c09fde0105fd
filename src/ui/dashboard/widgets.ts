import blessed from 'blessed';
import type { Rect } from './layout.js';

/** The dashboard's blessed boxes. They only hold text the app computes (pure functions elsewhere). */
export interface Widgets {
  screen: blessed.Widgets.Screen;
  header: blessed.Widgets.BoxElement;
  table: blessed.Widgets.BoxElement;
  tableHead: blessed.Widgets.BoxElement;
  list: blessed.Widgets.ListElement;
  preview: blessed.Widgets.BoxElement;
  tabs: blessed.Widgets.BoxElement;
  footer: blessed.Widgets.BoxElement;
  help: blessed.Widgets.BoxElement;
}

export function makeWidgets(opts: { input?: NodeJS.ReadableStream; output?: NodeJS.WritableStream }): Widgets {
  const screen = blessed.screen({
    smartCSR: true,
    fullUnicode: false,
    autoPadding: true,
    warnings: false,
    title: 'miyabi dashboard',
    input: opts.input,
    output: opts.output,
  } as blessed.Widgets.IScreenOptions);
  const plain = { parent: screen, tags: false } as const;
  const header = blessed.box({ ...plain, top: 0, left: 0, width: '100%', height: 1, style: { fg: 'white', bg: 'blue', bold: true } });
  const table = blessed.box({ ...plain, border: { type: 'line' }, label: ' agents ' });
  const tableHead = blessed.box({ parent: table, tags: false, top: 0, left: 0, right: 0, height: 1, style: { bold: true } });
  const list = blessed.list({
    parent: table, tags: false, top: 1, left: 0, right: 0, bottom: 0, keys: false, mouse: false, vi: false,
    style: { selected: { inverse: true }, item: {} },
  });
  const preview = blessed.box({ ...plain, border: { type: 'line' }, label: ' preview ', hidden: true });
  const tabs = blessed.box({ ...plain, border: { type: 'line' } });
  const footer = blessed.box({ ...plain, bottom: 0, left: 0, width: '100%', height: 1, style: { fg: 'black', bg: 'white' } });
  const help = blessed.box({
    ...plain, top: 'center', left: 'center', width: '90%', height: '90%', border: { type: 'line' }, label: ' help ', hidden: true,
    // A small pane shows a few keys at a time: j/k scroll it (app.ts).
    scrollable: true, alwaysScroll: true,
  } as blessed.Widgets.BoxOptions);
  return { screen, header, table, tableHead, list, preview, tabs, footer, help };
}

export function place(el: blessed.Widgets.BoxElement, r: Rect | null): void {
  if (!r || r.height < 3) {
    el.hide();
    return;
  }
  el.show();
  el.top = r.top;
  el.left = r.left;
  el.width = r.width;
  el.height = r.height;
}

/** Lines for a bordered box of `height`, from `scroll` (clamped so the end stays in view). */
export function window(lines: string[], height: number, scroll: number): string[] {
  const room = Math.max(0, height - 2);
  const top = Math.max(0, Math.min(scroll, lines.length - room));
  return lines.slice(top, top + room);
}

export function cut(lines: string[], width: number): string {
  const w = Math.max(0, width - 2);
  return lines.map((l) => (l.length > w ? l.slice(0, Math.max(0, w - 1)) + '~' : l)).join('\n');
}
