// Work per message into a shell pane, not time: the tmux commands the controller sends for each
// message (read from its control client's input through a `tmux` wrapper on its PATH) and its CPU
// time for a queue delivered into 8 panes. Neither moves with the machine's load, so they say
// whether a change made shell-pane delivery do more, where the bus rows' timings cannot.
// BENCH_BEFORE_ROOT=/other/checkout (built) adds the same rows for that build.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarize } from './stats.mjs';

const HERE = new URL('../../', import.meta.url).pathname;

function wrapperDir() {
  const dir = mkdtempSync(join(tmpdir(), 'miyabi-bench-tmuxlog-'));
  const real = execFileSync('sh', ['-c', 'command -v tmux'], { encoding: 'utf8' }).trim();
  writeFileSync(
    join(dir, 'tmux'),
    `#!/bin/sh\ncase " $* " in *" -C "*) if [ -n "$BENCH_TMUX_LOG" ]; then tee -a "$BENCH_TMUX_LOG" | ${real} "$@"; exit $?; fi ;; esac\nexec ${real} "$@"\n`,
  );
  chmodSync(join(dir, 'tmux'), 0o755);
  return dir;
}

async function project(root0, agents, extra) {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'miyabi-bench-work-')));
  const reader = join(root0, 'test', 'fixtures', 'reader.mjs');
  execFileSync('git', ['init', '-q', root]);
  mkdirSync(join(root, 'rec'));
  const panes = agents.map((a) => `      - role: agent\n        name: ${a}\n        command: [node, ${JSON.stringify(reader)}, rec/${a}.jsonl, --stamps]\n        messages: {settle_ms: 0${extra}}\n`).join('');
  writeFileSync(join(root, 'l.yaml'), `session: benchwork\nwindows:\n  - name: main\n    panes:\n${panes}`);
  const wrap = wrapperDir();
  const log = join(root, 'control.log');
  const sock = `miyabi-bench-work-${process.pid}-${agents.length}`;
  const env = { ...process.env, PATH: `${wrap}:${process.env.PATH}`, BENCH_TMUX_LOG: log, MIYABI_TMUX_SOCKET: sock, MIYABI_BUS_INBOX_CAP: '100000' };
  const bin = join(root0, 'bin', 'miyabi.js');
  const r = spawnSync(process.execPath, [bin, 'up', '--detach', '-l', 'l.yaml'], { cwd: root, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  await new Promise((res) => setTimeout(res, 1500)); // the readers' start is not ours to count
  const records = (a) => {
    const f = join(root, 'rec', `${a}.jsonl`);
    if (!existsSync(f)) return [];
    const t = readFileSync(f, 'utf8');
    return t.slice(0, t.lastIndexOf('\n') + 1).split('\n').filter(Boolean).map((l) => JSON.parse(l));
  };
  return {
    root,
    bus: join(root, '.miyabi', 'bus'),
    records,
    // list-panes is the controller's pane sweep (once a second), not delivery's.
    commands: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('list-panes')) : []),
    controllerPid: () => Number(execFileSync('pgrep', ['-f', `bundle.mjs --root ${root} `], { encoding: 'utf8' }).trim().split('\n')[0]),
    stop: () => {
      spawnSync(process.execPath, [bin, 'down'], { cwd: root, env });
      spawnSync('tmux', ['-L', sock, 'kill-server']);
      rmSync(root, { recursive: true, force: true });
      rmSync(wrap, { recursive: true, force: true });
    },
  };
}

async function until(fn, ms) {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('bench: timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** utime + stime of a process, in ms. */
function cpuMs(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
}

async function commandsPerMessage(root0, n) {
  const { writeMessage } = await import(join(root0, 'dist', 'bus', 'writer.js'));
  const p = await project(root0, ['r1'], '');
  try {
    writeMessage(p.bus, { from: 'bench', to: 'r1', text: 'first' });
    await until(() => p.records('r1').length >= 1, 20_000);
    const samples = [];
    for (let i = 0; i < n; i++) {
      const before = p.commands().length;
      writeMessage(p.bus, { from: 'bench', to: 'r1', text: `m${i}` });
      await until(() => p.records('r1').length >= i + 2, 20_000);
      // The delivery goes on after the reader took the text (the confirmation): its commands
      // end with the next message's, so each message is counted up to the next one's start.
      await new Promise((r) => setTimeout(r, 20));
      samples.push(p.commands().length - before);
    }
    return samples;
  } finally {
    p.stop();
  }
}

async function controllerCpu(root0, total, panes) {
  const { writeMessage } = await import(join(root0, 'dist', 'bus', 'writer.js'));
  const agents = Array.from({ length: panes }, (_, i) => `r${i + 1}`);
  const p = await project(root0, agents, ', batch: true');
  try {
    const staged = [];
    for (let i = 0; i < total; i++) {
      const to = agents[i % panes];
      const w = writeMessage(join(p.root, 'stage'), { from: 'bench', to, text: `m${i}` }, { create: true, inboxCap: total + 1 });
      staged.push([w.path, join(p.bus, to, 'new', w.id)]);
    }
    const pid = p.controllerPid();
    const c0 = cpuMs(pid);
    for (const [a, b] of staged) renameSync(a, b);
    const count = () => agents.reduce((k, a) => k + p.records(a).reduce((j, r) => j + r[1].split('\n').length, 0), 0);
    await until(() => count() >= total, 300_000);
    return ((cpuMs(pid) - c0) * 1000) / total;
  } finally {
    p.stop();
  }
}

export async function benchBusWork(n, reps) {
  const builds = [['', HERE], ...(process.env.BENCH_BEFORE_ROOT ? [[' (BENCH_BEFORE_ROOT)', process.env.BENCH_BEFORE_ROOT]] : [])];
  const cmds = new Map(builds.map(([tag]) => [tag, []]));
  const cpu = new Map(builds.map(([tag]) => [tag, []]));
  // Interleaved, so both builds meet the same machine.
  for (let i = 0; i < reps; i++) {
    for (const [tag, root0] of builds) {
      if (i === 0) cmds.get(tag).push(...(await commandsPerMessage(root0, n)));
      cpu.get(tag).push(await controllerCpu(root0, 2000, 8));
    }
  }
  const mean = (xs) => (xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(2);
  return builds.flatMap(([tag]) => [
    { name: `tmux commands per message into a shell pane (${n} msgs, mean ${mean(cmds.get(tag))}; control client)${tag}`, ...summarize(cmds.get(tag)), unit: 'cmds' },
    { name: `controller CPU per 1,000 msgs queued into 8 shell panes (${reps} runs)${tag}`, ...summarize(cpu.get(tag)), unit: 'ms' },
  ]);
}
