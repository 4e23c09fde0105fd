import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startClaude, type ClaudePane } from '../helpers/agents/claude-pane.js';
import { CLAUDE_SCREEN, inputText } from '../helpers/agents/claude-screen.js';
import { ensureClaude } from '../helpers/agents/install.js';
import { startModelServer, type ModelServer } from '../helpers/agents/model-server.js';
import { deliver, submitTurn, waitReady } from '../helpers/agents/turns.js';

/**
 * What Claude Code 2.1.197 does NOT take byte for byte, pinned so that a new version that changes
 * it shows up here (FINDINGS.md). miyabi has to escape, refuse or warn about these; the harness
 * only records them. Runs only in `npm run test:agents`.
 */
const RUN = process.env.MIYABI_AGENT_TESTS === '1';

describe.skipIf(!RUN)('real Claude Code: text that is changed or not submitted as typed', () => {
  let server: ModelServer;
  let pane: ClaudePane;

  beforeAll(async () => {
    await ensureClaude();
    server = await startModelServer();
    pane = await startClaude({ baseUrl: server.url });
    await waitReady(pane);
  });

  afterAll(async () => {
    await pane?.stop();
    await server?.close();
  });

  it('turns each tab into four spaces', async () => {
    expect(await submitTurn(pane, server, 'col1\tcol2\t\tcol4')).toEqual(['col1    col2        col4']);
  });

  it('drops trailing spaces (leading ones and trailing newlines stay)', async () => {
    expect(await submitTurn(pane, server, '  both sides  ')).toEqual(['  both sides']);
  });

  it('gets CRLF as two newlines (paste-buffer turns LF into CR, so CR LF arrives as CR CR)', async () => {
    expect(await submitTurn(pane, server, 'crlf\r\nline2')).toEqual(['crlf\n\nline2']);
  });

  it('takes a trailing backslash + Enter as "new line": the backslash is lost, a second Enter submits', async () => {
    await waitReady(pane);
    const before = server.turns().length;
    pane.paste('ends with a backslash\\', { enter: false });
    await vi.waitFor(() => expect(inputText(pane.screenWithAttributes())).toBe('ends with a backslash\\'));
    pane.keys('Enter');
    await vi.waitFor(() => expect(inputText(pane.screenWithAttributes())).toBe('ends with a backslash'));
    expect(pane.screen()).toMatch(/^❯\u00a0ends with a backslash\n *\n─/m);
    expect(server.turns().length).toBe(before);
    pane.keys('Enter');
    await vi.waitFor(() => expect(server.turns().length).toBe(before + 1), { timeout: 20_000 });
    expect(server.turns().slice(before)).toEqual(['ends with a backslash']);
    // deliver() does the same without noticing: it presses Enter again when the line is not empty.
    await waitReady(pane);
    expect(await deliver(pane, 'again\\')).toBe(2);
    await vi.waitFor(() => expect(server.turns().at(-1)).toBe('again'), { timeout: 20_000 });
  });

  it('runs a leading "/" word as a slash command: nothing reaches the model', async () => {
    await waitReady(pane);
    const before = server.requests().length;
    await deliver(pane, '/notacommand some args');
    await pane.waitForScreen(/^● Unknown command: \/notacommand$/m);
    await waitReady(pane);
    expect(server.requests().length).toBe(before);
  });

  it('runs a leading "!" as a shell command in the pane (bash mode); the model gets its output', async () => {
    await waitReady(pane);
    const text = '!echo miyabi-bang-$((6*7))';
    pane.paste(text, { enter: false });
    // The `!` becomes the prompt (`!` + NBSP) and the footer says `! for shell mode`.
    const shell = await pane.waitForScreen(/^!\u00a0echo miyabi-bang-\$\(\(6\*7\)\)$/m);
    expect(shell).toMatch(CLAUDE_SCREEN.shellMode);
    expect(inputText(pane.screenWithAttributes())).toBe('echo miyabi-bang-$((6*7))');
    pane.keys('Enter');
    await pane.waitForScreen(/⎿\s+miyabi-bang-42$/m);
    await waitReady(pane);
    await vi.waitFor(() =>
      expect(server.turnBlocks().at(-1)).toEqual([
        '<bash-input>echo miyabi-bang-$((6*7))</bash-input>\n',
        '<bash-stdout>miyabi-bang-42</bash-stdout><bash-stderr></bash-stderr>',
      ]),
    );
    expect(server.turns()).not.toContain(text);
  });

  it('loses the text before an ESC [ 2 0 1 ~ in the payload (tmux 3.3a does not sanitise pastes)', async () => {
    expect(await submitTurn(pane, server, 'before\x1b[201~after')).toEqual(['after']);
  });

  it('without paste-buffer -p (no bracketed paste) each line of a multi-line text is its own turn', async () => {
    await waitReady(pane);
    const before = server.turns().length;
    const buffer = `miyabi-test-nobracket-${process.pid}`;
    execFileSync('tmux', ['-L', pane.tmux.socket, 'load-buffer', '-b', buffer, '-'], { input: 'nb line1\nnb line2' });
    pane.tmux.tmux('paste-buffer', '-d', '-b', buffer, '-t', pane.paneId);
    await vi.waitFor(() => expect(server.turns().length).toBe(before + 1), { timeout: 20_000 });
    await vi.waitFor(() => expect(inputText(pane.screenWithAttributes())).toBe('nb line2'), { timeout: 20_000 });
    pane.keys('Enter');
    await vi.waitFor(() => expect(server.turns().length).toBe(before + 2), { timeout: 20_000 });
    expect(server.turns().slice(before)).toEqual(['nb line1', 'nb line2']);
  });
});
