/**
 * Where the dashboard's boxes go for a pane of a given size. Pure: the promise that 80×24 shows
 * agent rows and 200×50 shows every box whole is unit-tested here, without a terminal.
 *
 * Always: a header row, the agent table, a key line. Below the table the panels: when the pane is
 * small they collapse to one box with tabs (Tab/arrows switch); when it is large the selected
 * agent's preview gets a box of its own beside the tabbed box.
 */

/** The panels, in Tab order. `agents` is the table itself. */
export const TABS = ['agents', 'preview', 'diff', 'tasks', 'runs', 'triggers', 'recovery', 'events', 'bus'] as const;
export type Tab = (typeof TABS)[number];

export interface Rect {
  top: number;
  left: number;
  width: number;
  height: number;
}

export interface Geometry {
  /** `split`: preview beside the tabbed box; `tabs`: one tabbed box. */
  mode: 'split' | 'tabs';
  table: Rect;
  /** The preview's own box (split mode only). */
  preview: Rect | null;
  /** The tabbed box; height 0 when the pane has no room for it (the table takes everything). */
  tabs: Rect;
}

/** Rows the table's border and column header take. */
export const TABLE_CHROME = 3;

export function geometry(cols: number, rows: number, agentCount: number): Geometry {
  const w = Math.max(20, cols);
  const avail = Math.max(3, rows - 2);
  const split = w >= 140 && rows >= 36;
  // The table shows every agent if it can, but leaves the panels at least this much.
  const panelMin = avail >= 16 ? Math.min(10, Math.floor(avail / 3)) : 0;
  const want = agentCount + TABLE_CHROME;
  const cap = split ? Math.max(TABLE_CHROME + 3, Math.floor(avail * 0.55)) : avail - panelMin;
  const tableH = Math.max(Math.min(TABLE_CHROME + 1, avail), Math.min(want, cap));
  const restTop = 1 + tableH;
  const restH = Math.max(0, avail - tableH);
  const table = { top: 1, left: 0, width: w, height: tableH };
  if (split && restH > 0) {
    const pw = Math.floor(w / 2);
    return {
      mode: 'split', table,
      preview: { top: restTop, left: 0, width: pw, height: restH },
      tabs: { top: restTop, left: pw, width: w - pw, height: restH },
    };
  }
  return { mode: 'tabs', table, preview: null, tabs: { top: restTop, left: 0, width: w, height: restH } };
}

/** The tab the tabbed box shows, given the focus (the last panel tab when the table has focus). */
export function shownTab(mode: Geometry['mode'], focus: Tab, lastPanel: Tab): Tab {
  const t = focus === 'agents' ? lastPanel : focus;
  // In split mode the preview has its own box: the tabbed box keeps showing another panel.
  if (mode === 'split' && t === 'preview') return lastPanel === 'preview' ? 'tasks' : lastPanel;
  return t;
}

export function nextTab(t: Tab, delta: number): Tab {
  const i = TABS.indexOf(t);
  return TABS[(i + delta + TABS.length) % TABS.length] as Tab;
}

/**
 * The tab bar a box's label shows: the shown tab in brackets. blessed puts a label at the box's
 * third column and wraps one that passes the corner into the box's first row (over its text), so
 * the label is at most width - 3 and a narrow box shows the shown tab and as many neighbours as
 * fit, with … where tabs are left out.
 */
export function tabBar(shown: Tab, mode: Geometry['mode'], width = Infinity): string {
  const tabs = TABS.filter((t) => t !== 'agents' && !(mode === 'split' && t === 'preview'));
  const name = (t: Tab) => (t === shown ? `[${t}]` : t);
  const room = width - 5; // the label starts at column 3 and stops before the corner; a space each side
  const full = tabs.map(name).join(' ');
  if (full.length <= room) return ` ${full} `;
  const at = Math.max(0, tabs.indexOf(shown));
  let lo = at;
  let hi = at;
  const text = (a: number, b: number) =>
    (a > 0 ? '… ' : '') + tabs.slice(a, b + 1).map(name).join(' ') + (b < tabs.length - 1 ? ' …' : '');
  for (let grew = true; grew; ) {
    grew = false;
    if (hi < tabs.length - 1 && text(lo, hi + 1).length <= room) (hi++, (grew = true));
    if (lo > 0 && text(lo - 1, hi).length <= room) (lo--, (grew = true));
  }
  return ` ${text(lo, hi)} `;
}
