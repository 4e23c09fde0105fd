import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { handlerTable, type Impls } from '../../src/ipc/handlers.js';
import { messages } from '../../src/ipc/messages/index.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'ipc', 'messages');

describe('ipc messages', () => {
  it('lists every message file once, under its own name', () => {
    for (const [key, m] of Object.entries(messages)) expect(m.name).toBe(key);
    // One file each (define/index/shared shapes aside): a new file not in the list is caught here.
    const files = readdirSync(dir).filter((f) => !['define.ts', 'index.ts', 'task.ts'].includes(f));
    expect(files.length).toBe(Object.keys(messages).length);
  });

  it("builds the server's table from the message files: schema and description from there", async () => {
    const impls = Object.fromEntries(Object.keys(messages).map((k) => [k, () => ({ answered: k })])) as unknown as Impls;
    const table = handlerTable(impls);
    expect(Object.keys(table).sort()).toEqual(Object.keys(messages).sort());
    expect(table['message.wait']!.schema).toBe(messages['message.wait'].request);
    expect(table['message.wait']!.describe).toBe(messages['message.wait'].describe);
    expect(table['message.wait']!.schema.safeParse({ to: 'a', id: 'x' }).success).toBe(false);
    expect(await table.ping!.handle({}, { subscribe: () => undefined })).toEqual({ answered: 'ping' });
  });
});
