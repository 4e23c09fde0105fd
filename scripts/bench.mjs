// npm run bench: prints a table and writes bench/results.json. Medians and tails over many runs,
// each beside a baseline measured in the same run; never timed assertions in tests.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { execFileSync } from 'node:child_process';
import { benchUp } from './bench/up.mjs';
import { benchLatency, benchSendProcess, benchThroughput } from './bench/bus.mjs';
import { benchPipelineStage } from './bench/pipelines.mjs';
import { table } from './bench/stats.mjs';

// No spare controllers (spare/main.ts) left behind: the up bench makes its own, in a folder it removes.
process.env.MIYABI_SPARE = '0';
const runs = Number(process.env.BENCH_RUNS ?? 10);
const only = process.env.BENCH_ONLY; // e.g. BENCH_ONLY=bus
const rows = [];
if (!only || only === 'up') rows.push(...benchUp(runs));
if (!only || only === 'bus') {
  rows.push(...benchSendProcess(Math.max(runs, 20)));
  rows.push(await benchLatency(Number(process.env.BENCH_MESSAGES ?? 500)));
  rows.push(...(await benchThroughput(5000, 1)));
  rows.push(...(await benchThroughput(5000, 8)));
}
if (!only || only === 'bus' || only === 'fullscreen') {
  const { benchFullScreen } = await import('./bench/fullscreen.mjs');
  const n = Number(process.env.BENCH_TUI_MESSAGES ?? 60);
  rows.push(await benchFullScreen(n), await benchFullScreen(n, 500));
}
if (only === 'bus-work') {
  // Work per message (tmux commands, controller CPU), not time: BENCH_BEFORE_ROOT adds another build.
  const { benchBusWork } = await import('./bench/bus-work.mjs');
  rows.push(...(await benchBusWork(Number(process.env.BENCH_MESSAGES ?? 200), Math.max(3, Math.min(runs, 5)))));
}
if (only === 'agents') {
  // Real Claude Code and Codex: not in the default run (they are installed by npm run test:agents).
  const { benchAgents } = await import('./bench/agents.mjs');
  rows.push(...(await benchAgents(Number(process.env.BENCH_AGENT_MESSAGES ?? 50))));
}
if (!only || only === 'pipelines') rows.push(...benchPipelineStage(Math.max(runs, 10)));
if (!only || only === 'worktrees') {
  const { benchWorktrees } = await import('./bench/worktrees.mjs');
  rows.push(...(await benchWorktrees(runs)));
  const { benchSpawn } = await import('./bench/spawn.mjs');
  rows.push(...(await benchSpawn(runs)));
}
if (!only || only === 'sweep') {
  const { benchSweep } = await import('./bench/sweep.mjs');
  rows.push(...(await benchSweep(Math.max(runs, 10))));
}
if (!only || only === 'tasks') {
  const { benchTaskHandover } = await import('./bench/tasks.mjs');
  rows.push(...(await benchTaskHandover(Math.max(runs, 20))));
}
if (!only || only === 'triggers') {
  const { benchTriggers } = await import('./bench/triggers.mjs');
  rows.push(...(await benchTriggers(Number(process.env.BENCH_EVENTS ?? 1000))));
}

if (!only || only === 'verbs') {
  const { benchVerbs, benchFlood } = await import('./bench/verbs.mjs');
  rows.push(...benchVerbs(Math.max(runs, 20)));
  rows.push(...(await benchFlood(Math.max(runs, 10))));
}
if (!only || only === 'recovery') {
  const { benchRecovery } = await import('./bench/recovery.mjs');
  rows.push(...(await benchRecovery(Math.max(runs, 10))));
}
// Real Claude Code: only when asked (it needs the agents' cache and a minute).
if (only === 'recovery-claude') {
  const { benchRecoveryClaude } = await import('./bench/recovery-claude.mjs');
  rows.push(...(await benchRecoveryClaude(Math.max(runs, 10))));
}
if (!only || only === 'feedback') {
  const { benchFeedback } = await import('./bench/feedback.mjs');
  rows.push(...(await benchFeedback(runs)));
}

if (!only || only === 'ui') {
  const { benchUi } = await import('./bench/ui.mjs');
  rows.push(...(await benchUi(Math.max(runs, 100))));
}

process.stdout.write(`\n${table(rows)}\n`);
mkdirSync(new URL('../bench/', import.meta.url), { recursive: true });
const out = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, tmux: execFileSync('tmux', ['-V'], { encoding: 'utf8' }).trim() },
  runs,
  rows,
};
writeFileSync(new URL('../bench/results.json', import.meta.url), JSON.stringify(out, null, 2) + '\n');
process.stdout.write('\nwrote bench/results.json\n');
