import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { waitGone } from '../../../src/core/pid.js';

describe('waitGone (down and the wedged-controller restart share it)', () => {
  it('is true once the process exits (a zombie not yet reaped counts as gone), false while it lives past the deadline', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
    const pid = child.pid!;
    expect(await waitGone(pid, 60)).toBe(false);
    child.kill('SIGKILL');
    expect(await waitGone(pid, 10_000)).toBe(true);
  });
});
