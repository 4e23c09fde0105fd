import { describe, expect, it } from 'vitest';
import { MiyabiError } from '../../../src/core/errors.js';
import type { StatusResult } from '../../../src/ipc/protocol.js';
import {
  builtinCommands,
  dispatch,
  formatError,
  type CommandContext,
  type CommandTable,
  type ConductorClient,
} from '../../../src/ui/conductor/commands.js';
import { samplePanes } from '../../helpers/fake-controller.js';

const STATUS: StatusResult = {
  session: 'demo',
  tmuxSocket: 'miyabi',
  root: '/r',
  layout: 'default',
  controller: { pid: 42, startedAt: '2025-01-01T00:00:00Z', uptimeMs: 5_000, ipcPath: '/s' },
  panes: samplePanes(),
};

class FakeClient implements ConductorClient {
  calls: { type: string; payload: unknown }[] = [];
  constructor(private readonly answer: (type: string) => unknown = (t) => (t === 'status' ? STATUS : { pid: 42 })) {}
  async request<T>(type: string, payload?: unknown): Promise<T> {
    this.calls.push({ type, payload });
    return this.answer(type) as T;
  }
}

function context(client: ConductorClient = new FakeClient(), commands: CommandTable = builtinCommands) {
  const out: string[] = [];
  const state = { cleared: 0, exited: false };
  const ctx: CommandContext = {
    client,
    commands,
    print: (t) => out.push(t),
    clear: () => state.cleared++,
    exit: () => {
      state.exited = true;
    },
  };
  return { ctx, out, state, text: () => out.join('\n') };
}

describe('conductor commands', () => {
  it('help lists every command with one line each', async () => {
    const c = context();
    await dispatch('help', c.ctx);
    const lines = c.text().split('\n');
    expect(lines).toHaveLength(Object.keys(builtinCommands).length);
    for (const name of ['help', 'status', 'ping', 'clear', 'exit', 'quit']) {
      expect(lines.some((l) => l.trimStart().startsWith(name + ' '))).toBe(true);
    }
    expect(c.text()).toContain('status [--json]');
  });

  it('help <command> shows one command, and names an unknown one', async () => {
    const c = context();
    await dispatch('help status', c.ctx);
    expect(c.text()).toBe('status [--json]\n  the session, the controller and every pane');
    await dispatch('help nope', c.ctx);
    expect(c.out[1]).toBe('error: unknown command nope; type help');
  });

  it('status prints formatStatus, status --json the raw result', async () => {
    const client = new FakeClient();
    const c = context(client);
    await dispatch('status', c.ctx);
    expect(c.out[0]).toMatch(/^session {5}demo \(tmux -L miyabi\)/);
    expect(c.out[0]).toContain('agent-2');
    await dispatch('  status   --json ', c.ctx);
    expect(JSON.parse(c.out[1] as string)).toEqual(STATUS);
    expect(client.calls.map((x) => x.type)).toEqual(['status', 'status']);
    await dispatch('status --yaml', c.ctx);
    expect(c.out[2]).toBe('error: status does not take --yaml\nhint: status [--json]');
  });

  it('ping shows the controller pid', async () => {
    const c = context();
    await dispatch('ping', c.ctx);
    expect(c.out[0]).toMatch(/^pong from controller pid 42 \(\d+\.\d ms\)$/);
  });

  it('clear, exit and quit act on the REPL', async () => {
    const c = context();
    await dispatch('clear', c.ctx);
    expect(c.state.cleared).toBe(1);
    await dispatch('exit', c.ctx);
    expect(c.state.exited).toBe(true);
    const d = context();
    await dispatch('quit', d.ctx);
    expect(d.state.exited).toBe(true);
    await dispatch('exit now', d.ctx);
    expect(d.out[0]).toBe('error: exit takes no arguments\nhint: type exit');
  });

  it('an unknown command is reported, not thrown; blank lines do nothing', async () => {
    const client = new FakeClient();
    const c = context(client);
    await dispatch('bogus a b', c.ctx);
    await dispatch('   ', c.ctx);
    await dispatch('toString', c.ctx);
    await dispatch('__proto__', c.ctx);
    expect(c.out).toEqual([
      'unknown command bogus; type help',
      'unknown command toString; type help',
      'unknown command __proto__; type help',
    ]);
    expect(client.calls).toEqual([]);
  });

  it('controller errors print as error: and hint:', async () => {
    const client = new FakeClient(() => {
      throw new MiyabiError('CONTROLLER_DOWN', 'the controller is not running', { hint: 'start it with `miyabi up`' });
    });
    const c = context(client);
    await dispatch('ping', c.ctx);
    expect(c.out).toEqual(['error: the controller is not running\nhint: start it with `miyabi up`']);
    expect(formatError(new Error('plain'))).toBe('error: plain');
    expect(formatError('text')).toBe('error: text');
  });

  it('bad quoting is a usage error', async () => {
    const c = context();
    await dispatch('status "--json', c.ctx);
    expect(c.out[0]).toMatch(/^error: unterminated double quote \(at column 8\)\nhint: /);
  });

  it('new verbs are entries in the table', async () => {
    const seen: string[][] = [];
    const commands: CommandTable = {
      ...builtinCommands,
      send: {
        summary: 'send a message to an agent',
        usage: '<agent> <text>',
        run: async (args, ctx) => {
          seen.push(args);
          await ctx.client.request('send', { to: args[0]!, text: args[1]! });
          ctx.print('sent');
        },
      },
    };
    const client = new FakeClient(() => ({}));
    const c = context(client, commands);
    await dispatch(`send agent-1 'fix the "build"'`, c.ctx);
    expect(seen).toEqual([['agent-1', 'fix the "build"']]);
    expect(client.calls).toEqual([{ type: 'send', payload: { to: 'agent-1', text: 'fix the "build"' } }]);
    await dispatch('help', c.ctx);
    expect(c.out[1]).toContain('send <agent> <text>');
  });
});
