import type { PaneStatus, StatusResult } from '../../ipc/protocol.js';
import type { RunLine } from './runs.js';

/**
 * The dashboard's state, kept pure so that the rules a person relies on (the selection stays on
 * the same pane across refreshes, never points past the end) are unit-tested without a terminal.
 */

export type ConnectionState =
  | { kind: 'connecting' }
  | { kind: 'connected' }
  | { kind: 'down'; retryInMs: number; reason: string };

export interface PaneRow {
  paneId: string;
  role: string;
  name: string;
  window: string;
  pid: number;
  alive: boolean;
  deadStatus: number | null;
  command: string;
  currentCommand: string;
  cwd: string;
}

export interface DashboardModel {
  status: StatusResult | null;
  rows: PaneRow[];
  /** Index into rows; 0 when there are none. */
  selected: number;
  connection: ConnectionState;
  /** Date.now() of the last status that arrived. */
  updatedAt: number | null;
  /** The last error the controller answered with, until the next good status. */
  notice: string | null;
  /** The newest pipeline runs, newest first (runs.ts). */
  runs: RunLine[];
}

export function initialModel(): DashboardModel {
  return { status: null, rows: [], selected: 0, connection: { kind: 'connecting' }, updatedAt: null, notice: null, runs: [] };
}

export function rowFromPane(p: PaneStatus): PaneRow {
  return {
    paneId: p.paneId,
    role: p.role,
    name: p.name,
    window: p.window,
    pid: p.pid,
    alive: p.alive,
    deadStatus: p.deadStatus,
    command: p.command,
    currentCommand: p.currentCommand,
    cwd: p.cwd,
  };
}

/** Rows in the order the controller lists the panes (the layout's order). */
export function rowsFromStatus(st: StatusResult): PaneRow[] {
  return st.panes.map(rowFromPane);
}

export function clampIndex(index: number, length: number): number {
  if (length <= 0) return 0;
  if (!Number.isFinite(index) || index < 0) return 0;
  return Math.min(Math.floor(index), length - 1);
}

/**
 * A fresh status replaces the rows. The selection follows the pane it was on (by pane id); if that
 * pane is gone, it stays at the same position, clamped to the new list.
 */
export function applyStatus(m: DashboardModel, st: StatusResult, now = Date.now()): DashboardModel {
  const rows = rowsFromStatus(st);
  const prevId = m.rows[m.selected]?.paneId;
  let selected = prevId === undefined ? -1 : rows.findIndex((r) => r.paneId === prevId);
  if (selected === -1) selected = clampIndex(m.selected, rows.length);
  return { ...m, status: st, rows, selected, updatedAt: now, notice: null };
}

export function moveSelection(m: DashboardModel, delta: number): DashboardModel {
  return { ...m, selected: clampIndex(m.selected + delta, m.rows.length) };
}

export function selectFirst(m: DashboardModel): DashboardModel {
  return { ...m, selected: 0 };
}

export function selectLast(m: DashboardModel): DashboardModel {
  return { ...m, selected: clampIndex(m.rows.length - 1, m.rows.length) };
}

export function selectPane(m: DashboardModel, paneId: string): DashboardModel {
  const i = m.rows.findIndex((r) => r.paneId === paneId);
  return i === -1 ? m : { ...m, selected: i };
}

export function selectedRow(m: DashboardModel): PaneRow | undefined {
  return m.rows[m.selected];
}

export function withConnection(m: DashboardModel, connection: ConnectionState): DashboardModel {
  return { ...m, connection };
}

export function withNotice(m: DashboardModel, notice: string | null): DashboardModel {
  return { ...m, notice };
}

export function paneState(r: Pick<PaneRow, 'alive' | 'deadStatus'>): string {
  return r.alive ? 'alive' : `dead(${r.deadStatus ?? '?'})`;
}
