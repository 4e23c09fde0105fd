import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serveMetrics } from '../../../src/feedback/http.js';
import { foldJournal } from '../../../src/feedback/metrics.js';
import { toSeries } from '../../../src/feedback/series.js';
import { T0, writeScript } from './scripted.js';

/**
 * A strict reader of the Prometheus text format (0.0.4): HELP and TYPE before a family's samples,
 * names and labels by the spec's patterns, escaped label values, float values. Throws on anything else.
 */
function parseProm(text: string): Map<string, { type: string; samples: { labels: Record<string, string>; value: number }[] }> {
  const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  const fams = new Map<string, { type: string; samples: { labels: Record<string, string>; value: number }[] }>();
  const lines = text.split('\n');
  if (lines.pop() !== '') throw new Error('no final newline');
  let current: string | null = null;
  for (const [i, line] of lines.entries()) {
    const at = `line ${i + 1}: ${line}`;
    let m: RegExpExecArray | null;
    if ((m = new RegExp(`^# HELP (${NAME}) (.*)$`).exec(line))) {
      current = m[1] as string;
      continue;
    }
    if ((m = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`).exec(line))) {
      if (m[1] !== current || fams.has(current)) throw new Error(`TYPE out of place, ${at}`);
      fams.set(current, { type: m[2] as string, samples: [] });
      continue;
    }
    if (line === '') continue;
    m = new RegExp(`^(${NAME})(?:\\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*",?)*)\\})? (\\S+)$`).exec(line);
    if (!m) throw new Error(`not a sample, ${at}`);
    const fam = fams.get(m[1] as string);
    if (!fam || m[1] !== current) throw new Error(`sample without its TYPE, ${at}`);
    const value = m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : m[3] === 'NaN' ? NaN : Number(m[3]);
    if (!/^[-+]?(\d+\.?\d*([eE][-+]?\d+)?|\.\d+|Inf|NaN)$/.test(m[3] as string)) throw new Error(`bad value, ${at}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1] as string] = (l[2] as string).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    fam.samples.push({ labels, value });
  }
  return fams;
}

describe('the metrics endpoint', () => {
  it('the strict reader refuses what is not the text format', () => {
    expect(() => parseProm('# HELP a x\n# TYPE a gauge\na{b="c} 1\n')).toThrow(/not a sample/);
    expect(() => parseProm('a 1\n')).toThrow(/without its TYPE/);
    expect(() => parseProm('# HELP a x\n# TYPE a gauge\na one\n')).toThrow(/bad value/);
  });

  it('serves /metrics that the strict reader accepts, with the figures, and /healthz', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'miyabi-fbh-'));
    writeScript(dir);
    const st = foldJournal(dir).state;
    const srv = await serveMetrics({ port: 0, series: () => toSeries(st, { now: T0 + 60_000 }), health: () => ({ lastSeq: st.lastSeq }) });
    try {
      const res = await fetch(`http://127.0.0.1:${srv.port}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      const fams = parseProm(await res.text());
      expect(fams.get('miyabi_agent_tasks_done_total')?.type).toBe('counter');
      expect(fams.get('miyabi_agent_tasks_done_total')?.samples).toContainEqual({ labels: { agent: 'a1' }, value: 1 });
      expect(fams.get('miyabi_pipeline_success_rate')?.samples).toEqual([{ labels: { pipeline: 'build-test' }, value: 0.5 }]);
      expect(fams.get('miyabi_pipeline_stage_duration_ms')?.samples).toContainEqual({ labels: { pipeline: 'build-test', stage: 'build', quantile: '0.95' }, value: 500 });
      expect(fams.get('miyabi_ctr')?.samples).toEqual([{ labels: {}, value: 0.025 }]);
      // Its own registry: no default process metrics.
      expect([...fams.keys()].some((k) => k.startsWith('process_') || k.startsWith('nodejs_'))).toBe(false);
      const h = await fetch(`http://127.0.0.1:${srv.port}/healthz`);
      expect(await h.json()).toEqual({ ok: true, lastSeq: st.lastSeq });
      expect((await fetch(`http://127.0.0.1:${srv.port}/nope`)).status).toBe(404);
    } finally {
      await srv.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
