// send → `delivered (submitted)` into real agent CLIs (BENCH_ONLY=agents): Claude Code and Codex,
// each in a miyabi session of its own against a model server on 127.0.0.1 (model-servers.mjs),
// beside the same into a plain shell pane measured in the same run. The clock runs from the
// message's rename into new/ to the controller's `message.delivered` record (what `send --wait`
// waits for); a second row per agent runs to the model server receiving the turn. Each message
// goes to an idle agent (a pause outside the clock), and each must reach the model once, byte for
// byte, or the bench says so. The CLIs come from the agents suite's cache (`npm run test:agents`
// installs them); without them the row says not measured, and why.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBenchModelServer } from './model-servers.mjs';
import { summarize } from './stats.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin', 'miyabi.js');
const { writeMessage } = await import(join(ROOT, 'dist', 'bus', 'writer.js'));
// Pinned as in test/helpers/agents/install.ts.
const CACHE = process.env.MIYABI_AGENT_CACHE || join(homedir(), '.cache', 'miyabi-test-agents');
const CLAUDE = join(CACHE, 'claude-code-2.1.197', 'node_modules', '.bin', 'claude');
const CODEX = join(CACHE, 'codex-0.169.0', 'node_modules', '.bin', 'codex');
const pause = (ms) => new Promise((r) => setTimeout(r, ms));

export async function benchAgents(n) {
  const rows = [];
  const shell = await session('shell', n, null);
  rows.push(...shell);
  const base = shell[0];
  for (const kind of ['claude', 'codex']) {
    const bin = kind === 'claude' ? CLAUDE : CODEX;
    if (!existsSync(bin)) {
      rows.push({ name: `send → submitted into real ${kind}: not measured, ${bin} is not installed (run npm run test:agents once)`, runs: 0, p50: NaN, p90: NaN, p99: NaN });
      continue;
    }
    const server = await startBenchModelServer(kind === 'claude' ? 'anthropic' : 'responses');
    try {
      const r = await session(kind, n, server, bin);
      if (base?.p50 > 0) r[0] = { ...r[0], ratio: r[0].p50 / base.p50, baseline: 'shell' };
      rows.push(...r);
    } finally {
      await server.close();
    }
  }
  return rows;
}

