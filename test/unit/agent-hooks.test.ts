import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionLayout, PaneLayout } from '../../src/config/layout-types.js';
import { withAgentHooks } from '../../src/agents/agent-hooks.js';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const pane = (name: string, argv: string[], kind: 'argv' | 'shell' = 'argv'): PaneLayout => ({ name, role: 'agent', command: { kind, argv }, cwd: '/', env: {}, hooks: true });
const layout = (...panes: PaneLayout[]): SessionLayout => ({ source: 't', session: 's', root: '/', env: {}, windows: [{ name: 'w', arrangement: 'tiled', panes }] });
const miyabi = { node: '/usr/bin/node', bin: '/opt/miyabi/bin/miyabi.js' };

describe('agent CLI hooks', () => {
  it("gives Claude Code a settings file whose hooks run miyabi hook, and Codex a notify program", () => {
    dir = mkdtempSync(join(tmpdir(), 'miyabi-hooks-'));
    const out = withAgentHooks(layout(pane('c', ['claude', '--model', 'x']), pane('x', ['/bin/sh', '-c', 'codex --full-auto'], 'shell')), dir, miyabi);
    const [c, x] = out.windows[0]!.panes;
    const file = join(dir, 'c.json');
    expect(c!.command.argv).toEqual(['claude', '--model', 'x', '--settings', file]);
    const settings = JSON.parse(readFileSync(file, 'utf8')) as { hooks: Record<string, [{ hooks: [{ command: string }] }]> };
    expect(Object.keys(settings.hooks)).toEqual(['UserPromptSubmit', 'Stop', 'Notification']);
    expect(settings.hooks.Stop![0].hooks[0].command).toBe(`'/usr/bin/node' '/opt/miyabi/bin/miyabi.js' hook stop`);
    expect(x!.command.argv[2]).toBe(`codex --full-auto -c 'notify=["/usr/bin/node","/opt/miyabi/bin/miyabi.js","hook","stop"]'`);
  });

  it('refuses hooks for a program it has none for', () => {
    dir = mkdtempSync(join(tmpdir(), 'miyabi-hooks-'));
    expect(() => withAgentHooks(layout(pane('a', ['aider'])), dir, miyabi)).toThrow(/Claude Code and Codex only/);
  });
});
