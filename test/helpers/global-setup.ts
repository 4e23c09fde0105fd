import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Tests never write into the real ~/.local/state: every miyabi they start (in-process or as a
 * child, which inherits the environment) keeps its ownership records (core/state-trust.ts) in a
 * state folder of this test run, removed at the end.
 *
 * No spare controllers (spare/main.ts) either: the tests of spares turn them on, in a folder of
 * their own, and end the ones they made. MIYABI_TEST_SPARES=1 runs a suite with them on (every
 * `up` after the first goes through one, e.g. `MIYABI_TEST_SPARES=1 npm run test:agents`), in a
 * folder of this run, and ends them at the end; tests of the spawned controller's own shape
 * (its `--handover` command line) do not hold then.
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'miyabi-test-state-'));
  process.env.XDG_STATE_HOME = dir;
  const spares = process.env.MIYABI_TEST_SPARES === '1' ? mkdtempSync(join(tmpdir(), 'miyabi-test-spares-')) : null;
  process.env.MIYABI_SPARE = spares ? '1' : '0';
  if (spares) process.env.MIYABI_SPARE_DIR = spares;
  return () => {
    if (spares) {
      const r = spawnSync('pgrep', ['-f', `controller/spare.mjs ${spares}$`], { encoding: 'utf8' });
      for (const pid of r.stdout.split('\n').filter(Boolean)) process.kill(Number(pid), 'SIGKILL');
      rmSync(spares, { recursive: true, force: true });
    }
    rmSync(dir, { recursive: true, force: true });
  };
}
