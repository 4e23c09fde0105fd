import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pty from 'node-pty';
import { vi } from 'vitest';
import { privateTmux, type TestTmux } from './tmux-server.js';

/**
 * A real terminal for end-to-end tests of full-screen and line programs.
 *
 * The program runs as the only pane of a private tmux server (unique -L socket). A tmux client is
 * attached to it inside a node-pty terminal, and keys are typed into that pty, so they take the
 * path a person's keystrokes take (terminal -> tmux client -> pane). tmux is the terminal
 * emulator: `capture-pane` reads back the grid exactly as it is drawn, with `-e` when the test
 * needs the attributes (reverse video for a highlighted row). `remain-on-exit` keeps the pane
 * after the program ends, so whether it left the alternate screen can be read.
 *
 * The exit status is not taken from `#{pane_dead_status}`: on tmux 3.3a the server can miss the
 * pane's SIGCHLD (RELIABILITY.md, tmux hazards 13), leaving pane_dead=1 with no status until some
 * other child exits. A small `sh` wrapper waits for the program and writes `$?` to a file instead.
 */
export interface TerminalSession {
  readonly tmux: TestTmux;
  /** Types raw bytes at the keyboard: 'j', '\r' for Enter, '\x03' for C-c, '\x1b[B' for Down. */
  type(text: string): void;
  /** The screen now, one string per row, trailing blanks removed. */
  screen(): string[];
  /** Everything the pane has shown: its scrollback and then the screen. */
  transcript(): string[];
  /** The screen with SGR escapes kept (capture-pane -e). */
  screenWithAttributes(): string[];
  /** Waits (no fixed sleeps) until pred holds for the screen; returns that screen. */
  waitForScreen(pred: (lines: string[]) => boolean, opts?: WaitOptions): Promise<string[]>;
  waitForText(text: string, opts?: WaitOptions): Promise<string[]>;
  /** null while the program runs, else its exit status (128+n for signal n). */
  exitStatus(): number | null;
  waitForExit(timeoutMs?: number): Promise<number>;
  /** True while the pane shows the alternate screen (a full-screen program has not restored it). */
  alternateScreen(): boolean;
  close(): void;
}

export interface WaitOptions {
  timeoutMs?: number;
  /** Look at the transcript (scrollback too), not only the visible screen. */
  scrollback?: boolean;
}

export const KEY = { up: '\x1b[A', down: '\x1b[B', enter: '\r', ctrlC: '\x03', ctrlD: '\x04' } as const;

const SESSION = 'e2e';

export async function startInTerminal(
  argv: string[],
  opts: { cols?: number; rows?: number; cwd?: string; env?: Record<string, string> } = {},
): Promise<TerminalSession> {
  const cols = opts.cols ?? 120;
  const rows = opts.rows ?? 30;
  const confDir = mkdtempSync(join(tmpdir(), 'miyabi-e2e-tmux-'));
  const conf = join(confDir, 'tmux.conf');
  const statusFile = join(confDir, 'exit-status');
  writeFileSync(
    conf,
    ['set -g remain-on-exit on', 'set -g status off', 'set -g escape-time 10', 'set -g default-terminal screen', ''].join(
      '\n',
    ),
  );
  const tmux = privateTmux('miyabi-e2e');
  let client: pty.IPty | undefined;
  const cleanup = () => {
    try {
      client?.kill();
    } catch {
      // already gone
    }
    tmux.reap();
    rmSync(confDir, { recursive: true, force: true });
  };
  try {
    const env = Object.entries(opts.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    const wrapper = '"$@"; s=$?; echo $s > "$0.tmp" && mv "$0.tmp" "$0"; exit $s';
    tmux.tmux('-f', conf, 'new-session', '-d', '-s', SESSION, '-x', String(cols), '-y', String(rows),
      ...(opts.cwd ? ['-c', opts.cwd] : []), ...env, '--', '/bin/sh', '-c', wrapper, statusFile, ...argv);
    client = pty.spawn('tmux', ['-L', tmux.socket, 'attach-session', '-t', SESSION], {
      name: 'xterm-256color',
      cols,
      rows,
      cwd: opts.cwd ?? process.cwd(),
      env: { ...process.env, TERM: 'xterm-256color', TMUX: '' } as Record<string, string>,
    });
    // Drain the client's output; nobody reads it, tmux's grid is the source of truth.
    client.onData(() => undefined);
    await vi.waitFor(
      () => {
        if (tmux.tmux('list-clients', '-t', SESSION, '-F', '#{client_name}').trim() === '') {
          throw new Error('tmux client not attached yet');
        }
      },
      { timeout: 10_000, interval: 25 },
    );
  } catch (err) {
    cleanup();
    throw err;
  }
  const attachedClient = client;

  const capture = (...flags: string[]) =>
    tmux
      .tmux('capture-pane', '-p', ...flags, '-t', SESSION)
      .replace(/\n$/, '')
      .split('\n')
      .map((l) => l.trimEnd());
  const display = (fmt: string) => tmux.tmux('display-message', '-p', '-t', SESSION, fmt).trim();

  const session: TerminalSession = {
    tmux,
    type: (text) => attachedClient.write(text),
    screen: () => capture(),
    screenWithAttributes: () => capture('-e'),
    transcript: () => capture('-S', '-'),
    waitForScreen: async (pred, { timeoutMs = 10_000, scrollback = false } = {}) => {
      let last: string[] = [];
      try {
        return await vi.waitFor(
          () => {
            last = scrollback ? capture('-S', '-') : capture();
            if (!pred(last)) throw new Error('screen condition not met');
            return last;
          },
          { timeout: timeoutMs, interval: 30 },
        );
      } catch {
        throw new Error(`screen condition not met within ${timeoutMs} ms; the screen was:\n${last.join('\n')}`);
      }
    },
    waitForText: (text, opts) => session.waitForScreen((l) => l.some((x) => x.includes(text)), opts),
    exitStatus: () => {
      try {
        const text = readFileSync(statusFile, 'utf8').trim();
        return text === '' ? null : Number(text);
      } catch {
        return null;
      }
    },
    waitForExit: (timeoutMs = 10_000) =>
      vi.waitFor(
        () => {
          const s = session.exitStatus();
          if (s === null) {
            const state = display('pane_dead=#{pane_dead} pid=#{pane_pid}');
            throw new Error(`program still running (${state}); the screen was:\n${capture().join('\n')}`);
          }
          return s;
        },
        { timeout: timeoutMs, interval: 30 },
      ),
    alternateScreen: () => display('#{alternate_on}') === '1',
    close: cleanup,
  };
  return session;
}
