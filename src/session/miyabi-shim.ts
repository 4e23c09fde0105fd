import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.js';
import { ensurePrivateDir } from '../core/private-dir.js';
import { shQuote } from '../core/sh-quote.js';

/**
 * Tasks tell an agent to run `miyabi done`, and the agent runs it in its own pane, where `miyabi`
 * is on the PATH only if the user ran `npm link`. So every pane's PATH starts with a private
 * folder holding a two-line `miyabi` that runs the very node and bin this controller runs: the
 * same version, whatever is (or is not) installed elsewhere.
 */
export function miyabiBinDir(paths: { run: string }): string {
  return join(paths.run, 'bin');
}

/** Writes `<dir>/miyabi` (0700), replacing the one an earlier controller wrote. */
export function writeMiyabiShim(dir: string, miyabi: { node: string; bin: string }): string {
  ensurePrivateDir(dir);
  const path = join(dir, 'miyabi');
  const text = `#!/bin/sh\n# written by the miyabi controller: the miyabi it runs\nexec ${shQuote(miyabi.node)} ${shQuote(miyabi.bin)} "$@"\n`;
  // A pane may run `miyabi` at any moment: it finds the old file or the new one, never half of one.
  // Not fsynced: every controller start writes it again.
  writeFileAtomic(path, text, { mode: 0o700, durable: false, what: 'miyabi shim' });
  return path;
}

export { pathWith } from '../agents/session-spec.js';
