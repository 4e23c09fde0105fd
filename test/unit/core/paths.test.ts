import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentOutputLog, projectPaths } from '../../../src/core/paths.js';

const SRC = join(import.meta.dirname, '..', '..', '..', 'src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('project paths', () => {
  it('every folder under .miyabi/ comes from projectPaths', () => {
    const p = projectPaths('/proj');
    expect(p).toMatchObject({
      dir: '/proj/.miyabi', bus: '/proj/.miyabi/bus', runs: '/proj/.miyabi/runs', reports: '/proj/.miyabi/reports',
      state: '/proj/.miyabi/state', journal: '/proj/.miyabi/journal', paste: '/proj/.miyabi/run/paste', hooks: '/proj/.miyabi/run/hooks',
    });
  });

  it('no source file but core/paths.ts spells the .miyabi folder in code', () => {
    const offenders = files(SRC)
      .filter((f) => !f.endsWith(join('core', 'paths.ts')))
      // Comments and help text may name it; a string literal used as a path segment may not.
      .filter((f) => /(['"`])\.miyabi\1/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(SRC, f));
    expect(offenders).toEqual([]);
  });
});

describe('an agent\'s output log, to read back', () => {
  it('is the raw .log; the .txt only when the raw one is missing or empty and the .txt is not', () => {
    const logs = mkdtempSync(join(tmpdir(), 'miyabi-logs-'));
    try {
      expect(agentOutputLog(logs, 'a')).toBe(join(logs, 'a.log'));
      writeFileSync(join(logs, 'a.txt'), '$\n');
      expect(agentOutputLog(logs, 'a')).toBe(join(logs, 'a.txt'));
      writeFileSync(join(logs, 'a.log'), '');
      expect(agentOutputLog(logs, 'a')).toBe(join(logs, 'a.txt'));
      writeFileSync(join(logs, 'a.log'), '$ ');
      expect(agentOutputLog(logs, 'a')).toBe(join(logs, 'a.log'));
      writeFileSync(join(logs, 'b.log'), '');
      expect(agentOutputLog(logs, 'b')).toBe(join(logs, 'b.log'));
    } finally {
      rmSync(logs, { recursive: true, force: true });
    }
  });
});
