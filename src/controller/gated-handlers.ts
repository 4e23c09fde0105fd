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
 */
export function gatedTable(ready: Promise<HandlerTable>): HandlerTable {
  const table: HandlerTable = {};
  for (const name of Object.keys(messages) as MessageName[]) {
    const m = messages[name];
    table[name] = {
      schema: m.request,
      describe: m.describe,
      handle: async (payload, conn) => {
        const real = (await ready)[name];
        if (!real) throw new Error(`no answer for ${name}`);
        return real.handle(payload, conn);
      },
    };
  }
  return table;
}
