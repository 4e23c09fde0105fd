import { describe, expect, it } from 'vitest';
import { builtinCommands, dispatch, type CommandContext } from '../../../src/ui/conductor/commands.js';

function ctxWith(reply: (type: string, payload: unknown) => unknown) {
  const calls: [string, unknown][] = [];
  const out: string[] = [];
  const ctx: CommandContext = {
    client: { request: async (type, payload) => (calls.push([type, payload]), reply(type, payload)) as never },
    print: (t) => out.push(t),
    clear: () => undefined,
    exit: () => undefined,
    commands: builtinCommands,
  };
  return { ctx, calls, out };
}

describe('the conductor runs pipelines through the controller', () => {
  it('run <pipeline> name=value… starts a run and says what became of it', async () => {
    const { ctx, calls, out } = ctxWith(() => ({ runId: 'dev-20261125-120000-abcd', status: 'queued', others: ['dev-20261125-115900-0001'] }));
    await dispatch('run dev branch=main "msg=hello world"', ctx);
    expect(calls).toEqual([['run.start', { pipeline: 'dev', vars: { branch: 'main', msg: 'hello world' } }]]);
    expect(out).toEqual(['dev-20261125-120000-abcd queued (behind dev-20261125-115900-0001)']);
  });

  it('refuses a run with no pipeline or a bad variable, asking nothing of the controller', async () => {
    const { ctx, calls, out } = ctxWith(() => ({}));
    await dispatch('run', ctx);
    await dispatch('run dev branch', ctx);
    expect(calls).toEqual([]);
    expect(out[0]).toMatch(/^error: run needs a pipeline/);
    expect(out[1]).toMatch(/^error: "branch": expected name=value/);
  });

  it('runs lists the latest runs with their stages; cancel cancels one', async () => {
    const { ctx, calls, out } = ctxWith((type) =>
      type === 'runs.list'
        ? [{ runId: 'dev-1', pipeline: 'dev', status: 'failed', durationMs: 4200, stages: [{ name: 'build', outcome: 'passed' }, { name: 'deploy', outcome: 'failed' }] }]
        : { status: 'cancelled' },
    );
    await dispatch('runs', ctx);
    await dispatch('cancel dev-1', ctx);
    expect(calls.map((c) => c[0])).toEqual(['runs.list', 'run.cancel']);
    expect(out).toEqual(['dev-1  failed  4.2 s  build:passed deploy:failed', 'dev-1: cancelled']);
  });
});
