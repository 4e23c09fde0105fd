import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFeedback } from '../../../src/config/load-feedback.js';

describe('feedback.yaml', () => {
  it('absent: every default', () => {
    const dir = mkdtempSync(join(tmpdir(), 'miyabi-fbc-'));
    try {
      expect(loadFeedback(dir)).toEqual({ ok: true, value: { file: null }, warnings: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a bad channel, quiet hours and webhook URL are each reported at file:line:col', () => {
    const dir = mkdtempSync(join(tmpdir(), 'miyabi-fbc-'));
    try {
      writeFileSync(join(dir, 'feedback.yaml'), 'notify:\n  routes:\n    agent.dead: [tmux, pager]\n  quiet_hours: "late"\n  webhook:\n    url: ftp://x\n');
      const r = loadFeedback(dir, dir);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      const where = r.issues.map((i) => `${i.file}:${i.line}:${i.col}`);
      expect(where).toEqual(expect.arrayContaining(['feedback.yaml:3:24', 'feedback.yaml:4:16', 'feedback.yaml:6:10']));
      expect(r.issues.map((i) => i.message).join('\n')).toMatch(/HH:MM-HH:MM/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('routes, quiet hours, dedupe and a webhook load', () => {
    const dir = mkdtempSync(join(tmpdir(), 'miyabi-fbc-'));
    try {
      writeFileSync(join(dir, 'feedback.yaml'), 'notify:\n  routes: { run.failed: [webhook] }\n  quiet_hours: "22:00-07:00"\n  dedupe: 5m\n  webhook: { url: "http://127.0.0.1:9/x", retries: 2 }\nbudgets:\n  a1: { cost_usd: 5 }\n');
      const r = loadFeedback(dir, dir);
      expect(r.ok && r.value.notify).toEqual({ routes: { 'run.failed': ['webhook'] }, quiet_hours: '22:00-07:00', dedupe: 300_000, webhook: { url: 'http://127.0.0.1:9/x', retries: 2 } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