async function session(kind, n, server, bin) {
  const root = realpathSync(mkdtempSync(join(tmpdir(), `miyabi-bench-${kind}-`)));
  execFileSync('git', ['init', '-q', root]);
  const home = join(root, '.home');
  mkdirSync(home);
  const { argv, env } = agentCommand(kind, root, home, server, bin);
  const envYaml = Object.entries(env).map(([k, v]) => `          ${k}: ${JSON.stringify(v)}\n`).join('');
  writeFileSync(join(root, 'l.yaml'), `session: bench${kind}\nwindows:\n  - name: main\n    panes:\n      - role: agent\n        name: a1\n        command: ${JSON.stringify(argv)}\n        env:\n${envYaml}`);
  const sock = `miyabi-bench-${kind}-${process.pid}`;
  const cliEnv = { ...process.env, MIYABI_TMUX_SOCKET: sock, MIYABI_SUPERVISE: '0' };
  const up = spawnSync(process.execPath, [BIN, 'up', '--detach', '-l', 'l.yaml'], { cwd: root, env: cliEnv, encoding: 'utf8' });
  if (up.status !== 0) throw new Error(`bench ${kind}: up failed: ${up.stderr}`);
  const journal = join(root, '.miyabi', 'journal', 'events.jsonl');
  const delivered = (id) => {
    for (const l of readFileSync(journal, 'utf8').split('\n')) {
      if (!l.includes(id) || !/"message\.(delivered|failed)"/.test(l)) continue;
      const r = JSON.parse(l);
      return { at: r.ts, outcome: r.payload.outcome, attempts: r.payload.attempts ?? 1, failed: r.type === 'message.failed' };
    }
    return null;
  };
  try {
    // Its start-up is not ours to time: a first message, delivered, before the clock.
    const warm = writeMessage(join(root, '.miyabi', 'bus'), { from: 'bench', to: 'a1', text: kind === 'shell' ? ': warm up' : 'warm up' });
    await waitFor(() => delivered(warm.id), 90_000, `${kind}: the first message`);
    // Codex may take a first turn only once its start-up ends (`Waiting for startup`).
    if (server) await waitFor(() => server.turns().length > 0, 60_000, `${kind}: the first message at the model`);
    const toRecord = [];
    const toModel = [];
    let bad = 0;
    let retried = 0;
    for (let i = 0; i < n; i++) {
      await pause(kind === 'shell' ? 200 : 1500); // idle again: the reply drawn, the turn over
      const text = kind === 'shell' ? `: bench message ${i}` : `bench message ${i} with   spaces`;
      const before = server?.turns().length ?? 0;
      const t0 = Date.now();
      const w = writeMessage(join(root, '.miyabi', 'bus'), { from: 'bench', to: 'a1', text });
      const d = await waitFor(() => delivered(w.id), 60_000, `${kind}: message ${i}`);
      if (d.failed || d.outcome !== 'submitted') bad++;
      if (d.attempts > 1) retried++;
      toRecord.push(d.at - t0);
      if (server) {
        const turn = await waitFor(() => server.turns()[before], 30_000, `${kind}: message ${i} at the model`);
        if (!turn.text.endsWith(text) || server.turns().length !== before + 1) bad++;
        toModel.push(turn.at - t0);
      }
    }
    const what = kind === 'shell' ? 'a plain shell pane (bash, baseline)' : `real ${kind === 'claude' ? 'Claude Code 2.1.197' : 'Codex 0.169.0'}`;
    const check = bad === 0 ? 'all submitted once' : `${bad} NOT submitted once`;
    const rows = [{ name: `send → delivered (submitted) into ${what} (${n} msgs, ${check}, ${retried} needed a 2nd Enter)`, ...summarize(toRecord), target: kind === 'shell' ? '' : 'p50 < 300, p99 < 1000' }];
    if (server) rows.push({ name: `send → turn at the model server, real ${kind} (${n} msgs)`, ...summarize(toModel) });
    return rows;
  } finally {
    spawnSync(process.execPath, [BIN, 'down'], { cwd: root, env: cliEnv, timeout: 30_000 });
    spawnSync('tmux', ['-L', sock, 'kill-server']);
    rmSync(root, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 });
  }
}

function agentCommand(kind, root, home, server, bin) {
  if (kind === 'shell') return { argv: ['bash', '--norc', '--noprofile'], env: { HOME: home, PS1: '$ ' } };
  if (kind === 'claude') {
    const key = `sk-ant-test-${'k'.repeat(32)}`;
    writeFileSync(join(home, '.claude.json'), JSON.stringify({ hasCompletedOnboarding: true, theme: 'dark', customApiKeyResponses: { approved: [key.slice(-20)], rejected: [] }, projects: { [root]: { hasTrustDialogAccepted: true } } }));
    const offline = { CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_AUTOUPDATER: '1', DISABLE_TELEMETRY: '1', DISABLE_ERROR_REPORTING: '1', CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL: '1', CLAUDE_CODE_DISABLE_FEEDBACK_SURVEY: '1' };
    return { argv: [bin], env: { HOME: home, ANTHROPIC_API_KEY: key, ANTHROPIC_BASE_URL: server.url, ...offline } };
  }
  mkdirSync(join(home, '.codex'));
  writeFileSync(
    join(home, '.codex', 'config.toml'),
    [
      'model_provider = "mock"', 'model = "gpt-mock"', 'check_for_update_on_startup = false', 'sandbox_mode = "danger-full-access"', 'approval_policy = "never"',
      '[model_providers.mock]', 'name = "mock"', `base_url = "${server.url}/v1"`, 'wire_api = "responses"', 'env_key = "MOCK_API_KEY"', 'request_max_retries = 0', 'stream_max_retries = 0',
      '[tui]', 'show_tooltips = false', '[features]', 'plugins = false', 'daemon_auto_start = false', '[analytics]', 'enabled = false', '[feedback]', 'enabled = false',
      `[projects.${JSON.stringify(root)}]`, 'trust_level = "trusted"', '',
    ].join('\n'),
  );
  return { argv: [bin, '--no-daemon'], env: { HOME: home, MOCK_API_KEY: 'bench' } };
}

async function waitFor(fn, ms, what) {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`bench: timed out waiting for ${what}`);
    await pause(2);
  }
}
