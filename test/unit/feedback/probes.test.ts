import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventSink } from '../../../src/core/events/index.js';
import { Probes } from '../../../src/feedback/probes.js';
import { processShell } from '../../../src/shell/run.js';

describe('command probes', () => {
  it('record the number a command prints as a metric, once per change; other output is logged, not recorded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'miyabi-fbp-'));
    try {
      const recs: unknown[] = [];
      const logs: string[] = [];
      const probes = new Probes({
        shell: processShell, cwd: dir, env: { PATH: process.env.PATH ?? '' }, log: (l) => logs.push(l),
        journal: { append: (type: string, payload: unknown) => recs.push({ type, payload }), appendDurable: () => {} } as unknown as EventSink,
      });
      writeFileSync(join(dir, 'v'), '0.025\n');
      const p = { name: 'ctr', command: 'cat v', everyMs: 60_000 };
      expect(await probes.run(p)).toBe(0.025);
      expect(await probes.run(p)).toBe(0.025);
      writeFileSync(join(dir, 'v'), 'n/a\n');
      expect(await probes.run(p)).toBeNull();
      expect(recs).toEqual([{ type: 'metric.set', payload: { name: 'ctr', value: 0.025, by: 'probe' } }]);
      expect(logs).toEqual(['probe ctr: printed "n/a", not one number; the metric keeps its last value']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
