import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MiyabiError } from '../../../src/core/errors.js';
import type { WorktreeHooks } from '../../../src/git/hooks.js';
import { fillPool, takeFromPool } from '../../../src/git/pool.js';
import { allocatePort, listPorts, portFree, releasePort } from '../../../src/git/ports.js';
import { cleanWorktrees, createWorktree, listWorktrees, removeWorktree } from '../../../src/git/worktrees.js';
import { makeRepo, type TestRepo } from './repo.js';
import { until } from '../../helpers/project.js';

let r: TestRepo;
beforeEach(() => {
  r = makeRepo();
  r.write('.env', 'SECRET=1\n');
  r.write('config/local.json', '{"a":1}\n');
});
afterEach(() => r.cleanup());

const node = process.execPath;
// Writes what the install step saw: its folder, port and agent.
const install = { argv: [node, '-e', "require('fs').writeFileSync('installed.json', JSON.stringify({cwd: process.cwd(), port: process.env.MIYABI_PORT, agent: process.env.MIYABI_AGENT}))"] };
const ports = { from: 47100, to: 47199 };

describe('setup and teardown hooks', () => {
  it('copy listed files from the main tree and run the install command in the worktree', async () => {
    const hooks: WorktreeHooks = { copy: ['.env', 'config/local.json', 'absent.txt'], install };
    const w = await createWorktree({ repo: r.repo, name: 'h1', root: r.root, hooks, ports });
    expect(r.read('.env', w.path)).toBe('SECRET=1\n');
    expect(r.read('config/local.json', w.path)).toBe('{"a":1}\n');
    expect(w.setup?.copied).toEqual(['.env', 'config/local.json']);
    expect(w.setup?.missing).toEqual(['absent.txt']);
    expect(w.setup?.install?.exitCode).toBe(0);
    expect(JSON.parse(r.read('installed.json', w.path))).toEqual({ cwd: w.path, port: String(w.port), agent: 'h1' });
    expect(w.env.MIYABI_PORT).toBe(String(w.port));
    // .env is ignored, so it is not work to lose; installed.json is untracked, so it is
    // (copied files count only once they differ from the main tree's)
    await expect(removeWorktree(r.repo, 'h1')).rejects.toThrow(/^ {2}- 1 untracked file: installed\.json$/m);
    r.write('config/local.json', '{"a":2}\n', w.path);
    await expect(removeWorktree(r.repo, 'h1')).rejects.toThrow(/2 untracked files: config\/local\.json, installed\.json/);
  });

  it('a failing or hanging install command undoes the creation and says why', async () => {
    const fail = { argv: [node, '-e', "console.error('no network'); process.exit(3)"] };
    const e = (await createWorktree({ repo: r.repo, name: 'h2', root: r.root, hooks: { install: fail }, ports }).catch((x: unknown) => x)) as MiyabiError;
    expect(e).toBeInstanceOf(MiyabiError);
    expect(e.message).toMatch(/install command .* exited with 3/);
    expect(e.message).toContain('no network');
    expect(existsSync(join(r.root, 'h2'))).toBe(false);
    expect(r.git(['branch', '--list', 'miyabi/*'])).toBe('');
    expect(listPorts(r.repo)).toEqual({});
    expect((await listWorktrees(r.repo)).length).toBe(1);

    const hang = { argv: [node, '-e', 'setInterval(() => {}, 1000)'], timeoutMs: 300 };
    await expect(createWorktree({ repo: r.repo, name: 'h3', root: r.root, hooks: { install: hang } })).rejects.toThrow(/timed out after 300 ms/);
    expect(existsSync(join(r.root, 'h3'))).toBe(false);
  });

  it('runs the teardown command before removal, with the same environment', async () => {
    const marker = join(r.base, 'teardown.txt');
    const teardown = { argv: [node, '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, process.env.MIYABI_AGENT + ' ' + process.env.MIYABI_PORT)`] };
    const w = await createWorktree({ repo: r.repo, name: 'h4', root: r.root, hooks: { teardown }, ports });
    const gone = await removeWorktree(r.repo, 'h4', { hooks: { teardown } });
    expect(gone.teardown?.exitCode).toBe(0);
    expect(r.read('teardown.txt', r.base)).toBe(`h4 ${w.port}`);
  });

  it('a hanging install that started a background child: the whole group is killed at the timeout', async () => {
    const pidFile = join(r.base, 'grandchild.pid');
    // The grandchild ignores SIGTERM: only a group SIGKILL ends it.
    const hang = { argv: ['/bin/sh', '-c', `(trap '' TERM; sleep 60) & echo $! > ${pidFile}; wait`], timeoutMs: 400 };
    await expect(createWorktree({ repo: r.repo, name: 'h6', root: r.root, hooks: { install: hang } })).rejects.toThrow(/timed out after 400 ms/);
    const pid = Number(r.read('grandchild.pid', r.base).trim());
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await until(() => !alive(), 'the grandchild is gone', 5000);
  });

  it('a teardown that deletes files runs after the archive: --force still keeps the work', async () => {
    const teardown = { argv: ['/bin/sh', '-c', 'rm -f notes.txt'] };
    const w = await createWorktree({ repo: r.repo, name: 'h5', root: r.root, hooks: { teardown } });
    r.write('notes.txt', 'work in progress\n', w.path);
    const gone = await removeWorktree(r.repo, 'h5', { hooks: { teardown }, force: true });
    expect(gone.teardown?.exitCode).toBe(0);
    expect(r.git(['show', `${gone.archive.ref}:notes.txt`])).toBe('work in progress\n');
  });

  it('the pool runs install when it is filled and copies files again when taken', async () => {
    await fillPool({ repo: r.repo, root: r.root, size: 1, hooks: { copy: ['.env'], install } });
    r.write('.env', 'SECRET=2\n');
    const w = await takeFromPool({ repo: r.repo, name: 'h5', root: r.root, hooks: { copy: ['.env'], install }, ports });
    expect(w?.setup?.install).toBeNull();
    expect(existsSync(join(w?.path ?? '', 'installed.json'))).toBe(true);
    expect(r.read('.env', w?.path ?? '')).toBe('SECRET=2\n');
    expect(w?.env.MIYABI_PORT).toBe(String(w?.port));
  });

  it('refuses copy paths outside the repository', async () => {
    await expect(createWorktree({ repo: r.repo, name: 'h6', root: r.root, hooks: { copy: ['../etc/passwd'] } })).rejects.toThrow(/must be a path inside the repository/);
    expect(existsSync(join(r.root, 'h6'))).toBe(false);
  });
});

describe('ports', () => {
  it('each worktree gets its own port; removal releases it for the next', async () => {
    const made = await Promise.all(['q1', 'q2', 'q3', 'q4'].map((name) => createWorktree({ repo: r.repo, name, root: r.root, ports })));
    const got = made.map((w) => w.port);
    expect(new Set(got).size).toBe(4);
    for (const p of got) expect(p).toBeGreaterThanOrEqual(47100);
    expect(listPorts(r.repo)).toEqual(Object.fromEntries(made.map((w) => [w.name, w.port])));
    const q2 = made[1]?.port;
    const gone = await removeWorktree(r.repo, 'q2');
    expect(gone.port).toBe(q2);
    expect(Object.values(listPorts(r.repo))).not.toContain(q2);
    const next = await createWorktree({ repo: r.repo, name: 'q5', root: r.root, ports });
    expect(new Set([...Object.values(listPorts(r.repo))]).size).toBe(4);
    expect(next.port).toBeDefined();
    // A removal that failed keeps its port: say which and why rather than only the leftover port.
    const cleaned = await cleanWorktrees(r.repo);
    expect(cleaned.failed.map((f) => `${f.name}: ${f.error.message}`)).toEqual([]);
    expect(listPorts(r.repo)).toEqual({});
  });

  it('skips a port another program listens on, keeps a name\'s port, and says when the range is full', async () => {
    const { createServer } = await import('node:net');
    const srv = createServer();
    await new Promise<void>((res) => srv.listen({ port: 0, host: '127.0.0.1' }, res));
    const busy = (srv.address() as { port: number }).port;
    try {
      expect(await portFree(busy)).toBe(false);
      const range = { from: busy, to: busy + 1 };
      const p = await allocatePort(r.repo, 'x1', { range });
      expect(p).toBe(busy + 1);
      expect(await allocatePort(r.repo, 'x1', { range })).toBe(p);
      await expect(allocatePort(r.repo, 'x2', { range })).rejects.toThrow(/no free port left/);
      expect(await releasePort(r.repo, 'x1')).toBe(p);
      expect(await releasePort(r.repo, 'x1')).toBeNull();
    } finally {
      srv.close();
    }
  });

  it('many allocations at once never hand out one port twice', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `n${i}`);
    const got = await Promise.all(names.map((n) => allocatePort(r.repo, n, { range: ports, probe: false })));
    expect(new Set(got).size).toBe(20);
    writeFileSync(join(r.base, 'x'), '');
  });
});
