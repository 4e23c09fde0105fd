// The feedback layer's costs: `miyabi report` over a journal of 1,000,000 records (with the metrics
// checkpoint a controller leaves, and without), and the controller CPU the metrics add per 1,000
// appended records (= the share of a core at 1,000 events/s), beside the journal's own append cost.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, realpathSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarize } from './stats.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin', 'miyabi.js');
const dist = (p) => import(join(ROOT, 'dist', p));
const { encodeRecord } = await dist('core/journal-format.js');
const { trustState } = await dist('core/state-trust.js');
const { Journal } = await dist('core/journal.js');
const { foldJournal, LiveMetrics } = await dist('feedback/metrics.js');
const { saveCheckpoint } = await dist('feedback/checkpoint.js');
const { Notifier } = await dist('feedback/notify/notifier.js');
const { QualityLoop } = await dist('feedback/loops/quality.js');

const AGENTS = ['a1', 'a2', 'a3', 'a4'];
/** A mix like a busy session's: deliveries, states, tasks, stages, pane sweeps. */
export function record(i) {
  const a = AGENTS[i % 4];
  const run = `r${Math.floor(i / 100)}`;
  switch (i % 20) {
    case 0: return ['run.started', { runId: run, pipeline: 'ci', source: 'x', hash: 'h', vars: {}, branch: 'main', root: '/', cwd: '/', pid: 1, entry: 'build' }];
    case 1: case 3: return ['message.delivering', { to: a, pane: '%1', ids: [`m${i}`], line: 3 }];
    case 2: case 4: return ['message.delivered', { to: AGENTS[(i - 1) % 4], pane: '%1', ids: [`m${i - 1}`], ms: i % 97, outcome: 'submitted' }];
    case 5: return ['relay.sent', { from: a, to: 'a1', id: `m${i}` }];
    case 6: case 7: case 8: return ['agent.state', { name: a, state: i % 3 ? 'busy' : 'idle', signal: 'hook', reason: '' }];
    case 9: return ['task.added', { id: `t${i}`, text: 'x', priority: 'normal', labels: ['ui'], timeoutMs: null }];
    case 10: return ['task.assigned', { id: `t${i - 1}`, agent: a }];
    case 11: return ['task.done', { id: `t${i - 2}` }];
    case 12: return ['stage.finished', { runId: run, stage: 'build', outcome: i % 7 ? 'passed' : 'failed', attempts: 1, durationMs: i % 1000, next: null, via: 'end' }];
    case 13: return ['action.finished', { runId: run, stage: 'build', action: 'npm', attempt: 1, ok: true, durationMs: 5 }];
    case 14: return ['run.finished', { runId: `r${Math.floor(i / 100) - 1}`, outcome: 'succeeded', durationMs: 900 }];
    default: return ['pane.alive', { name: a, role: 'agent', paneId: '%1', pid: 1, deadStatus: null }];
  }
}

function writeJournal(dir, n) {
  const fd = openSync(join(dir, 'journal', 'events.jsonl'), 'w');
  let t = Date.now() - n * 5;
  let bufs = [];
  let size = 0;
  for (let i = 1; i <= n; i++) {
    const [type, p] = record(i);
    const { line } = encodeRecord(i, (t += 5), type, p);
    bufs.push(line);
    size += line.length;
    if (size > 1 << 22) {
      writeSync(fd, Buffer.concat(bufs));
      bufs = [];
      size = 0;
    }
  }
  writeSync(fd, Buffer.concat(bufs));
  closeSync(fd);
}

function timeCli(root, args, runs) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`miyabi ${args.join(' ')}: ${r.stderr}`);
    samples.push(performance.now() - t0);
  }
  return samples;
}

export async function benchFeedback(runs) {
  const n = Number(process.env.BENCH_JOURNAL_RECORDS ?? 1_000_000);
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'miyabi-bench-fb-')));
  const rows = [];
  try {
    execFileSync('git', ['init', '-q', root]);
    trustState(root, { create: true, git: true });
    const dir = join(root, '.miyabi');
    Journal.open(dir).close();
    writeJournal(dir, n);
    // Baseline: a verb that reads nothing (process start, module loading).
    const base = summarize(timeCli(root, ['validate', '--help'], runs));
    rows.push({ name: 'miyabi validate --help (baseline: node + CLI start)', ...base });
    // A window reads every record in it (no checkpoint): a window longer than the journal is the cold case.
    const cold = summarize(timeCli(root, ['report', '--json', '--since', '1000d'], Math.max(3, Math.floor(runs / 3))));
    rows.push({ name: `report --json --since 1000d, ${n} records (reads them all)`, ...cold, ratio: cold.p50 / base.p50, baseline: 'CLI start' });
    // What a controller leaves when it stops (and every 5,000 records): the fold up to its last seq.
    saveCheckpoint(join(dir, 'state'), foldJournal(dir).state);
    const warm = summarize(timeCli(root, ['report', '--json'], runs));
    rows.push({ name: `report --json, ${n} records, controller's checkpoint`, ...warm, ratio: warm.p50 / base.p50, baseline: 'CLI start', target: '< 1000 ms' });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  rows.push(...keepUpCost(runs));
  return rows;
}

/** CPU ms per 1,000 appended records: the journal alone, then with the feedback listeners on it. */
function keepUpCost(runs) {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'miyabi-bench-fbc-')));
  try {
    const dir = join(root, '.miyabi');
    const j = Journal.open(dir, { fsync: 'group' });
    let i = 0;
    const batch = () => {
      const c0 = process.cpuUsage();
      for (let k = 0; k < 1000; k++) {
        const [type, p] = record(++i);
        j.append(type, p);
      }
      const c = process.cpuUsage(c0);
      return (c.user + c.system) / 1000;
    };
    for (let w = 0; w < 3; w++) batch();
    const bare = [];
    for (let r = 0; r < runs * 3; r++) bare.push(batch());
    const live = new LiveMetrics({ root: dir, stateDir: join(dir, 'state') });
    const notifier = new Notifier({ routes: { 'agent.waiting': ['tmux'] }, channels: new Map(), journal: j });
    const quality = new QualityLoop({ root, journal: j, send: () => 'x' });
    j.onAppend(live.onRecord);
    j.onAppend(notifier.onRecord);
    j.onAppend(quality.onRecord);
    const withFb = [];
    for (let r = 0; r < runs * 3; r++) withFb.push(batch());
    j.close();
    const b = summarize(bare);
    const w = summarize(withFb);
    return [
      { name: 'journal append, 1,000 records (CPU ms; baseline)', ...b },
      { name: 'journal append + metrics, notices, quality loop, 1,000 records (CPU ms = ‰ of a core at 1,000 ev/s)', ...w, ratio: w.p50 / b.p50, baseline: 'journal alone' },
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
