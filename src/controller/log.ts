import { appendFileNoFollow } from '../core/no-follow.js';

/** Best effort: the journal is the record, the log only says more. */
export function appendLog(file: string, line: string): void {
  try {
    // Never through a symlink planted where the log belongs (issue #11).
    appendFileNoFollow(file, `${new Date().toISOString()} ${line}\n`);
  } catch {
    // a full disk or a removed folder must not stop the controller
  }
}

export type Step = (what: string, fn: () => unknown) => Promise<void>;

/** Runs each step on its own: one that fails is logged (`stop: <what> failed: …`) and the rest still run. */
export function stopSteps(log: (line: string) => void): Step {
  return async (what, fn) => {
    const t0 = performance.now();
    try {
      await fn();
    } catch (e) {
      log(`stop: ${what} failed: ${String(e)}`);
    }
    if (process.env.MIYABI_STOP_TRACE) log(`stop: ${what} ${Math.round(performance.now() - t0)} ms`);
  };
}
