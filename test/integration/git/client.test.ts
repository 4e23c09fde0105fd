import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { git } from '../../../src/git/client.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'miyabi-git-client-'));
  execFileSync('git', ['init', '-q'], { cwd: dir });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('git client', () => {
  it('returns output that arrives after git itself exited (a busy machine reads pipes late)', async () => {
    // The alias's shell exits at once; its background child writes later, through the same pipe.
    // Stands in for a loaded machine where the pipe is read well after the exit event.
    const out = await git(dir).run(['-c', 'alias.late=!(sleep 0.3; echo late) & exit 0', 'late']);
    expect(out).toBe('late\n');
  });
});
