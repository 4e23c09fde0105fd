import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseNumstat } from '../../../src/git/diff-stat.js';
import { ensureExcluded } from '../../../src/git/exclude.js';
import { updateRegistry } from '../../../src/git/worktrees-registry.js';
import { paneHandlers } from '../../../src/controller/handlers/panes.js';
import type { TmuxPort } from '../../../src/tmux/port.js';

/** A tmux stand-in that records the commands and answers the zoom flag and the client list. */
function fakeTmux(zoomed: boolean, clients: string[]) {
  const ran: string[] = [];
  const tmux = {
    listPanes: async () => [{ paneId: '%3', windowName: 'agents' }],
    pane: (id: string) => ({
      id,
      run: async (verb: string, args: string[] = []) => {
        ran.push([verb, '-t', id, ...args].join(' '));
        return verb === 'display-message' ? [zoomed ? '1' : '0'] : [];
      },
    }),
    run: async (verb: string, args: string[] = []) => {
      ran.push([verb, ...args].join(' '));
      return verb === 'list-clients' ? clients : [];
    },
  } as unknown as TmuxPort;
  return { tmux, ran };
}
const conn = {} as never;
const noAgents = { root: '/nonexistent', agents: { list: async () => [] } };

describe('the panes part: focus and detach', () => {
  it('focus selects the window and pane and zooms it (toggling only when it is not zoomed yet)', async () => {
    const a = fakeTmux(false, []);
    expect(await paneHandlers({ tmux: a.tmux, session: 's', ...noAgents }).focus({ paneId: '%3', zoom: true }, conn)).toEqual({ paneId: '%3', window: 'agents', zoomed: true });
    expect(a.ran).toEqual(['select-window -t %3', 'select-pane -t %3', 'display-message -t %3 -p #{window_zoomed_flag}', 'resize-pane -t %3 -Z']);
    const b = fakeTmux(true, []);
    await paneHandlers({ tmux: b.tmux, session: 's', ...noAgents }).focus({ paneId: '%3', zoom: true }, conn);
    expect(b.ran).not.toContain('resize-pane -t %3 -Z');
  });

  it('focus refuses a pane that is not in the session', async () => {
    const a = fakeTmux(false, []);
    await expect(paneHandlers({ tmux: a.tmux, session: 's', ...noAgents }).focus({ paneId: '%9', zoom: true }, conn)).rejects.toThrow(/no pane %9 in session s/);
    expect(a.ran).toEqual([]);
  });

  it("detach detaches the people's clients, never the controller's control-mode client", async () => {
    const a = fakeTmux(false, ['1 client-ctl', '0 /dev/pts/3']);
    expect(await paneHandlers({ tmux: a.tmux, session: 's', ...noAgents }).detach({}, conn)).toEqual({ detached: true });
    expect(a.ran).toEqual(['list-clients -t s -F #{client_control_mode} #{client_name}', 'detach-client -t /dev/pts/3']);
  });
});

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the panes part: an agent\'s diff', () => {
  const g = (dir: string, ...a: string[]) => execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@t', ...a], { encoding: 'utf8' });
  const agent = (name: string, cwd: string, worktree: string | null) => ({ name, cwd, worktree, paneId: '%1', pid: 1, alive: true, command: 'sh', branch: null, spawned: false });

  it('counts committed, uncommitted and new-file lines against the base the worktree was made from', async () => {
    const repo = realpathSync(mkdtempSync(join(tmpdir(), 'miyabi-diff-')));
    dirs.push(repo);
    g(repo, 'init', '-q', '-b', 'main');
    writeFileSync(join(repo, 'a.txt'), 'one\ntwo\nthree\n');
    g(repo, 'add', '.');
    g(repo, 'commit', '-qm', 'base');
    const base = g(repo, 'rev-parse', 'HEAD').trim();
    const wt = join(repo, '.wt', 'w1');
    mkdirSync(join(repo, '.wt'));
    g(repo, 'worktree', 'add', '-q', '-b', 'w1', wt, base);
    // As `up` and worktree creation do: miyabi's state and the worktrees folder are not the user's work.
    ensureExcluded(repo);
    ensureExcluded(repo, '/.wt/');
    await updateRegistry(repo, (r) => {
      r.worktrees['w1'] = { name: 'w1', path: wt, branch: 'w1', base: 'main', baseCommit: base, createdAt: '', source: 'create' };
    });
    // A commit on the branch (+1 -1), an uncommitted edit (+1), a new file of 2 lines, a binary file.
    writeFileSync(join(wt, 'a.txt'), 'one\nTWO\nthree\n');
    g(wt, 'commit', '-qam', 'edit');
    writeFileSync(join(wt, 'a.txt'), 'one\nTWO\nthree\nfour\n');
    writeFileSync(join(wt, 'new.txt'), 'x\ny');
    writeFileSync(join(wt, 'b.bin'), Buffer.from([0, 1, 2]));
    const h = paneHandlers({ tmux: fakeTmux(false, []).tmux, session: 's', root: repo, agents: { list: async () => [agent('w1', wt, wt), agent('main', repo, null)] } });
    const d = await h.diff({ agent: 'w1', patch: true }, conn);
    expect(d).toMatchObject({ agent: 'w1', base: 'main', baseCommit: base, added: 4, removed: 1 });
    expect(d.files).toEqual([
      { path: 'a.txt', added: 2, removed: 1, binary: false },
      { path: 'b.bin', added: 0, removed: 0, binary: true },
      { path: 'new.txt', added: 2, removed: 0, binary: false },
    ]);
    expect(d.patch).toContain('+TWO');
    expect(d.patch).toContain('new files (not yet added to git):\n  b.bin\n  new.txt');
    // The main checkout has no registry entry: its own uncommitted work, against HEAD.
    writeFileSync(join(repo, 'a.txt'), 'one\n');
    expect(await h.diff({ agent: 'main', patch: false }, conn)).toMatchObject({ base: 'HEAD', added: 0, removed: 2 });
    await expect(h.diff({ agent: 'nobody', patch: false }, conn)).rejects.toThrow(/no agent nobody/);
  });

  it('reads numstat -z, binary files included', () => {
    expect(parseNumstat('3\t1\ta b.txt\0-\t-\timg.png\0')).toEqual([
      { path: 'a b.txt', added: 3, removed: 1, binary: false },
      { path: 'img.png', added: 0, removed: 0, binary: true },
    ]);
  });
});
