/**
 * The probes a condition samples: CPU and memory from /proc (CPU averaged over `window`), load,
 * disk free, the task queue, how long an agent has been unresponsive, the last result of a test
 * stage, a command that prints a number, and any metric of the MetricsReader port (feedback's). A
 * probe whose world is absent (no metrics provider, no /proc) reads as an error that says so.
 */
import type { ConditionSpec } from '../config/trigger-schema.js';
import type { MetricsReader } from '../core/metrics.js';
import type { Probe, Reading } from './conditions.js';

/** What the journal says about agents and stages, kept current from its records (facts.ts). */
export interface Facts {
  /** Seconds `agent` (or, with none, the longest of any) has been unresponsive; 0 when it is not. */
  unresponsiveSeconds(agent: string | undefined, now: number): number;
  /** 1 when the last run of that stage failed, 0 when it succeeded; undefined before any. */
  stageFailed(stage: string, pipeline: string | undefined): number | undefined;
}

export interface ProbeDeps {
  readFile(path: string): string;
  statfs(path: string): { bavail: number; blocks: number };
  queueLength?: () => number;
  facts: Facts;
  runCommand(command: string): Promise<{ stdout: string; exitCode: number | null }>;
  /** Feedback's metrics, when a part provides them (looked up at each sample: it may start later). */
  metrics?: () => MetricsReader | undefined;
  now(): number;
}

function cpuTimes(text: string): { idle: number; total: number } {
  const line = text.split('\n').find((l) => l.startsWith('cpu ')) ?? '';
  const n = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (n[3] ?? 0) + (n[4] ?? 0);
  return { idle, total: n.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0) };
}

function meminfo(text: string, key: string): number | undefined {
  const m = new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}

const fail = (error: string): Reading => ({ error });

/** A probe for one condition; CPU keeps its own history for the window. */
export function makeProbe(d: ProbeDeps): Probe {
  const history: { t: number; idle: number; total: number }[] = [];
  return async (spec: ConditionSpec): Promise<Reading> => {
    switch (spec.probe) {
      case 'cpu': {
        const now = d.now();
        const cur = { t: now, ...cpuTimes(d.readFile('/proc/stat')) };
        history.push(cur);
        while (history.length > 2 && (history[1] as { t: number }).t <= now - spec.windowMs) history.shift();
        const first = history[0] as typeof cur;
        const dt = cur.total - first.total;
        if (dt <= 0) return fail('not enough samples yet');
        return { value: Math.round(1000 * (1 - (cur.idle - first.idle) / dt)) / 10 };
      }
      case 'memory': {
        const text = d.readFile('/proc/meminfo');
        const total = meminfo(text, 'MemTotal');
        const avail = meminfo(text, 'MemAvailable');
        if (!total || avail === undefined) return fail('/proc/meminfo has no MemTotal/MemAvailable');
        return { value: Math.round(1000 * (1 - avail / total)) / 10 };
      }
      case 'load':
        return { value: Number(d.readFile('/proc/loadavg').split(' ')[0]) };
      case 'disk': {
        const s = d.statfs(spec.path ?? '/');
        return s.blocks > 0 ? { value: Math.round((1000 * s.bavail) / s.blocks) / 10 } : fail('the file system reports no blocks');
      }
      case 'queue':
        return d.queueLength ? { value: d.queueLength() } : fail('no task queue here');
      case 'agent-unresponsive':
        return { value: d.facts.unresponsiveSeconds(spec.agent, d.now()) };
      case 'test-stage': {
        const v = d.facts.stageFailed(spec.stage ?? 'test', spec.pipeline);
        return v === undefined ? fail(`no run of stage ${spec.stage ?? 'test'} has finished yet`) : { value: v };
      }
      case 'command': {
        const r = await d.runCommand(spec.command ?? '');
        const v = Number(r.stdout.trim().split(/\s+/)[0]);
        if (r.exitCode !== 0) return fail(`the command exited ${r.exitCode ?? 'on a signal'}`);
        return Number.isFinite(v) && r.stdout.trim() !== '' ? { value: v } : fail(`the command printed ${JSON.stringify(r.stdout.slice(0, 40))}, not a number`);
      }
      case 'metric': {
        const m = d.metrics?.();
        if (!m) return fail(`not configured: no metrics provider runs here, so metric ${spec.metric ?? ''} has no value`);
        const v = m.value(spec.metric ?? '', spec.labels);
        return v === undefined ? fail(`metric ${spec.metric ?? ''} has no value yet`) : { value: v };
      }
    }
  };
}
