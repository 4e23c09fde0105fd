// A scripted journal with known figures, written byte for byte as the journal writes records, so
// each record's ts is chosen (and records of other slices — trigger.fired, recovery.* — may appear).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeRecord } from '../../../src/core/journal-format.js';

export const T0 = 1_700_000_000_000;

export const SCRIPT: [number, string, Record<string, unknown>][] = [
  [0, 'agent.spawned', { name: 'a1', paneId: '%1', worktree: null, branch: null, command: 'claude' }],
  [0, 'agent.state', { name: 'a1', state: 'idle', signal: 'hook', reason: '' }],
  [1000, 'task.added', { id: 'T1', text: 'do it', priority: 'normal', labels: ['ui'], timeoutMs: null }],
  [1000, 'task.assigned', { id: 'T1', agent: 'a1' }],
  [1000, 'agent.state', { name: 'a1', state: 'busy', signal: 'hook', reason: '' }],
  [1500, 'message.delivering', { to: 'a1', pane: '%1', ids: ['m1'], line: 1 }],
  [2000, 'message.delivered', { to: 'a1', pane: '%1', ids: ['m1'], ms: 120, outcome: 'submitted' }],
  [2500, 'relay.sent', { from: 'a1', to: 'a2', id: 'm2' }],
  [5000, 'task.done', { id: 'T1' }],
  [5000, 'agent.state', { name: 'a1', state: 'idle', signal: 'hook', reason: '' }],
  [6000, 'task.added', { id: 'T2', text: 'more', priority: 'normal', labels: [], timeoutMs: null }],
  [6000, 'task.assigned', { id: 'T2', agent: 'a1' }],
  [6000, 'agent.state', { name: 'a1', state: 'busy', signal: 'hook', reason: '' }],
  [8000, 'task.failed', { id: 'T2', reason: 'broke' }],
  [8000, 'agent.state', { name: 'a1', state: 'waiting-for-input', signal: 'screen', reason: '' }],
  [9000, 'agent.state', { name: 'a1', state: 'dead', signal: 'process', reason: 'exit 1' }],
  [10_000, 'run.started', { runId: 'r1', pipeline: 'build-test', source: 'x', hash: 'h', vars: {}, branch: 'main', root: '/', cwd: '/', pid: 1, entry: 'build' }],
  [10_300, 'stage.finished', { runId: 'r1', stage: 'build', outcome: 'passed', attempts: 1, durationMs: 300, next: 'test', via: 'ok' }],
  [10_400, 'stage.retry', { runId: 'r1', stage: 'test', attempt: 1, error: 'flaky', delayMs: 100 }],
  [11_000, 'stage.finished', { runId: 'r1', stage: 'test', outcome: 'failed', attempts: 2, durationMs: 700, error: 'tests failed', next: null, via: 'end' }],
  [11_000, 'stage.escalated', { runId: 'r1', pipeline: 'build-test', stage: 'test', attempts: 2, error: 'tests failed', next: null }],
  [11_500, 'run.finished', { runId: 'r1', outcome: 'failed', durationMs: 1500 }],
  [20_000, 'run.started', { runId: 'r2', pipeline: 'build-test', source: 'x', hash: 'h', vars: {}, branch: 'main', root: '/', cwd: '/', pid: 1, entry: 'build' }],
  [20_500, 'stage.finished', { runId: 'r2', stage: 'build', outcome: 'passed', attempts: 1, durationMs: 500, next: null, via: 'end' }],
  [20_600, 'run.finished', { runId: 'r2', outcome: 'succeeded', durationMs: 600 }],
  [21_000, 'trigger.fired', { rule: 'on-push', cause: 'git.push', latencyMs: 40, runId: 'r2' }],
  [22_000, 'trigger.fired', { rule: 'on-push', cause: 'git.push', latencyMs: 60, runId: null }],
  [23_000, 'recovery.attempt', { agent: 'a2', level: 'L1', reason: 'stuck', durationMs: 0 }],
  [25_500, 'recovery.succeeded', { agent: 'a2', level: 'L1', reason: 'stuck', durationMs: 2500 }],
  // Another slice's record of a shape this code does not know: skipped, not a crash.
  [26_000, 'recovery.detected', { agent: 7, level: { odd: true } }],
  [27_000, 'metric.set', { name: 'ctr', value: 0.025, by: 'test' }],
  [28_000, 'message.failed', { to: 'a2', pane: '%2', ids: ['m3'], outcome: 'not-submitted' }],
  [29_000, 'message.delivering', { to: 'a2', pane: '%2', ids: ['m4'], line: 3 }],
  [30_000, 'usage.recorded', {
    agent: 'a1', task: 'T1', runId: null, model: 'claude-sonnet-4-5', input: 100, output: 50, cacheCreation: 1000, cacheRead: 2000,
    contextTokens: 3100, window: 200_000, costUsd: 0.0123, transcript: '/t.jsonl', offset: 10,
  }],
];

/** Writes records (from seq `first`) into `<dir>/journal/events.jsonl`, appending to what is there. */
export function writeScript(dir: string, script = SCRIPT, first = 1, append = false): void {
  mkdirSync(join(dir, 'journal'), { recursive: true });
  const lines = script.map(([dt, type, p], i) => encodeRecord(first + i, T0 + dt, type, p).line);
  writeFileSync(join(dir, 'journal', 'events.jsonl'), Buffer.concat(lines), { flag: append ? 'a' : 'w' });
}

/** The figures a report over SCRIPT must show. */
export const EXPECTED = {
  agents: [
    {
      name: 'a1',
      tasks: { done: 1, failed: 1, timedOut: 0, cancelled: 0 },
      failureRate: 0.5,
      seconds: { busy: 6, idle: 2, waiting: 1 },
      messages: { in: 1, out: 1, failed: 0 },
      deaths: 1,
      recoveries: {},
      tokens: { input: 100, output: 50, cacheCreation: 1000, cacheRead: 2000 },
      costUsdEstimate: 0.0123,
      contextShare: 0.016,
    },
    {
      name: 'a2', tasks: { done: 0, failed: 0, timedOut: 0, cancelled: 0 }, failureRate: null, seconds: { busy: 0, idle: 0, waiting: 0 },
      messages: { in: 0, out: 0, failed: 1 }, deaths: 0, recoveries: { L1: 1 }, tokens: { input: 0, output: 0, cacheCreation: 0, cacheRead: 0 },
      costUsdEstimate: 0, contextShare: null,
    },
  ],
  pipelines: [{
    name: 'build-test', runs: 2, succeeded: 1, failed: 1, cancelled: 0, successRate: 0.5, retries: 1, escalations: 1,
    stages: [{ name: 'build', count: 2, p50Ms: 300, p95Ms: 500 }, { name: 'test', count: 1, p50Ms: 700, p95Ms: 700 }],
  }],
  triggers: [{ rule: 'on-push', activations: 2, p50Ms: 40, p99Ms: 60 }],
  bus: { queued: 2, delivered: 1, failed: 1, deferred: 0, quarantined: 0, relayed: 1, latencyMs: { p50: 120, p95: 120, p99: 120 } },
  recovery: [{ level: 'L1', detected: 0, attempts: 1, succeeded: 1, escalated: 0, gaveUp: 0, timeToRecoverP50Ms: 2500 }],
  external: { ctr: 0.025 },
  failures: [{ runId: 'r1', pipeline: 'build-test', ts: new Date(T0 + 11_000).toISOString(), stage: 'test', error: 'tests failed' }],
};
