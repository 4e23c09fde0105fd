import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionLayout, PaneLayout } from '../../src/config/layout-types.js';
import { codexHookFlags, withAgentHooks } from '../../src/agents/agent-hooks.js';
import { shQuote } from '../../src/core/sh-quote.js';

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
    const prompt = `hooks.UserPromptSubmit=[{hooks=[{type="command",command="'/usr/bin/node' '/opt/miyabi/bin/miyabi.js' hook prompt-submit"}]}]`;
    expect(x!.command.argv[2]).toBe(
      `codex --full-auto -c 'notify=["/usr/bin/node","/opt/miyabi/bin/miyabi.js","hook","stop"]' --dangerously-bypass-hook-trust -c ${shQuote(prompt)}`,
    );
  });

  it("gives Codex its UserPromptSubmit hook on the command line, as TOML it parses", () => {
    const flags = codexHookFlags({ node: '/n o/node', bin: `/it's/miyabi.js` });
    expect(flags.slice(0, 3)).toEqual(['-c', 'notify=["/n o/node","/it\'s/miyabi.js","hook","stop"]', '--dangerously-bypass-hook-trust']);
    // The inline table's command string: a TOML basic string holding the sh-quoted command.
    const value = /command=("(?:[^"\\]|\\.)*")/.exec(flags[4]!)![1]!;
    expect(JSON.parse(value)).toBe(`'/n o/node' '/it'\\''s/miyabi.js' hook prompt-submit`);
  });

  it('refuses hooks for a program it has none for', () => {
    dir = mkdtempSync(join(tmpdir(), 'miyabi-hooks-'));
    expect(() => withAgentHooks(layout(pane('a', ['aider'])), dir, miyabi)).toThrow(/Claude Code and Codex only/);
  });
});
