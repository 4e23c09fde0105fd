import { describe, expect, it } from 'vitest';
import { FIELD_SEP as S, PANE_FORMAT, RECORD_MARK as M, parsePanes } from '../../../src/tmux/format.js';

function record(over: Partial<Record<string, string>> = {}): string {
  const f = {
    id: '%3',
    session: 'main',
    windowId: '@1',
    windowName: 'agents',
    windowIndex: '0',
    paneIndex: '2',
    pid: '4242',
    dead: '0',
    deadStatus: '',
    inMode: '0',
    width: '80',
    agent: 'agent-1',
    role: 'agent',
    cmd: 'claude',
    start: '/bin/sh /x/main.agent-1.sh',
    path: '/home/me/repo',
    ...over,
  };
  return M + Object.values(f).join(S);
}

describe('PANE_FORMAT', () => {
  it('asks for every field, pane options included, and starts with the record mark', () => {
    expect(PANE_FORMAT.startsWith(M)).toBe(true);
    for (const f of ['pane_id', 'pane_dead_status', 'pane_in_mode', '@miyabi_agent', '@miyabi_role', 'pane_start_command']) {
      expect(PANE_FORMAT).toContain(`#{${f}}`);
    }
    expect(PANE_FORMAT.endsWith('#{pane_current_path}')).toBe(true);
  });
});

describe('parsePanes', () => {
  it('parses a live and a dead pane', () => {
    const out = `${record()}\n${record({ id: '%4', dead: '1', deadStatus: '3', inMode: '1', agent: '', role: '' })}\n`;
    expect(parsePanes(out)).toEqual([
      {
        paneId: '%3',
        sessionName: 'main',
        windowId: '@1',
        windowName: 'agents',
        windowIndex: 0,
        paneIndex: 2,
        pid: 4242,
        dead: false,
        deadStatus: null,
        currentCommand: 'claude',
        currentPath: '/home/me/repo',
        startCommand: '/bin/sh /x/main.agent-1.sh',
        inMode: false,
        width: 80,
        agent: 'agent-1',
        role: 'agent',
      },
      expect.objectContaining({ paneId: '%4', dead: true, deadStatus: 3, inMode: true, agent: '', role: '' }),
    ]);
  });

  it('keeps newlines and separators that belong to the path', () => {
    const path = `/tmp/a\nb${S}c\n`;
    const out = `${record({ path })}\n${record({ id: '%5' })}\n`;
    const panes = parsePanes(out);
    expect(panes.map((p) => p.currentPath)).toEqual([path, '/home/me/repo']);
    // The same from control-mode reply lines.
    expect(parsePanes(out.slice(0, -1).split('\n')).map((p) => p.currentPath)).toEqual([path, '/home/me/repo']);
  });

  it('returns nothing for empty output and refuses output it does not understand', () => {
    expect(parsePanes('')).toEqual([]);
    expect(parsePanes([])).toEqual([]);
    expect(() => parsePanes('garbage\n')).toThrow(expect.objectContaining({ code: 'TMUX_COMMAND' }));
    expect(() => parsePanes(`${M}%1${S}x\n`)).toThrow(/unexpected list-panes output/);
  });
});
