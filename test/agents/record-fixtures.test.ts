import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { startClaude, type ClaudePane } from '../helpers/agents/claude-pane.js';
import { CLAUDE_SCREEN, inputText } from '../helpers/agents/claude-screen.js';
import { ensureClaude } from '../helpers/agents/install.js';
import { startModelServer, type ModelServer } from '../helpers/agents/model-server.js';
import { deliver, waitReady } from '../helpers/agents/turns.js';

/**
 * Re-records test/agents/fixtures/claude-*.txt (plain `capture-pane -p`) and *.ansi (`-p -e`)
 * from a real Claude Code: `MIYABI_RECORD_FIXTURES=1 npm run test:agents -- record-fixtures`.
 * The temporary folder and the API key are replaced by fixed strings of the same length, so a
 * re-recording only differs where Claude Code does. (claude-no-config-exit.txt was captured by
 * hand: it needs no `.claude.json`, and then Claude Code looks up api.anthropic.com.)
 */
const RECORD = process.env.MIYABI_AGENT_TESTS === '1' && process.env.MIYABI_RECORD_FIXTURES === '1';
const DIR = join(import.meta.dirname, 'fixtures');
const KEY = 'sk-ant-test-fixture0fixture1fixture2fixtur';

function saver(pane: ClaudePane) {
  const root = pane.cwd.slice(0, -'/work'.length);
  const fixed = '/tmp/miyabi-claude-XXXXXX';
  const clean = (s: string) => s.split(root).join(fixed.padEnd(root.length, 'X').slice(0, root.length));
  expect(root).toMatch(/^\/tmp\/miyabi-claude-\w{6}$/);
  return (name: string, withAnsi = true) => {
    writeFileSync(join(DIR, `claude-${name}.txt`), clean(pane.screen()));
    if (withAnsi) writeFileSync(join(DIR, `claude-${name}.ansi`), clean(pane.screenWithAttributes()));
  };
}

const input = (pane: ClaudePane) => inputText(pane.screenWithAttributes());

describe.skipIf(!RECORD)('record Claude Code screen fixtures', () => {
  let server: ModelServer;

  it('records the states of a configured Claude Code', async () => {
    await ensureClaude();
    server = await startModelServer();
    const pane = await startClaude({ baseUrl: server.url, apiKey: KEY });
    const save = saver(pane);
    try {
      await waitReady(pane);
      save('idle');
      pane.paste('half typed, not sent', { enter: false });
      await vi.waitFor(() => expect(input(pane)).toBe('half typed, not sent'));
      save('half-typed');
      pane.keys('C-u');
      await waitReady(pane);
      pane.paste('many\nlines\n'.repeat(150), { enter: false });
      await pane.waitForScreen(CLAUDE_SCREEN.pasted);
      save('pasted-fold');
      pane.keys('Enter');
      await vi.waitFor(() => expect(server.turns().length).toBe(1), { timeout: 20_000 });
      await waitReady(pane);
      await pane.waitForScreen(CLAUDE_SCREEN.idle, 30_000); // `paste again to expand` goes away
      save('idle-after-turn');
      server.hold();
      await deliver(pane, 'please hold');
      await pane.waitForScreen(CLAUDE_SCREEN.busy);
      save('busy');
      pane.paste('typed while busy', { enter: false });
      await vi.waitFor(() => expect(input(pane)).toBe('typed while busy'));
      save('busy-typing');
      pane.keys('Enter');
      await pane.waitForScreen(CLAUDE_SCREEN.queued);
      save('queued');
      server.release();
      await vi.waitFor(() => expect(server.turns().length).toBe(3), { timeout: 20_000 });
      await waitReady(pane);
      pane.paste('!echo from shell mode', { enter: false });
      await pane.waitForScreen(CLAUDE_SCREEN.shellMode);
      save('shell-mode');
    } finally {
      server.release();
      await pane.stop();
      await server.close();
    }
  }, 120_000);

  it('records the first-run prompts, and the state after the key is refused', async () => {
    server = await startModelServer();
    const pane = await startClaude({ baseUrl: server.url, apiKey: KEY, firstRun: true });
    const save = saver(pane);
    try {
      await pane.waitForScreen(CLAUDE_SCREEN.trustPrompt);
      save('trust');
      pane.keys('Enter');
      await pane.waitForScreen(CLAUDE_SCREEN.apiKeyPrompt);
      save('api-key');
      pane.keys('Enter'); // `2. No (recommended)`
      await waitReady(pane);
      await deliver(pane, 'hello');
      await pane.waitForScreen(/Not logged in · Please run \/login/);
      save('not-logged-in');
    } finally {
      await pane.stop();
      await server.close();
    }
  }, 120_000);
});
