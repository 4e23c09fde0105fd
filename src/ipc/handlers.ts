import { messages, type MessageName, type ParamsOf, type ReplyOf } from './messages/index.js';
import type { HandlerTable, IpcConnection } from './server.js';

/** How the controller answers one message: params after its schema, the reply its file names. */
export type Impl<K extends MessageName> = (params: ParamsOf<K>, conn: IpcConnection) => ReplyOf<K> | Promise<ReplyOf<K>>;

/** One answer for every message, and none for a message that does not exist. */
export type Impls = { [K in MessageName]: Impl<K> };

/** The server's table: each message's schema and description, with its answer. */
export function handlerTable(impls: Impls): HandlerTable {
  const table: HandlerTable = {};
  for (const name of Object.keys(messages) as MessageName[]) {
    const m = messages[name];
    // A getter: the request's schema is built when the first such request comes (define.ts).
    table[name] = {
      get schema() {
        return m.request;
      },
      describe: m.describe,
      handle: impls[name] as HandlerTable[string]['handle'],
    };
  }
  return table;
}
