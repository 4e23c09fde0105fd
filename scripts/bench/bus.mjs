// Bus figures: latency from the rename into new/ to the text submitted in an idle pane, and
// throughput into one pane and spread over 8, with a recording reader program in each pane.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarize } from './stats.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin', 'miyabi.js');
const READER = join(ROOT, 'test', 'fixtures', 'reader.mjs');
const { writeMessage } = await import(join(ROOT, 'dist', 'bus', 'writer.js'));

function project(agents, extra) {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'miyabi-bench-bus-')));
  execFileSync('git', ['init', '-q', root]);
  mkdirSync(join(root, 'rec'));
  const panes = agents
    .map((a) => `      - role: agent\n        name: ${a}\n        command: [node, ${JSON.stringify(READER)}, rec/${a}.jsonl, --stamps]\n        messages: {settle_ms: 0${extra}}\n`)
    .join('');
  writeFileSync(join(root, 'l.yaml'), `session: benchbus\nwindows:\n  - name: main\n    panes:\n${panes}`);
  const sock = `miyabi-bench-bus-${process.pid}-${agents.length}`;
  const env = { ...process.env, MIYABI_TMUX_SOCKET: sock, MIYABI_BUS_INBOX_CAP: '100000' };
  const r = spawnSync(process.execPath, [BIN, 'up', '--detach', '-l', 'l.yaml'], { cwd: root, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return {
    root,
    bus: join(root, '.miyabi', 'bus'),
    records: (a) => {
      const f = join(root, 'rec', `${a}.jsonl`);
      if (!existsSync(f)) return [];
      // Whole lines only: the reader may be half way through writing the last one.
      const t = readFileSync(f, 'utf8');
      return t.slice(0, t.lastIndexOf('\n') + 1).split('\n').filter(Boolean).map((l) => JSON.parse(l));
    },
    stop: () => {
      spawnSync(process.execPath, [BIN, 'down'], { cwd: root, env });
      spawnSync('tmux', ['-L', sock, 'kill-server']);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

async function until(fn, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (fn()) return;
    await new Promise((r) => setTimeout(r, 1));
  }
  throw new Error('bench: timed out');
}

export async function benchLatency(n) {
  const p = project(['r1'], '');
  try {
    await new Promise((r) => setTimeout(r, 1000)); // the reader's start-up is not ours to time
    const samples = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.timeOrigin + performance.now();
      writeMessage(p.bus, { from: 'bench', to: 'r1', text: `m${i}` });
      await until(() => p.records('r1').length > i, 10_000);
      samples.push(p.records('r1')[i][0] - t0);
    }
    return { name: `send → text submitted in an idle pane (${n} msgs)`, ...summarize(samples), target: 'p50 < 5, p99 < 20' };
  } finally {
    p.stop();
  }
}

/**
 * Delivery throughput: the messages are written first (each send fsyncs, which is the sender's
 * cost, reported on its own), kept in tmp/, then renamed into new/ at once, as if many senders had
 * just finished; the clock runs from there to the last one submitted in its pane.
 */
export async function benchThroughput(total, panes) {
  const agents = Array.from({ length: panes }, (_, i) => `r${i + 1}`);
  const p = project(agents, ', batch: true');
  try {
    await new Promise((r) => setTimeout(r, 1000));
    const staged = [];
    const w0 = performance.now();
    for (let i = 0; i < total; i++) {
      const to = agents[i % panes];
      const r = writeMessage(join(p.root, 'stage'), { from: 'bench', to, text: `m${i}` }, { create: true, inboxCap: total + 1 });
      staged.push([r.path, join(p.bus, to, 'new', r.id)]);
    }
    const writeRate = total / ((performance.now() - w0) / 1000);
    const t0 = performance.now();
    for (const [from, to] of staged) renameSync(from, to);
    const count = () => agents.reduce((n, a) => n + p.records(a).reduce((k, r) => k + r[1].split('\n').length, 0), 0);
    await until(() => count() >= total, 300_000);
    const rate = total / ((performance.now() - t0) / 1000);
    return [
      { name: `bus delivery, ${total} msgs into ${panes} pane(s)`, runs: 1, p50: rate, p90: rate, p99: rate, unit: 'msg/s', target: '≥ 5,000 msg/s' },
      ...(panes === 1 ? [{ name: 'bus write (fsync per message, in-process)', runs: 1, p50: writeRate, p90: writeRate, p99: writeRate, unit: 'msg/s' }] : []),
    ];
  } finally {
    p.stop();
  }
}

/** Whole processes, as a script would call them: `miyabi send` beside `node -e 0` and `tmux send-keys`. */
export function benchSendProcess(runs) {
  const p = project(['r1'], '');
  const sock = `miyabi-bench-bus-${process.pid}-1`;
  const env = { ...process.env, MIYABI_TMUX_SOCKET: sock, MIYABI_BUS_INBOX_CAP: '100000' };
  const target = execFileSync('tmux', ['-L', sock, 'list-panes', '-a', '-F', '#{pane_id}'], { encoding: 'utf8' }).trim().split('\n')[0];
  const cmds = [
    ['node -e 0', process.execPath, ['-e', '0']],
    ['miyabi send (process)', process.execPath, [BIN, 'send', 'r1', 'hello']],
    ['scripts/miyabi-send.sh', 'sh', [join(ROOT, 'scripts', 'miyabi-send.sh'), 'r1', 'hello']],
    ['tmux send-keys (process)', 'tmux', ['-L', sock, 'send-keys', '-t', target, '-l', 'hello']],
  ];
  const samples = new Map(cmds.map(([n]) => [n, []]));
  try {
    for (let i = 0; i < runs; i++) {
      for (const [n, file, args] of cmds) {
        const t0 = performance.now();
        const r = spawnSync(file, args, { cwd: p.root, env, stdio: 'ignore' });
        samples.get(n).push(performance.now() - t0);
        if (r.status !== 0) throw new Error(`${n} failed`);
      }
    }
  } finally {
    p.stop();
  }
  const rows = cmds.map(([n]) => ({ name: n, ...summarize(samples.get(n)) }));
  const base = rows[0];
  for (const r of rows.slice(1)) {
    r.ratio = r.p50 / base.p50;
    r.baseline = 'node -e 0';
  }
  rows[1].target = '≤ 1.3× node -e 0';
  rows[2].target = '≤ 10 ms';
  return rows;
}
