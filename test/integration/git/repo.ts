/**
 * A real git repository in a mkdtemp folder for the git integration tests, laid out as
 * `<tmp>/repo` with the worktrees beside it in `<tmp>/wt` — so removing `<tmp>` removes everything.
 * Identity is set in the repository's own config, never globally.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface TestRepo {
  base: string;
  repo: string;
  /** The worktrees root passed as `root` in the settings. */
  root: string;
  git(args: string[], cwd?: string): string;
  write(rel: string, text: string, cwd?: string): string;
  read(rel: string, cwd: string): string;
  commit(message: string, cwd?: string): string;
  cleanup(): void;
}

export function makeRepo(opts: { files?: number } = {}): TestRepo {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'miyabi-git-')));
  const repo = join(base, 'repo');
  mkdirSync(repo);
  const git = (args: string[], cwd = repo) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  git(['init', '-q', '-b', 'main']);
  git(['config', 'user.name', 'Test']);
  git(['config', 'user.email', 'test@example.invalid']);
  git(['config', 'commit.gpgsign', 'false']);
  const write = (rel: string, text: string, cwd = repo) => {
    const p = join(cwd, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
    return p;
  };
  write('README.md', 'hello\n');
  write('.gitignore', '.env\nnode_modules/\n');
  for (let i = 0; i < (opts.files ?? 0); i++) write(`src/d${i % 20}/f${i}.txt`, `file ${i}\n`.repeat(20));
  git(['add', '-A']);
  git(['commit', '-qm', 'init']);
  return {
    base,
    repo,
    root: join(base, 'wt'),
    git,
    write,
    read: (rel, cwd) => readFileSync(join(cwd, rel), 'utf8'),
    commit: (message, cwd = repo) => {
      git(['add', '-A'], cwd);
      git(['commit', '-qm', message], cwd);
      return git(['rev-parse', 'HEAD'], cwd).trim();
    },
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
}
