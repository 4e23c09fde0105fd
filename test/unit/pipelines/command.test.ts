import { describe, expect, it } from 'vitest';
import { planCommand, splitWords } from '../../../src/config/skill-command.js';

describe('string actions', () => {
  it('split into an argument array when they have no shell syntax', () => {
    expect(planCommand('cargo fmt --check')).toEqual({ argv: ['cargo', 'fmt', '--check'], shell: false });
    expect(planCommand(`git commit -m "two words" --author='A B'`)).toEqual({ argv: ['git', 'commit', '-m', 'two words', '--author=A B'], shell: false });
    expect(planCommand('echo a\\ b')).toEqual({ argv: ['echo', 'a b'], shell: false });
  });

  it('run under /bin/sh -c when they have shell syntax', () => {
    for (const s of ['cargo test 2>&1 | tee out', 'echo $HOME', 'a; b', 'ls *.rs', 'echo `id`', 'a && b', 'cd x\nmake']) {
      expect(planCommand(s)).toEqual({ argv: ['/bin/sh', '-c', s], shell: true });
    }
  });

  it('leave an open quote to the shell to report', () => {
    expect(splitWords('echo "open')).toBeNull();
    expect(planCommand('echo "open').shell).toBe(true);
  });
});
