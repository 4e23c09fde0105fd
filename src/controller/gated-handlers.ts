import type { Impls } from '../ipc/handlers.js';
import { messages, type MessageName } from '../ipc/messages/index.js';
import type { HandlerTable } from '../ipc/server.js';

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(v: T): void;
  reject(e: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined); // a start that fails with no request waiting is not an unhandled rejection
  return { promise, resolve, reject };
}

/**
 * The server's table while the parts start: each message's schema (the server checks requests
 * against it at once) and an answer that waits for the real table. The socket can then be bound
 * before the parts are up (issue #17), and still no client gets an answer the parts would not give.
 * `now`: the core's own answers that need no part (`ping`, `status`), given at once, so that a
 * controller still starting its parts is never taken for one that does not answer (`up` stops such a one).
 */
export function gatedTable(ready: Promise<HandlerTable>, now: Partial<Impls> = {}): HandlerTable {
  const table: HandlerTable = {};
  for (const name of Object.keys(messages) as MessageName[]) {
    const m = messages[name];
    const at = now[name] as HandlerTable[string]['handle'] | undefined;
    table[name] = {
      get schema() {
        return m.request; // built on the first such request (ipc/messages/define.ts)
      },
      describe: m.describe,
      handle:
        at ??
        (async (payload, conn) => {
          const real = (await ready)[name];
          if (!real) throw new Error(`no answer for ${name}`);
          return real.handle(payload, conn);
        }),
    };
  }
  return table;
}
