/** The conductor's pipeline commands: run, runs, cancel — the controller hosts the runs. */
import { MiyabiError } from '../../core/errors.js';
import { formatMs } from '../../core/duration.js';
import type { CommandTable } from './commands.js';

interface Started { runId: string; status: 'started' | 'queued' | 'skipped'; others: string[] }
interface RunRow { runId: string; pipeline: string; status: string; durationMs?: number; stages: { name: string; outcome: string }[] }

export const runCommands: CommandTable = {
  run: {
    summary: 'start a pipeline run: run <pipeline> [name=value…]',
    usage: '<pipeline> [name=value…]',
    run: async (args, ctx) => {
      const [pipeline, ...kv] = args;
      if (!pipeline) throw new MiyabiError('USAGE', 'run needs a pipeline', { hint: 'run development-pipeline branch=main' });
      const vars: Record<string, string> = {};
      for (const a of kv) {
        const i = a.indexOf('=');
        if (i <= 0) throw new MiyabiError('USAGE', `${JSON.stringify(a)}: expected name=value`);
        vars[a.slice(0, i)] = a.slice(i + 1);
      }
      const r = await ctx.client.request('run.start', { pipeline, vars });
      const why = r.others.length ? ` (${r.status === 'started' ? 'cancelled' : 'behind'} ${r.others.join(', ')})` : '';
      ctx.print(`${r.runId} ${r.status}${why}`);
    },
  },
  runs: {
    summary: 'the latest pipeline runs and their stages',
    run: async (args, ctx) => {
      if (args.length > 0) throw new MiyabiError('USAGE', 'runs takes no arguments');
      const rows = await ctx.client.request('runs.list');
      if (rows.length === 0) return ctx.print('no runs yet (run <pipeline> starts one)');
      ctx.print(
        rows
          .map((r) => `${r.runId}  ${r.status}  ${formatMs(r.durationMs)}  ${r.stages.map((s) => `${s.name}:${s.outcome}`).join(' ')}`)
          .join('\n'),
      );
    },
  },
  cancel: {
    summary: 'cancel a pipeline run: cancel <run>',
    usage: '<run>',
    run: async (args, ctx) => {
      if (args.length !== 1) throw new MiyabiError('USAGE', 'cancel needs one run id', { hint: 'runs lists them' });
      const r = await ctx.client.request('run.cancel', { runId: args[0]! });
      ctx.print(`${args[0]}: ${r.status}`);
    },
  },
};
