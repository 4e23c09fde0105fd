import { describe, expect, it } from 'vitest';
import { tmuxError } from '../../../src/tmux/errors.js';

describe('tmuxError', () => {
  it.each([
    ['no server running on /tmp/tmux-0/x', 'TMUX_UNREACHABLE'],
    ['error connecting to /tmp/tmux-0/x (No such file or directory)', 'TMUX_UNREACHABLE'],
    ['server exited unexpectedly', 'TMUX_UNREACHABLE'],
    ['lost server', 'TMUX_UNREACHABLE'],
    ["can't find pane: %9", 'TMUX_PANE_GONE'],
    ["can't find session: foo", 'TMUX_PANE_GONE'],
    ["can't find window: @3", 'TMUX_PANE_GONE'],
    ['no such session: =foo', 'TMUX_PANE_GONE'],
    ['no sessions', 'TMUX_PANE_GONE'],
    ['unknown command: frob', 'TMUX_COMMAND'],
    ['invalid option: @x', 'TMUX_COMMAND'],
    ['', 'TMUX_COMMAND'],
  ])('%j → %s', (text, code) => {
    const e = tmuxError('send-keys', text, 'sock');
    expect(e.code).toBe(code);
    expect(e.detail).toMatchObject({ subcommand: 'send-keys', socket: 'sock' });
    if (code === 'TMUX_COMMAND') expect(e.message).toMatch(/^tmux send-keys failed: /);
    if (code === 'TMUX_UNREACHABLE') expect(e.hint).toMatch(/miyabi up/);
  });
});
