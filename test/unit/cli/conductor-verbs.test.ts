import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { verbSpecs } from '../../../src/cli/verbs/ui.js';

describe("the conductor's verbs come from the CLI's commander program", () => {
  it('walks names, aliases, arguments and flags (hidden ones left out)', () => {
    const p = new Command('miyabi');
    p.command('kill').description('stop an agent').argument('<name>').option('--clean', 'x').option('-f, --force', 'y');
    p.command('agents').alias('ls').description('list').option('--json');
    p.command('done').argument('[task]').argument('[more...]');
    const specs = verbSpecs(p);
    expect(specs).toEqual([
      { name: 'kill', aliases: [], summary: 'stop an agent', args: ['<name>'], flags: ['--clean', '--force', '-f'] },
      { name: 'agents', aliases: ['ls'], summary: 'list', args: [], flags: ['--json'] },
      { name: 'done', aliases: [], summary: '', args: ['[task]', '[more...]'], flags: [] },
    ]);
  });
});
