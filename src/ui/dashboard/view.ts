import { formatDuration } from '../format-status.js';
import { paneState, selectedRow, type DashboardModel, type PaneRow } from './model.js';

/**
 * Plain-text rendering of the dashboard's parts. Pure functions of the model, so what a person
 * reads can be unit-tested; the blessed widgets only place these strings on the screen.
 */

export const KEY_HELP = 'j/down next  k/up previous  g/G first/last  r refresh  q quit';

export const NOT_REACHABLE = 'controller not reachable \u2014 retrying';

export function connectionText(m: Pick<DashboardModel, 'connection'>): string {
  const c = m.connection;
  switch (c.kind) {
    case 'connecting':
      return 'connecting\u2026';
    case 'connected':
      return 'connected';
    case 'down':
      return `${NOT_REACHABLE} (next try in ${(c.retryInMs / 1000).toFixed(1)}s: ${c.reason})`;
  }
}

export function headerText(m: DashboardModel): string {
  const parts = ['miyabi'];
  const st = m.status;
  if (m.connection.kind === 'down') {
    // The news first, so a narrow pane still shows it; what we last knew after it.
    parts.push(connectionText(m));
    if (st) parts.push(`session ${st.session} (last seen)`);
    return parts.join('  |  ');
  }
  if (st) {
    parts.push(`session ${st.session}`);
    parts.push(`controller pid ${st.controller.pid}`);
    if (m.connection.kind === 'connected') parts.push(`up ${formatDuration(st.controller.uptimeMs)}`);
  }
  parts.push(connectionText(m));
  if (m.notice) parts.push(`error: ${m.notice}`);
  return parts.join('  |  ');
}

export const COLUMNS = ['ROLE', 'NAME', 'PANE', 'PID', 'STATE', 'COMMAND'] as const;

function cells(r: PaneRow): string[] {
  return [r.role, r.name, r.paneId, String(r.pid), paneState(r), r.command];
}

export function columnWidths(rows: PaneRow[]): number[] {
  const all = rows.map(cells);
  return COLUMNS.map((h, i) => Math.max(h.length, ...all.map((c) => (c[i] ?? '').length)));
}

export function truncate(s: string, width: number): string {
  if (width <= 0) return '';
  if (s.length <= width) return s;
  return width === 1 ? s.slice(0, 1) : s.slice(0, width - 1) + '~';
}

function joinCells(c: readonly string[], widths: number[]): string {
  return c
    .map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i] ?? 0)))
    .join('  ')
    .trimEnd();
}

/** Marker column: the selected row starts with "> ", so the selection survives a monochrome screen. */
export const SELECTED_MARK = '> ';
export const UNSELECTED_MARK = '  ';

export function columnHeaderLine(rows: PaneRow[], width = Infinity): string {
  return truncate(UNSELECTED_MARK + joinCells(COLUMNS, columnWidths(rows)), width);
}

export function rowLines(m: DashboardModel, width = Infinity): string[] {
  const widths = columnWidths(m.rows);
  return m.rows.map((r, i) =>
    truncate((i === m.selected ? SELECTED_MARK : UNSELECTED_MARK) + joinCells(cells(r), widths), width),
  );
}

export function detailLines(m: DashboardModel): string[] {
  const r = selectedRow(m);
  if (!r) return m.status ? ['no panes'] : ['waiting for the controller\u2026'];
  const field = (k: string, v: string) => `${k.padEnd(9)}${v}`;
  return [
    field('name', r.name),
    field('role', r.role),
    field('pane', `${r.paneId}  (window ${r.window})`),
    field('pid', String(r.pid)),
    field('state', paneState(r)),
    field('command', r.command),
    field('running', r.currentCommand),
    field('cwd', r.cwd),
  ];
}

export function emptyListText(m: DashboardModel): string | undefined {
  if (m.rows.length > 0) return undefined;
  return m.status ? 'no panes in this session' : 'waiting for the controller\u2026';
}
