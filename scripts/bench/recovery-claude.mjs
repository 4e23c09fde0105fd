// Recovery L1 with a real Claude Code (BENCH_ONLY=recovery-claude): from SIGKILL to the command
// running again, to its first output, and to its idle prompt in its own resumed conversation
// (`--resume <id>`), against a model server on 127.0.0.1. Baseline in the same run: the same pane
// respawned by hand with one `tmux respawn-pane -k` running the same resume command.
// Needs Claude Code 2.1.197 in the agents' cache (`npm run test:agents` installs it); else it says so.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarize } from './stats.mjs';
import { anthropicStream } from '../../test/helpers/agents/streams.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin', 'miyabi.js');
const CLAUDE = join(process.env.MIYABI_AGENT_CACHE || join(homedir(), '.cache', 'miyabi-test-agents'), 'claude-code-2.1.197', 'node_modules', '.bin', 'claude');

function modelServer() {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'HEAD') return res.writeHead(200).end();
      if (req.method !== 'POST' || !req.url.startsWith('/v1/messages')) return res.writeHead(404).end();
      anthropicStream(res, 0, 'ack');
    });
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server)));
}

async function until(fn, ms, what) {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

export async function benchRecoveryClaude(runs) {
  if (!existsSync(CLAUDE)) {
    process.stderr.write(`recovery-claude: not configured: no Claude Code 2.1.197 at ${CLAUDE} (npm run test:agents installs it)\n`);
    return [];
  }
  const server = await modelServer();
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'miyabi-bench-rc-')));
  execFileSync('git', ['init', '-q', root]);
  const home = join(root, '.home');
  mkdirSync(home);
  const key = `sk-ant-test-${'k'.repeat(32)}`;
  writeFileSync(join(home, '.claude.json'), JSON.stringify({ hasCompletedOnboarding: true, theme: 'dark', customApiKeyResponses: { approved: [key.slice(-20)], rejected: [] }, projects: { [root]: { hasTrustDialogAccepted: true } } }));
  const env = { HOME: home, ANTHROPIC_API_KEY: key, ANTHROPIC_BASE_URL: `http://127.0.0.1:${server.address().port}`, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_AUTOUPDATER: '1', DISABLE_TELEMETRY: '1', DISABLE_ERROR_REPORTING: '1', CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL: '1' };
  const envYaml = Object.entries(env).map(([k, v]) => `          ${k}: ${JSON.stringify(v)}\n`).join('');
  writeFileSync(join(root, 'l.yaml'), `session: benchrc\nrecovery: {pane: {limit: 100, backoff_ms: 0}}\nwindows:\n  - name: main\n    panes:\n      - role: agent\n        name: c1\n        command: [${JSON.stringify(CLAUDE)}]\n        cwd: ${JSON.stringify(root)}\n        env:\n${envYaml}`);
  const sock = `miyabi-bench-rc-${process.pid}`;
  const cli = { ...process.env, MIYABI_TMUX_SOCKET: sock, MIYABI_SUPERVISE: '0' };
  const miyabi = (...a) => spawnSync(process.execPath, [BIN, ...a], { cwd: root, env: cli, encoding: 'utf8' });
  const tmux = (...a) => execFileSync('tmux', ['-L', sock, ...a], { encoding: 'utf8' });
  const pane = () => tmux('list-panes', '-t', 'benchrc', '-F', '#{pane_id} #{pane_pid} #{pane_dead}').trim().split(' ');
  const screen = () => tmux('capture-pane', '-p', '-t', 'benchrc');
  const rows = [];
  try {
    if (miyabi('up', '--detach', '-l', 'l.yaml').status !== 0) throw new Error('bench: up failed');
    await until(() => screen().includes('? for shortcuts'), 60_000, 'Claude idle');
    if (!miyabi('send', 'c1', 'hello', '--wait').stdout.includes('delivered')) throw new Error('bench: send failed');
    const projects = join(home, '.claude', 'projects');
    await until(() => existsSync(projects) && readdirSync(projects).length > 0, 30_000, 'the transcript');
    await until(() => screen().includes('? for shortcuts'), 30_000, 'the turn to end');
    const times = { running: [], first: [], ready: [] };
    const one = async (kill) => {
      const [id, pid] = pane();
      const t0 = performance.now();
      kill(id, Number(pid));
      await until(() => { const [, p, dead] = pane(); return p !== pid && dead === '0'; }, 30_000, 'the command again');
      const t1 = performance.now();
      await until(() => screen().trim().length > 0, 30_000, 'first output');
      const t2 = performance.now();
      await until(() => screen().includes('? for shortcuts'), 60_000, 'the prompt');
      return [t1 - t0, t2 - t0, performance.now() - t0];
    };
    for (let i = 0; i < runs; i++) {
      const [a, b, c] = await one((_id, pid) => process.kill(pid, 'SIGKILL'));
      times.running.push(a); times.first.push(b); times.ready.push(c);
    }
    const script = join(root, '.miyabi', 'run', 'panes', 'benchrc.c1.sh');
    const base = { running: [], first: [], ready: [] };
    for (let i = 0; i < runs; i++) {
      const [a, b, c] = await one((id) => tmux('respawn-pane', '-k', '-t', id, `/bin/sh ${script}`));
      base.running.push(a); base.first.push(b); base.ready.push(c);
    }
    const row = (name, s, b, target) => { const x = summarize(s); const y = summarize(b); return { name, ...x, p99: x.max, unit: 'ms', ratio: x.p50 / y.p50, baseline: `by hand ${y.p50.toFixed(0)} ms`, target }; };
    rows.push(row('recovery L1 real Claude, SIGKILL → command running (resume)', times.running, base.running, 'L1 < 100 ms (p99 column = max)'));
    rows.push(row('recovery L1 real Claude, SIGKILL → first output', times.first, base.first, '(p99 column = max)'));
    rows.push(row('recovery L1 real Claude, SIGKILL → idle prompt, own conversation', times.ready, base.ready, '(p99 column = max)'));
  } finally {
    miyabi('down');
    spawnSync('tmux', ['-L', sock, 'kill-server']);
    server.close();
    rmSync(root, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 });
  }
  return rows;
}
