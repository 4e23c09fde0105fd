import { describe, expect, it } from 'vitest';
import { complete, type Names } from '../../../src/ui/conductor/complete.js';
import { didYouMean, verbCommands, type VerbSpec } from '../../../src/ui/conductor/verbs.js';

const specs: VerbSpec[] = [
  { name: 'kill', aliases: [], summary: 'stop an agent', args: ['<name>'], flags: ['--clean', '--force'] },
  { name: 'agents', aliases: ['ls'], summary: 'the agents', args: [], flags: ['--json'] },
  { name: 'run', aliases: [], summary: 'run', args: ['[pipeline]'], flags: ['--var', '--wait'] },
  { name: 'logs', aliases: [], summary: 'logs', args: ['<run>', '[stage]'], flags: [] },
  { name: 'task', aliases: [], summary: 'tasks', args: ['<action>', '[args...]'], flags: [] },
  { name: 'conductor', aliases: [], summary: 'x', args: [], flags: [] },
];
const names: Names = {
  verbs: ['kill', 'agents', 'ls', 'run', 'runs', 'logs', 'task', 'help'], specs,
  agents: ['worker-1', 'worker-2', 'reviewer'], pipelines: ['dev', 'deploy'], runs: ['dev-20261125-aaaa'], tasks: ['t17-0001'],
};

describe('conductor completion', () => {
  it('completes verbs, then flags of that verb, then what the verb takes', () => {
    expect(complete('ki', names)).toEqual([['kill '], 'ki']);
    expect(complete('run', names)[0]).toEqual(['run ', 'runs ']);
    expect(complete('kill --c', names)).toEqual([['--clean'], '--c']);
    expect(complete('ls --', names)).toEqual([['--json'], '--']);
    expect(complete('kill work', names)).toEqual([['worker-1 ', 'worker-2 '], 'work']);
    expect(complete('run de', names)).toEqual([['deploy ', 'dev '], 'de']);
    expect(complete('logs ', names)).toEqual([['dev-20261125-aaaa '], '']);
    expect(complete('task cancel t1', names)).toEqual([['t17-0001 '], 't1']);
    expect(complete('@rev', names)).toEqual([['@reviewer '], '@rev']);
    expect(complete('help ag', names)).toEqual([['agents'], 'ag']);
    expect(complete('kill worker-1 x', names)).toEqual([[], 'x']);
  });

  it('did-you-mean finds close names and not far ones', () => {
    expect(didYouMean('stauts', ['status', 'agents'])).toBe('status');
    expect(didYouMean('agnets', ['status', 'agents'])).toBe('agents');
    expect(didYouMean('wor', ['worktree', 'agents'])).toBe('worktree');
    expect(didYouMean('xyzzy', ['status', 'agents'])).toBeUndefined();
  });

  it('every CLI verb becomes a command (aliases too), except the ones that make no sense inside the conductor', async () => {
    const ran: string[][] = [];
    const table = verbCommands(specs, async (argv) => (ran.push(argv), argv.includes('bad') ? 2 : 0));
    expect(Object.keys(table).sort()).toEqual(['agents', 'kill', 'logs', 'ls', 'run', 'task']);
    const printed: string[] = [];
    const ctx = { print: (t: string) => printed.push(t) } as never;
    await table['kill']!.run(['worker-1', '--clean'], ctx);
    await table['ls']!.run(['bad'], ctx);
    expect(ran).toEqual([['kill', 'worker-1', '--clean'], ['agents', 'bad']]);
    expect(printed).toEqual(['(exit 2)']);
    expect(table['kill']!.usage).toBe('<name> [flags]');
  });
});
