import { guarded } from './io.js';
import { sendMain } from './verbs/send.js';

/** The send fast path, behind the quick verbs' error boundary (the same exit codes as the full CLI). */
export function runSend(argv: string[], broadcast: boolean): Promise<number> {
  return guarded(() => sendMain(argv, broadcast));
}
