import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../../src/shell/run.js';
import { tempDir } from '../pipelines/helpers.js';

describe('runCommand', () => {
  it('a cancel that lands while the command is being set up stops it from starting at all', async () => {
    const dir = tempDir();
    const ctl = new AbortController();
    const marker = join(dir, 'started');
    const running = runCommand(['/bin/sh', '-c', `touch ${marker}; sleep 30`], { cwd: dir, env: { PATH: process.env.PATH ?? '' }, logFile: join(dir, 'log'), signal: ctl.signal });
    // Aborted in the same tick as the call: before any process could have been spawned.
    ctl.abort('cancelled');
    await expect(running).rejects.toThrow(/cancelled before it started/);
    expect(existsSync(marker)).toBe(false);
  });
});
