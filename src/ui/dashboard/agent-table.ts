/**
 * The agent table as text: which columns fit the pane's width, and each row's line. The columns a
 * person needs most come first and stay at any width (state, name, time in state); the rest appear
 * as the pane widens, so 80 columns still read well and 200 columns show everything.
 */
import { formatDuration, oneLine } from '../format-status.js';
import { STATE_LOOK, type AgentRow } from './agents.js';
import { formatCost, formatShare } from './usage.js';

interface Column {
  head: string;
  /** Preferred width; `flex` columns share what is left. */
  width: number;
  /** Shown only when the inner width is at least this. */
  minPane: number;
  flex?: boolean;
  /** Shown only when some row has it (context and cost are known only for agents that report usage). */
  known?(r: AgentRow): boolean;
  cell(r: AgentRow, now: number): string;
}

export function diffText(d: AgentRow['diff']): string {
  return d ? (d.files ? `+${d.added}/-${d.removed}` : '0') : '-';
}

const COLUMNS: Column[] = [
  { head: 'AGENT', width: 14, minPane: 0, cell: (r) => r.name },
  { head: 'STATE', width: 17, minPane: 0, cell: (r) => `${STATE_LOOK[r.state].glyph} ${STATE_LOOK[r.state].word}` },
  { head: 'FOR', width: 7, minPane: 0, cell: (r, now) => (r.sinceKnown ? '' : '>') + formatDuration(Math.max(0, now - r.since)) },
  { head: 'INBOX', width: 5, minPane: 60, cell: (r) => (r.queued || r.failed ? `${r.queued}/${r.failed}` : '-') },
  { head: 'WHY', width: 18, minPane: 150, cell: (r) => r.reason },
  { head: 'BRANCH', width: 18, minPane: 120, cell: (r) => r.branch || '-' },
  { head: '+/-', width: 11, minPane: 90, cell: (r) => diffText(r.diff) },
  { head: 'ACTIVITY', width: 8, minPane: 105, cell: (r) => r.spark },
  { head: 'CTX', width: 4, minPane: 130, known: (r) => r.context !== null, cell: (r) => formatShare(r.context) },
  { head: 'COST', width: 7, minPane: 130, known: (r) => r.cost !== null, cell: (r) => formatCost(r.cost) },
  { head: 'TASK', width: 20, minPane: 70, flex: true, cell: (r) => r.task || '-' },
  { head: 'LAST OUTPUT', width: 20, minPane: 100, flex: true, cell: (r) => r.lastLine },
];

export const SELECTED_MARK = '> ';
export const UNSELECTED_MARK = '  ';

export function truncate(s: string, width: number): string {
  if (width <= 0) return '';
  if (s.length <= width) return s;
  return width === 1 ? s.slice(0, 1) : s.slice(0, width - 1) + '~';
}

/** The columns shown at this inner width, with each one's width (flex columns share the rest). */
export function columnsFor(width: number, rows: AgentRow[]): { col: Column; width: number }[] {
  const shown = COLUMNS.filter((c) => width >= c.minPane && (!c.known || rows.some(c.known)));
  const nameW = Math.min(20, Math.max(5, ...rows.map((r) => r.name.length)));
  const fixed = shown.map((c) => (c.head === 'AGENT' ? nameW : c.width));
  const used = SELECTED_MARK.length + fixed.reduce((a, b) => a + b, 0) + 2 * (shown.length - 1);
  const flex = shown.filter((c) => c.flex).length;
  const extra = flex ? Math.max(0, Math.floor((width - used) / flex)) : 0;
  return shown.map((col, i) => ({ col, width: (fixed[i] ?? 0) + (col.flex ? extra : 0) }));
}

function line(cells: string[], widths: number[]): string {
  return cells.map((c, i) => truncate(c, widths[i] ?? 0).padEnd(i === cells.length - 1 ? 0 : widths[i] ?? 0)).join('  ').trimEnd();
}

export function tableHeader(width: number, rows: AgentRow[]): string {
  const cols = columnsFor(width, rows);
  return truncate(UNSELECTED_MARK + line(cols.map((c) => c.col.head), cols.map((c) => c.width)), width);
}

/** `all`: the rows the column widths are taken from, so a window of rows lines up with the rest. */
export function tableLines(rows: AgentRow[], selected: number, width: number, now = Date.now(), all = rows): string[] {
  const cols = columnsFor(width, all);
  const widths = cols.map((c) => c.width);
  return rows.map((r, i) =>
    truncate((i === selected ? SELECTED_MARK : UNSELECTED_MARK) + line(cols.map((c) => c.col.cell(r, now)), widths), width),
  );
}

/** The selected agent in full (the detail panel). */
export function agentDetail(r: AgentRow | undefined, now = Date.now()): string[] {
  if (!r) return ['no agent selected'];
  const f = (k: string, v: string) => `${k.padEnd(8)}${v}`;
  const look = STATE_LOOK[r.state];
  return [
    f('name', `${r.name}  (pane ${r.paneId})`),
    f('state', `${look.glyph} ${look.word}${r.reason ? ` \u2014 ${r.reason}` : ''}, for ${r.sinceKnown ? '' : 'over '}${formatDuration(now - r.since)}`),
    f('task', r.task || '-'),
    f('inbox', `${r.queued} queued, ${r.failed} failed`),
    f('branch', `${r.branch || '-'}${r.diff ? `  ${diffText(r.diff)} in ${r.diff.files} file${r.diff.files === 1 ? '' : 's'}` : ''}`),
    ...(r.context !== null || r.cost !== null ? [f('usage', `context ${formatShare(r.context)}, cost ${formatCost(r.cost)} (estimate)`)] : []),
    f('command', oneLine(r.command)),
  ];
}

/**
 * The first row shown when `room` rows fit: it moves only as far as keeps the selected row in
 * view, so j/k scroll as a list does. Only these rows are handed to blessed (50 agents at 100
 * records a second otherwise cost a widget per row, per frame).
 */
export function scrollTop(top: number, selected: number, count: number, room: number): number {
  let t = Math.min(top, selected);
  if (selected >= t + room) t = selected - room + 1;
  return Math.max(0, Math.min(t, count - room));
}
