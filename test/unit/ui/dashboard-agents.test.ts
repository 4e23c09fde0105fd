import { describe, expect, it } from 'vitest';
import { columnsFor, scrollTop, tableHeader, tableLines } from '../../../src/ui/dashboard/agent-table.js';
import { buildRows, emptyMemory, filterRows, noteEvent, sortRows, tasksByAgent, type AgentReply, type AgentRow } from '../../../src/ui/dashboard/agents.js';
import { busLines, emptyFeed, noteFeed, triggerLines } from '../../../src/ui/dashboard/feed.js';
import { actionFor, BINDINGS, helpLines, keyLine } from '../../../src/ui/dashboard/keys.js';
import { geometry, nextTab, shownTab, tabBar, TABLE_CHROME } from '../../../src/ui/dashboard/layout.js';
import { LineInput } from '../../../src/ui/dashboard/line-input.js';
import { renderLine, renderText } from '../../../src/core/render-text.js';

function agent(name: string, state: string, over: Partial<AgentReply> = {}): AgentReply {
  return {
    name, paneId: `%${name.length}`, pid: 1, alive: true, command: 'claude', cwd: '/p', worktree: null, branch: `miyabi/${name}`,
    spawned: false, state, signal: 'screen', reason: `why ${name}`, ...over,
  };
}

describe('dashboard agent rows', () => {
  it('puts agents waiting for a person first, then trouble, busy, idle; by name within a state', () => {
    const rows = buildRows(
      [agent('b', 'idle'), agent('a', 'busy'), agent('z', 'waiting-for-input'), agent('c', 'rate-limited'), agent('d', 'idle', { alive: false })],
      [], emptyMemory(), 1000,
    );
    expect(rows.map((r) => `${r.name}:${r.state}`)).toEqual(['z:waiting-for-input', 'c:rate-limited', 'd:dead', 'a:busy', 'b:idle']);
  });

  it('shows every agent the controller answers, including ones spawned later, and shell panes but not its own panes', () => {
    const panes = [
      { name: 'conductor', role: 'conductor', paneId: '%0', window: 'w', pid: 1, command: '', currentCommand: '', cwd: '', alive: true, deadStatus: null },
      { name: 'shell-1', role: 'shell', paneId: '%9', window: 'w', pid: 1, command: 'bash', currentCommand: '', cwd: '', alive: false, deadStatus: 127 },
      { name: 'a', role: 'agent', paneId: '%1', window: 'w', pid: 1, command: '', currentCommand: '', cwd: '', alive: true, deadStatus: null },
    ];
    const rows = buildRows([agent('a', 'idle'), agent('spawned', 'busy', { spawned: true })], panes, emptyMemory());
    expect(rows.map((r) => r.name).sort()).toEqual(['a', 'shell-1', 'spawned']);
    expect(rows.find((r) => r.name === 'shell-1')).toMatchObject({ state: 'dead', reason: 'exit 127', agent: false });
  });

  it('an agent.state record newer than the answer wins, and its time counts from the record', () => {
    const mem = emptyMemory();
    noteEvent(mem, { ts: 500, type: 'agent.state', payload: { name: 'a', state: 'waiting-for-input', signal: 'hook', reason: 'asked' } });
    const [r] = buildRows([agent('a', 'busy')], [], mem, 2000) as [AgentRow];
    expect(r).toMatchObject({ state: 'waiting-for-input', reason: 'asked', since: 500, sinceKnown: true });
    // A state first seen in an answer counts from first sight, marked as "at least".
    const [s] = buildRows([agent('b', 'idle')], [], mem, 3000) as [AgentRow];
    expect(s).toMatchObject({ since: 3000, sinceKnown: false });
  });

  it('a recovery attempt shows the agent recovering until it succeeds or gives up', () => {
    const mem = emptyMemory();
    noteEvent(mem, { ts: 1, type: 'recovery.attempt', payload: { agent: 'a', level: 1, reason: 'stuck' } });
    expect(buildRows([agent('a', 'unresponsive')], [], mem)[0]?.state).toBe('recovering');
    noteEvent(mem, { ts: 2, type: 'recovery.succeeded', payload: { agent: 'a', level: 1, durationMs: 5 } });
    expect(buildRows([agent('a', 'idle')], [], mem)[0]?.state).toBe('idle');
  });

  it('filters on every word over name, state, branch and task', () => {
    const mem = emptyMemory();
    mem.tasks = tasksByAgent([{ id: 't1', text: 'fix login', assignee: 'b', state: 'started' }, { id: 't2', text: 'old', assignee: 'a', state: 'done' }]);
    const rows = sortRows(buildRows([agent('a', 'idle'), agent('b', 'busy')], [], mem));
    expect(filterRows(rows, 'login').map((r) => r.name)).toEqual(['b']);
    expect(filterRows(rows, 'idle miyabi/a').map((r) => r.name)).toEqual(['a']);
    expect(filterRows(rows, '  ')).toHaveLength(2);
    expect(rows.find((r) => r.name === 'a')?.task).toBe('');
  });
});

