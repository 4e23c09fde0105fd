import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import { privateTmux, type TestTmux } from '../tmux-server.js';
import { ensureClaude } from './install.js';

/**
 * A real Claude Code as the only pane of a private tmux server (unique -L socket, no user
 * config), with a throwaway HOME and working folder, talking to a model server on 127.0.0.1.
 *
 * The tmux server is started with a minimal environment (PATH, LANG, HOME, TMUX_TMPDIR) so
 * nothing from the caller (ANTHROPIC_*, CLAUDE_CONFIG_DIR, proxies) leaks into the agent; the
 * agent's own variables are given with `env` in its argv (no shell).
 */
export interface ClaudePaneOptions {
  /** Where the model server listens: `http://127.0.0.1:<port>`. */
  baseUrl: string;
  /**
   * false (default): `.claude.json` says onboarding done, key approved, folder trusted, so Claude
   * starts at its prompt. true: only onboarding and theme, so the folder-trust prompt and then the
   * API-key prompt show. (With no `.claude.json` at all Claude Code 2.1.197 probes
   * api.anthropic.com, fails with ENOTFOUND and exits — so that is not offered.)
   */
  firstRun?: boolean;
  cols?: number;
  rows?: number;
  /** Extra environment for the agent (wins over the defaults). */
  env?: Record<string, string>;
  /** The binary; default: ensureClaude(). */
  binary?: string;
  /** Default: `sk-ant-test-` + 32 random hex digits. */
  apiKey?: string;
}

export interface ClaudePane {
  readonly tmux: TestTmux;
  readonly paneId: string;
  /** The agent's pid (pane_pid: `env` execs claude). */
  readonly pid: number;
  readonly home: string;
  readonly cwd: string;
  readonly apiKey: string;
  /** The screen now (`capture-pane -p`). */
  screen(): string;
  /** The screen with SGR attributes (`capture-pane -p -e`). */
  screenWithAttributes(): string;
  /** Polls until `re` matches the screen; returns that screen; on timeout throws with the screen. */
  waitForScreen(re: RegExp, timeoutMs?: number): Promise<string>;
  /** The delivery recipe: load-buffer (stdin) + paste-buffer -p -d, then `Enter` unless false. */
  paste(text: string, opts?: { enter?: boolean }): void;
  /** tmux key names, one send-keys call each (`Enter`, `Up`, `C-u`). */
  keys(...names: string[]): void;
  stop(): Promise<void>;
}

/** Variables that keep Claude Code off the internet (read from its 2.1.197 binary and docs). */
export const OFFLINE_ENV: Record<string, string> = {
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  DISABLE_AUTOUPDATER: '1',
  DISABLE_TELEMETRY: '1',
  DISABLE_ERROR_REPORTING: '1',
  // Without this it looks up downloads.claude.ai at start for the official plugin marketplace.
  CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL: '1',
  CLAUDE_CODE_DISABLE_FEEDBACK_SURVEY: '1',
};

let bufferSeq = 0;

export async function startClaude(opts: ClaudePaneOptions): Promise<ClaudePane> {
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(opts.baseUrl)) throw new Error(`baseUrl must be loopback: ${opts.baseUrl}`);
  const binary = opts.binary ?? (await ensureClaude());
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'miyabi-claude-')));
  const home = join(root, 'home');
  const cwd = join(root, 'work');
  mkdirSync(home);
  mkdirSync(cwd);
  const apiKey = opts.apiKey ?? `sk-ant-test-${randomBytes(16).toString('hex')}`;
  const claudeJson = opts.firstRun
    ? { hasCompletedOnboarding: true, theme: 'dark' }
    : {
        hasCompletedOnboarding: true,
        theme: 'dark',
        customApiKeyResponses: { approved: [apiKey.slice(-20)], rejected: [] },
        projects: { [cwd]: { hasTrustDialogAccepted: true } },
      };
  writeFileSync(join(home, '.claude.json'), JSON.stringify(claudeJson));

  const tmux = privateTmux('miyabi-claude');
  const serverEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH, LANG: 'C.UTF-8', HOME: home };
  if (process.env.TMUX_TMPDIR) serverEnv.TMUX_TMPDIR = process.env.TMUX_TMPDIR;
  const agentEnv: Record<string, string> = {
    HOME: home,
    TERM: 'xterm-256color',
    ANTHROPIC_API_KEY: apiKey,
    ANTHROPIC_BASE_URL: opts.baseUrl,
    ...OFFLINE_ENV,
    ...opts.env,
  };
  const argv = ['env', ...Object.entries(agentEnv).map(([k, v]) => `${k}=${v}`), binary];
  const cols = String(opts.cols ?? 120);
  const rows = String(opts.rows ?? 40);
  let paneId: string;
  let pid: number;
  try {
    const out = execFileSync(
      'tmux',
      ['-L', tmux.socket, '-f', '/dev/null', 'new-session', '-d', '-P', '-F', '#{pane_id} #{pane_pid}',
        '-x', cols, '-y', rows, '-c', cwd, '--', ...argv],
      { encoding: 'utf8', env: serverEnv, stdio: ['ignore', 'pipe', 'pipe'] },
    ).trim();
    const [id, p] = out.split(' ');
    paneId = id ?? '';
    pid = Number(p);
    if (!/^%\d+$/.test(paneId) || !(pid > 0)) throw new Error(`unexpected new-session output: ${out}`);
  } catch (e) {
    tmux.reap();
    rmSync(root, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 });
    throw e;
  }

  const screen = () => tmux.tmux('capture-pane', '-p', '-t', paneId);
  const pane: ClaudePane = {
    tmux,
    paneId,
    pid,
    home,
    cwd,
    apiKey,
    screen,
    screenWithAttributes: () => tmux.tmux('capture-pane', '-p', '-e', '-t', paneId),
    waitForScreen: (re, timeoutMs = 20_000) =>
      vi.waitFor(
        () => {
          const s = screen();
          if (!re.test(s)) throw new Error(`screen of ${paneId} does not match ${re}:\n${s}`);
          return s;
        },
        { timeout: timeoutMs, interval: 50 },
      ),
    paste: (text, { enter = true } = {}) => {
      const buffer = `miyabi-test-${process.pid}-${++bufferSeq}`;
      execFileSync('tmux', ['-L', tmux.socket, 'load-buffer', '-b', buffer, '-'], { input: text, stdio: ['pipe', 'ignore', 'pipe'] });
      tmux.tmux('paste-buffer', '-p', '-d', '-b', buffer, '-t', paneId);
      if (enter) tmux.tmux('send-keys', '-t', paneId, 'Enter');
    },
    keys: (...names) => {
      for (const k of names) tmux.tmux('send-keys', '-t', paneId, k);
    },
    stop: async () => {
      await stopPid(pid);
      tmux.reap();
      rmSync(root, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 });
    },
  };
  return pane;
}

/** A zombie counts as gone: tmux 3.3a can be slow to reap (RELIABILITY.md, tmux hazards 13). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2) !== 'Z';
  } catch {
    return true;
  }
}

/** SIGTERM, then SIGKILL after a deadline. The pid is the pane's child: tmux reaps it. */
async function stopPid(pid: number): Promise<void> {
  if (!alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  try {
    await vi.waitFor(() => {
      if (alive(pid)) throw new Error(`pid ${pid} still alive`);
    }, { timeout: 5_000, interval: 50 });
  } catch {
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
}
