import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Tests never write into the real ~/.local/state: every miyabi they start (in-process or as a
 * child, which inherits the environment) keeps its ownership records (core/state-trust.ts) in a
 * state folder of this test run, removed at the end.
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'miyabi-test-state-'));
  process.env.XDG_STATE_HOME = dir;
  // No spare controllers (spare/main.ts) outlive a test: the tests of spares turn them on, in a
  // folder of their own, and end the ones they made by pid.
  process.env.MIYABI_SPARE = '0';
  return () => rmSync(dir, { recursive: true, force: true });
}
