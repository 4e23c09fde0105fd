import { isMiyabiError } from '../core/errors.js';
import { sendMain } from './verbs/send.js';

/** The send fast path's own error boundary (the same exit codes as the full CLI). */
export async function runSend(argv: string[], broadcast: boolean): Promise<number> {
  try {
    return await sendMain(argv, broadcast);
  } catch (e) {
    if (isMiyabiError(e)) {
      process.stderr.write(`miyabi: ${e.message}\n${e.hint ? `hint: ${e.hint}\n` : ''}`);
      return e.exitCode;
    }
    process.stderr.write(`miyabi: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}
