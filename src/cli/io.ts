/**
 * Where a verb says what it says: this process's streams, or a thin `up`'s, carried back to it by
 * the spare controller that ran the verb (spare/serve.ts).
 */
import { isMiyabiError } from '../core/errors.js';

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: Io = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
};

/** The exit code of `run` behind the CLI's error boundary: a MiyabiError is its message and hint. */
export async function guarded(run: () => Promise<number>, io: Io = processIo): Promise<number> {
  try {
    return await run();
  } catch (e) {
    if (isMiyabiError(e)) {
      io.err(`miyabi: ${e.message}\n${e.hint ? `hint: ${e.hint}\n` : ''}`);
      return e.exitCode;
    }
    io.err(`miyabi: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}
