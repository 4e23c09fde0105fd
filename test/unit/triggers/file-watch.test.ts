/** file.changed from chokidar: globs pick the paths, changes within 50 ms are one event. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileWatch, pathGlob } from '../../../src/triggers/file-watch.js';
import type { TriggerEvent } from '../../../src/triggers/match.js';
import { until } from '../../helpers/project.js';
import { tempProject } from '../config/temp-project.js';

describe('file globs', () => {
  it.each([
    ['src/**/*.ts', 'src/a.ts', true], ['src/**/*.ts', 'src/x/y/a.ts', true], ['src/*.ts', 'src/x/a.ts', false],
    ['*.md', 'README.md', true], ['docs/?.md', 'docs/a.md', true], ['src/**/*.ts', 'src/a.tsx', false],
  ])('%s against %s: %s', (glob, p, want) => {
    expect(pathGlob(glob).test(p)).toBe(want);
  });

  it('a burst of writes under the glob is one file.changed with every path; others are not watched', async () => {
    const root = tempProject();
    fs.mkdirSync(path.join(root, 'src', 'x'), { recursive: true });
    const got: TriggerEvent[] = [];
    const w = new FileWatch(root, ['src/**/*.ts'], (ev) => got.push(ev));
    await w.start();
    try {
      fs.writeFileSync(path.join(root, 'notes.txt'), 'n');
      fs.writeFileSync(path.join(root, 'src', 'a.ts'), 'a');
      fs.writeFileSync(path.join(root, 'src', 'x', 'b.ts'), 'b');
      await until(() => got.length > 0, 'a file.changed event');
      await until(() => got.flatMap((g) => g.data['paths'] as string[]).length >= 2, 'both paths');
      expect(got[0]?.type).toBe('file.changed');
      expect([...new Set(got.flatMap((g) => g.data['paths'] as string[]))].sort()).toEqual(['src/a.ts', 'src/x/b.ts']);
    } finally {
      await w.stop();
    }
  });
});
