import { describe, expect, it } from 'vitest';
import { sessionSpec } from '../../../src/agents/session-spec.js';
import type { PaneLayout, SessionLayout } from '../../../src/config/layout-types.js';

const pane = (name: string, role: PaneLayout['role'], kind: PaneLayout['command']['kind']): PaneLayout =>
  ({ name, role, command: { kind, argv: ['x'] }, cwd: '/r', env: {} }) as PaneLayout;

describe('sessionSpec', () => {
  it("starts miyabi's own conductor and dashboard once the controller's socket is there, nothing else (issue #17)", () => {
    const layout = {
      source: 'x', session: 's', root: '/r', env: {},
      windows: [{ name: 'main', arrangement: 'tiled', panes: [
        pane('conductor', 'conductor', 'default'), pane('dashboard', 'dashboard', 'default'),
        pane('mine', 'dashboard', 'argv'), pane('a1', 'agent', 'default'), pane('shell-1', 'shell', 'default'),
      ] }],
    } as unknown as SessionLayout;
    const spec = sessionSpec(layout, { root: '/r', tmuxSocket: 't', ipcSocket: '/r/.miyabi/run/ctl.sock', baseEnv: {} }, '/r/.miyabi/run/panes');
    const waits = Object.fromEntries(spec.windows[0]!.panes.map((p) => [p.name, p.waitFor ?? null]));
    expect(waits).toEqual({ conductor: '/r/.miyabi/run/ctl.sock', dashboard: '/r/.miyabi/run/ctl.sock', mine: null, a1: null, 'shell-1': null });
  });
});