describe('dashboard layout', () => {
  it('keeps the tab bar inside its box: a narrow box shows the shown tab and its neighbours with …', () => {
    const wide = tabBar('runs', 'tabs', 200);
    expect(wide).toBe(' preview diff tasks [runs] triggers recovery events bus ');
    for (const width of [20, 30, 39, 40, 41, 60]) {
      // blessed draws the label from the box's third column; one that reaches the corner wraps.
      const bar = tabBar('triggers', 'tabs', width);
      expect(bar.length).toBeLessThanOrEqual(width - 3);
      expect(bar).toContain('[triggers]');
      if (width < 59) expect(bar).toContain('…');
    }
    expect(tabBar('preview', 'tabs', 40)).toMatch(/^ \[preview\] diff tasks .* … $/);
  });

  it('at 80x24 with 50 agents the table shows rows and leaves the panels room; every box fits', () => {
    const g = geometry(80, 24, 50);
    expect(g.mode).toBe('tabs');
    expect(g.table.height - TABLE_CHROME).toBeGreaterThanOrEqual(8);
    expect(g.tabs.height).toBeGreaterThanOrEqual(7);
    expect(g.tabs.top + g.tabs.height).toBeLessThanOrEqual(23);
  });

  it('with a few agents the table is only as tall as they need', () => {
    expect(geometry(80, 24, 3).table.height).toBe(3 + TABLE_CHROME);
  });

  it('at 200x50 the preview has its own box beside the tabs, and both fit whole', () => {
    const g = geometry(200, 50, 5);
    expect(g.mode).toBe('split');
    expect(g.preview).not.toBeNull();
    for (const r of [g.table, g.preview!, g.tabs]) {
      expect(r.left + r.width).toBeLessThanOrEqual(200);
      expect(r.top + r.height).toBeLessThanOrEqual(49);
    }
  });

  it('a tiny pane still shows the table (the panels collapse away)', () => {
    const g = geometry(40, 10, 20);
    expect(g.table.height).toBe(8);
    expect(g.tabs.height).toBe(0);
  });

  it('Tab cycles agents → panels → agents; split mode keeps preview out of the tabbed box', () => {
    expect(nextTab('agents', 1)).toBe('preview');
    expect(nextTab('bus', 1)).toBe('agents');
    expect(nextTab('agents', -1)).toBe('bus');
    expect(shownTab('tabs', 'agents', 'preview')).toBe('preview');
    expect(shownTab('split', 'preview', 'preview')).toBe('tasks');
  });
});

describe('dashboard table text', () => {
  const rows = buildRows([agent('agent-1', 'waiting-for-input'), agent('agent-2', 'busy')], [], emptyMemory(), 0);
  it('fits 80 columns and marks the selection', () => {
    const lines = tableLines(rows, 1, 78, 65_000);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(78);
    expect(lines[0]).toMatch(/^ {2}agent-1\s+\? waiting for you\s+>1m05s/);
    expect(lines[1]).toMatch(/^> agent-2\s+\* busy/);
    expect(tableHeader(78, rows)).toMatch(/AGENT\s+STATE\s+FOR\s+INBOX\s+TASK/);
  });
  it('shows more columns when wider', () => {
    expect(columnsFor(78, rows).map((c) => c.col.head)).not.toContain('BRANCH');
    expect(columnsFor(198, rows).map((c) => c.col.head)).toEqual(['AGENT', 'STATE', 'FOR', 'INBOX', 'WHY', 'BRANCH', '+/-', 'ACTIVITY', 'TASK', 'LAST OUTPUT']);
    expect(tableLines(rows, 0, 198)[0]).toContain('miyabi/agent-1');
  });

  it('+/-, activity, context and cost: shown when wide and known, dropped at 80 columns, every line fits', () => {
    const known = rows.map((r, i) => ({ ...r, diff: i ? null : { added: 12, removed: 3, files: 2 }, spark: ' \u2581\u2588', context: i ? null : 0.43, cost: i ? null : 1.234 }));
    const wide = columnsFor(198, known).map((c) => c.col.head);
    expect(wide).toEqual(['AGENT', 'STATE', 'FOR', 'INBOX', 'WHY', 'BRANCH', '+/-', 'ACTIVITY', 'CTX', 'COST', 'TASK', 'LAST OUTPUT']);
    const line = tableLines(known, 0, 198)[0]!;
    for (const cell of ['+12/-3', ' \u2581\u2588', '43%', '$1.23']) expect(line).toContain(cell);
    expect(tableLines(known, 0, 198)[1]).toMatch(/ - +/);
    expect(columnsFor(78, known).map((c) => c.col.head)).toEqual(['AGENT', 'STATE', 'FOR', 'INBOX', 'TASK']);
    for (const w of [78, 118, 198]) for (const l of [tableHeader(w, known), ...tableLines(known, 0, w)]) expect(l.length).toBeLessThanOrEqual(w);
  });
});

