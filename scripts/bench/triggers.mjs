// Activation latency of the triggers (DESIGN.md targets): an event from the bus file's rename to
// its run's start, a schedule's lateness past its due time, a condition's detection delay from the
// moment the probed value crossed to the run's start. In-process: the real events folder watched
// with fs.watch, the real engine and a real RunsHost writing the one journal; each beside a
// baseline measured in the same run (fs.watch's own wake-up; a bare timer's lateness).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, renameSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarize } from './stats.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const load = (p) => import(join(ROOT, 'dist', p));
const { Journal } = await load('core/journal.js');
const { RunsHost } = await load('pipelines/runs-host.js');
const { processShell } = await load('shell/run.js');
const { TriggersHost } = await load('triggers/host.js');
const { loadTriggers } = await load('config/load-triggers.js');
const { ensureEvents } = await load('bus/events.js');

const wall = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(fn, ms, what) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = fn();
    if (v) return v;
    await sleep(1);
  }
  throw new Error(`bench: timed out waiting for ${what}`);
}

function project() {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'miyabi-bench-trig-')));
  execFileSync('git', ['init', '-q', root]);
  mkdirSync(join(root, 'skills'));
  mkdirSync(join(root, 'pipelines'));
  writeFileSync(join(root, 'skills', 'note.yaml'), 'name: note\nactions:\n  status: { builtin: aggregate-status }\n');
  writeFileSync(join(root, 'pipelines', 'note.yaml'), 'name: note\nstages:\n  - name: one\n    skill: note\n    actions: [status]\n');
  writeFileSync(join(root, 'triggers.yaml'), `rules:
  - name: ev
    on: bench.ping
    run: note
    vars: { n: "\${event.n}" }
  - name: tick
    schedule: every 200ms
    run: note
    overlap: skip
  - name: level
    condition: { probe: queue, above: 0, every: 100ms }
    run: note
`);
  return root;
}

export async function benchTriggers(events = 1000, ticks = 25, edges = 20) {
  const root = project();
  const dir = join(root, '.miyabi');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const journal = Journal.open(dir, { fsync: 'group' });
  const runs = new RunsHost({ shell: processShell, root, journal, env: process.env });
  const startedAt = new Map(); // runId → wall ms when start() resolved
  const byRule = [];
  let level = 0;
  const cfg = loadTriggers({ projectRoot: root, env: process.env, defaultsFile: null });
  if (!cfg.ok) throw cfg.error;
  const host = new TriggersHost({
    root, busDir: join(dir, 'bus'), adhocDir: join(dir, 'triggers'), journal, shell: processShell, env: process.env,
    queueLength: () => level, config: cfg.value,
    starter: {
      start: async (req) => {
        const r = await runs.start(req);
        startedAt.set(r.runId, wall());
        return r;
      },
      cancel: (id, why) => runs.cancel(id, why),
      done: (id) => runs.done(id),
    },
  });
  journal.onAppend((rec) => {
    if (rec.type === 'trigger.fired') byRule.push(rec.payload);
  });
  const box = ensureEvents(join(dir, 'bus'));
  const rows = [];
  try {
    host.start();
    // Events: one at a time, each run left to end before the next, so no queueing is measured.
    const eventSamples = [];
    for (let i = 0; i < events; i++) {
      const name = `${process.hrtime.bigint()}.bench.${String(i % 1e6).padStart(6, '0')}.${process.pid}`;
      writeFileSync(join(box.tmp, name), `${JSON.stringify({ 'miyabi-event': 1, id: `b${i}`, type: 'bench.ping', ts: Date.now(), source: 'bench', data: { n: String(i) } })}\n`);
      const before = byRule.length;
      renameSync(join(box.tmp, name), join(box.new, name));
      const renamed = wall();
      const fired = await until(() => byRule.slice(before).find((f) => f.rule === 'ev'), 10_000, `event ${i}`);
      eventSamples.push(startedAt.get(fired.runId) - renamed);
      await runs.done(fired.runId);
    }
    // Baseline: fs.watch's own wake-up for a rename into a watched folder.
    const base = mkdtempSync(join(tmpdir(), 'miyabi-bench-watch-'));
    mkdirSync(join(base, 'new'));
    const baseSamples = [];
    let woke = null;
    const w = watch(join(base, 'new'), () => (woke ??= wall()));
    for (let i = 0; i < 200; i++) {
      writeFileSync(join(base, `t${i}`), 'x');
      woke = null;
      renameSync(join(base, `t${i}`), join(base, 'new', `t${i}`));
      const t = wall();
      await until(() => woke, 5000, 'fs.watch');
      baseSamples.push(woke - t);
    }
    w.close();
    rmSync(base, { recursive: true, force: true });
    const baseP50 = summarize(baseSamples).p50;
    const ev = summarize(eventSamples);
    rows.push({ name: `trigger: bus event rename → run started (${events} events)`, ...ev, ratio: ev.p50 / baseP50, baseline: `fs.watch wake-up p50 ${baseP50.toFixed(2)} ms`, target: 'p99 < 10 ms (doc: < 100 ms)' });

    // Schedules: lateness of each firing's run start past its due time.
    const firstTick = byRule.length;
    await until(() => byRule.slice(firstTick).filter((f) => f.rule === 'tick').length >= ticks, ticks * 400 + 5000, 'schedule ticks');
    const tickSamples = byRule.slice(firstTick).filter((f) => f.rule === 'tick').slice(0, ticks).map((f) => startedAt.get(f.runId) - f.due);
    const timerSamples = [];
    for (let i = 0; i < ticks; i++) {
      const due = wall() + 50;
      await new Promise((r) => setTimeout(r, 50));
      timerSamples.push(wall() - due);
    }
    const tick = summarize(tickSamples);
    const timerP50 = summarize(timerSamples).p50;
    rows.push({ name: `trigger: schedule (every 200ms) due → run started (${ticks} firings)`, ...tick, ratio: tick.p50 / Math.max(timerP50, 0.01), baseline: `setTimeout lateness p50 ${timerP50.toFixed(2)} ms`, target: 'p99 < 20 ms late (doc: < 1 s)' });

    // Conditions: the probed value crosses; delay to the run's start (sampled every 100 ms).
    const condSamples = [];
    for (let i = 0; i < edges; i++) {
      const before = byRule.length;
      await sleep(30 + ((i * 37) % 70)); // cross at varying points of the sampling interval
      level = 1;
      const crossed = wall();
      const fired = await until(() => byRule.slice(before).find((f) => f.rule === 'level'), 5000, `condition edge ${i}`);
      condSamples.push(startedAt.get(fired.runId) - crossed);
      level = 0;
      await sleep(250); // two samples below: re-armed
    }
    const cond = summarize(condSamples);
    rows.push({ name: `trigger: condition (sampled every 100ms) crossed → run started (${edges} edges)`, ...cond, target: 'p99 < 300 ms (doc: < 500 ms)' });
    return rows;
  } finally {
    await host.stop();
    await runs.stop('bench over');
    journal.close();
    rmSync(root, { recursive: true, force: true });
  }
}
