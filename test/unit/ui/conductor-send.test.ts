import { describe, expect, it } from 'vitest';
import { shortId } from '../../../src/core/short-ids.js';
import { builtinCommands, dispatch, type CommandContext } from '../../../src/ui/conductor/commands.js';

describe('the conductor sends messages', () => {
  it('send <agent> <text…> asks the controller to queue it', async () => {
    const calls: unknown[] = [];
    const out: string[] = [];
    const ctx: CommandContext = {
      client: { request: async (type, payload) => (calls.push([type, payload]), { id: 'ID1' }) as never },
      print: (t) => out.push(t),
      clear: () => undefined,
      exit: () => undefined,
      commands: builtinCommands,
    };
    await dispatch('send agent-1 "run the tests" now', ctx);
    expect(calls).toEqual([['send', { to: 'agent-1', text: 'run the tests now' }]]);
    // The id as every verb shows it (core/short-ids.ts).
    expect(out).toEqual([`queued ${shortId('ID1')} for agent-1`]);
    await dispatch('send agent-1', ctx);
    expect(out[1]).toMatch(/error: send needs an agent and some text/);
  });
});