describe('dashboard keys and input', () => {
  it('every action has a key, and ? lists every key', () => {
    const help = helpLines().join('\n');
    for (const b of BINDINGS) expect(help).toContain(b.help);
    expect(actionFor({ full: 'tab' }, '\t')).toBe('next-panel');
    expect(actionFor({ full: 'return' }, '\r')).toBeUndefined();
    expect(actionFor({ full: 'enter' }, '\r')).toBe('enter');
    expect(keyLine(80).length).toBeLessThanOrEqual(80);
  });

  it('the line input types, deletes, submits once on Enter, and cancels on Esc', () => {
    const got: string[] = [];
    const li = new LineInput();
    li.open('msg: ', (t) => got.push(t));
    for (const ch of 'hix') li.key(ch, { name: ch });
    li.key(undefined, { name: 'backspace' });
    li.key('\r', { name: 'return' });
    expect(li.active).toBe(true);
    li.key('\r', { name: 'enter' });
    expect(got).toEqual(['hi']);
    li.open('x: ', (t) => got.push(t));
    li.key(undefined, { name: 'escape' });
    expect(li.active).toBe(false);
    expect(got).toEqual(['hi']);
  });
});

describe('feed and text rendering', () => {
  it('counts bus records and keeps trigger firings newest first', () => {
    const f = emptyFeed();
    noteFeed(f, { seq: 1, ts: 0, type: 'message.delivered', payload: {} });
    noteFeed(f, { seq: 2, ts: 0, type: 'trigger.fired', payload: { rule: 'r1' } });
    noteFeed(f, { seq: 3, ts: 0, type: 'trigger.fired', payload: { rule: 'r2' } });
    expect(busLines(f)[0]).toContain('delivered 1');
    expect(triggerLines(f)[0]).toContain('rule=r2');
  });

  it('renders carriage returns and backspaces as a terminal shows them', () => {
    expect(renderLine('progress 10%\rprogress 100%')).toBe('progress 100%');
    expect(renderLine('abc\b\bX')).toBe('aXc');
    expect(renderLine('\x1b[31mred\x1b[0m')).toBe('red');
    expect(renderText('a\r\nb\rc')).toBe('a\nc');
  });
});

describe('dashboard agent list window', () => {
  it('moves only as far as keeps the selected row in view, and never past the end', () => {
    // 50 rows, 10 fit: going down from the top scrolls once the selection passes row 10.
    expect(scrollTop(0, 9, 50, 10)).toBe(0);
    expect(scrollTop(0, 10, 50, 10)).toBe(1);
    expect(scrollTop(1, 5, 50, 10)).toBe(1);
    expect(scrollTop(5, 4, 50, 10)).toBe(4);
    expect(scrollTop(0, 49, 50, 10)).toBe(40);
    // Rows removed (a filter): the window comes back so the end is not left empty.
    expect(scrollTop(40, 3, 5, 10)).toBe(0);
    expect(scrollTop(30, 35, 38, 10)).toBe(28);
  });

  it('a window of rows keeps the columns of the whole table', () => {
    const rows = ['a', 'a-very-long-name', 'b'].map((name) => ({ name } as unknown as AgentRow));
    const mk = (r: AgentRow[]) => r.map((x) => ({ ...x, state: 'idle', reason: '', since: 0, sinceKnown: true, task: '', queued: 0, failed: 0, branch: '', lastLine: '', command: '', agent: true, diff: null, spark: '', context: null, cost: null } as AgentRow));
    const all = mk(rows);
    const whole = tableLines(all, 0, 80, 1000);
    expect(tableLines(all.slice(2), -1, 80, 1000, all)).toEqual([whole[2]]);
  });
});
