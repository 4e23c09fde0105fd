import { describe, expect, it } from 'vitest';
import type { StatusResult } from '../../../src/ipc/protocol.js';
import {
  applyStatus,
  clampIndex,
  initialModel,
  moveSelection,
  rowsFromStatus,
  selectedRow,
  selectFirst,
  selectLast,
  selectPane,
  withConnection,
  withNotice,
} from '../../../src/ui/dashboard/model.js';
import {
  columnHeaderLine,
  detailLines,
  headerText,
  NOT_REACHABLE,
  rowLines,
  truncate,
} from '../../../src/ui/dashboard/view.js';
import { pane, samplePanes } from '../../helpers/fake-controller.js';

function status(panes = samplePanes(), over: Partial<StatusResult> = {}): StatusResult {
  return {
    session: 'demo',
    tmuxSocket: 'miyabi',
    root: '/r',
    layout: 'default',
    controller: { pid: 42, startedAt: '2025-01-01T00:00:00Z', uptimeMs: 65_000, ipcPath: '/s' },
    panes,
    ...over,
  };
}

describe('dashboard model', () => {
  it('builds rows from a status in the controller order', () => {
    const rows = rowsFromStatus(status());
    expect(rows.map((r) => r.name)).toEqual(['conductor', 'dashboard', 'agent-1', 'agent-2']);
    expect(rows[2]).toMatchObject({ paneId: '%2', role: 'agent', pid: 4002, alive: true, command: 'claude --name agent-1' });
  });

  it('clamps indexes', () => {
    expect(clampIndex(-1, 3)).toBe(0);
    expect(clampIndex(5, 3)).toBe(2);
    expect(clampIndex(1, 3)).toBe(1);
    expect(clampIndex(2, 0)).toBe(0);
    expect(clampIndex(Number.NaN, 3)).toBe(0);
  });

  it('moves the selection within the list and never past its ends', () => {
    let m = applyStatus(initialModel(), status());
    expect(m.selected).toBe(0);
    m = moveSelection(m, -1);
    expect(m.selected).toBe(0);
    m = moveSelection(moveSelection(m, 1), 1);
    expect(selectedRow(m)?.name).toBe('agent-1');
    m = moveSelection(m, 10);
    expect(m.selected).toBe(3);
    expect(selectFirst(m).selected).toBe(0);
    expect(selectLast(selectFirst(m)).selected).toBe(3);
    expect(selectedRow(selectPane(m, '%1'))?.name).toBe('dashboard');
    expect(selectPane(m, '%99')).toBe(m);
  });

  it('is safe with no panes', () => {
    let m = applyStatus(initialModel(), status([]));
    m = selectLast(moveSelection(m, 1));
    expect(m.selected).toBe(0);
    expect(selectedRow(m)).toBeUndefined();
    expect(detailLines(m)).toEqual(['no panes']);
  });

  it('keeps the selection on the same pane when panes are added before it or reordered', () => {
    let m = applyStatus(initialModel(), status());
    m = selectPane(m, '%2');
    m = applyStatus(m, status([pane('new', 'agent', 7), ...samplePanes().reverse()]));
    // new, agent-2, agent-1, dashboard, conductor
    expect(selectedRow(m)?.paneId).toBe('%2');
    expect(m.selected).toBe(2);
  });

  it('stays at the same position, clamped, when the selected pane is gone', () => {
    let m = selectLast(applyStatus(initialModel(), status()));
    m = applyStatus(m, status(samplePanes().slice(0, 2)));
    expect(selectedRow(m)?.name).toBe('dashboard');
    m = selectFirst(applyStatus(m, status()));
    m = moveSelection(m, 1);
    m = applyStatus(m, status(samplePanes().filter((p) => p.paneId !== '%1')));
    expect(m.selected).toBe(1);
    expect(selectedRow(m)?.name).toBe('agent-1');
  });

  it('keeps the state of a pane that died', () => {
    const m = applyStatus(initialModel(), status([pane('a', 'agent', 1, { alive: false, deadStatus: 137 })]));
    expect(rowLines(m)[0]).toContain('dead(137)');
    expect(detailLines(m)).toContain('state    dead(137)');
  });

  it('clears an error notice when a good status arrives', () => {
    const m = withNotice(applyStatus(initialModel(), status()), 'boom');
    expect(headerText(withConnection(m, { kind: 'connected' }))).toContain('error: boom');
    expect(applyStatus(m, status()).notice).toBeNull();
  });
});

describe('dashboard text', () => {
  it('header shows session, controller pid, uptime and connection', () => {
    const m = withConnection(applyStatus(initialModel(), status()), { kind: 'connected' });
    expect(headerText(m)).toBe('miyabi  |  session demo  |  controller pid 42  |  up 1m05s  |  connected');
  });

  it('F19: header leads with a journal that refuses writes, saying which file, which error and since when', () => {
    const st = status();
    const journal = { state: 'degraded' as const, file: '/p/.miyabi/journal/events.jsonl', error: 'journal: writing failed: EPERM', since: '2026-12-02T04:00:00.000Z', held: 3 };
    const m = withConnection(applyStatus(initialModel(), { ...st, controller: { ...st.controller, journal } }), { kind: 'connected' });
    expect(headerText(m)).toMatch(/^miyabi {2}\| {2}journal DEGRADED, 3 record\(s\) waiting in memory, retrying: journal: writing failed: EPERM \(file \/p\/\.miyabi\/journal\/events\.jsonl, since 2026-12-02T04:00:00\.000Z\) {2}\| {2}session demo/);
  });

  it('header leads with the news when the controller is down', () => {
    const m = withConnection(applyStatus(initialModel(), status()), {
      kind: 'down',
      retryInMs: 500,
      reason: 'connection closed',
    });
    expect(headerText(m)).toBe(`miyabi  |  ${NOT_REACHABLE} (next try in 0.5s: connection closed)  |  session demo (last seen)`);
  });

  it('marks the selected row and aligns the columns', () => {
    const m = moveSelection(applyStatus(initialModel(), status()), 2);
    const lines = rowLines(m);
    expect(lines.filter((l) => l.startsWith('> '))).toHaveLength(1);
    expect(lines[2]?.startsWith('> agent ')).toBe(true);
    const header = columnHeaderLine(m.rows);
    expect(header.indexOf('PANE')).toBe(lines[2]?.indexOf('%2'));
    expect(header.indexOf('COMMAND')).toBe(lines[0]?.indexOf('miyabi conductor'));
  });

  it('truncates to the width', () => {
    expect(truncate('abcdef', 4)).toBe('abc~');
    expect(truncate('abc', 4)).toBe('abc');
    expect(truncate('abc', 0)).toBe('');
    const m = applyStatus(initialModel(), status());
    for (const l of rowLines(m, 20)) expect(l.length).toBeLessThanOrEqual(20);
  });

  it('detail shows every field of the selected pane', () => {
    const m = moveSelection(applyStatus(initialModel(), status()), 3);
    expect(detailLines(m)).toEqual([
      'name     agent-2',
      'role     agent',
      'pane     %3  (window main)',
      'pid      4003',
      'state    alive',
      'command  claude --name agent-2',
      'running  claude',
      'cwd      /work/project/.worktrees/agent-2',
    ]);
    expect(detailLines(initialModel())).toEqual(['waiting for the controller\u2026']);
  });
});
