/**
 * B15 (issue #11, item 1): nothing that came with the repository is ever read as miyabi's state.
 * A repository commits every hostile `.miyabi/` shape; its clone's first `up` (real, on a private
 * tmux server) touches no file outside miyabi's own state, types nothing, and says why it refused.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { writeMessage } from '../../../src/bus/writer.js';
import { ownedRecordDir } from '../../../src/core/state-trust.js';
import { makeProject, type TestProject } from '../../helpers/project.js';
import { privateTmux, type TestTmux } from '../../helpers/tmux-server.js';

const BIN = join(import.meta.dirname, '..', '..', '..', 'bin', 'miyabi.js');
const LAYOUT = `session: hostile
windows:
  - name: main
    panes:
      - role: agent
        name: agent-1
      - role: agent
        name: agent-2
`;

const cleanups: (() => void)[] = [];
let project: TestProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
  for (const c of cleanups.splice(0)) c();
});

function tempDir(prefix: string): string {
  const d = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

const git = (cwd: string, ...a: string[]) =>
  execFileSync('git', ['-c', 'user.email=t@t.invalid', '-c', 'user.name=t', ...a], { cwd, stdio: 'ignore' });

/** A file's content and mtime, to show it was not touched. */
function fingerprint(path: string): string {
  const st = statSync(path);
  return `${st.mtimeMs}:${st.size}:${st.isFile() ? readFileSync(path, 'utf8') : readdirSync(path).join(',')}`;
}

interface Hostile {
  clone: string;
  outside: string;
  marker: string;
  targets: string[];
}

/** The repository an attacker publishes, with each shape of issue #11 committed, and its clone. */
function hostileClone(withToken: boolean): Hostile {
  const outside = tempDir('miyabi-outside-');
  const origin = tempDir('miyabi-hostile-');
  const marker = join(outside, 'PWNED');
  const rc = join(outside, 'bashrc');
  writeFileSync(rc, 'export PS1=mine\n');
  const snap = join(outside, 'snapshot-target.json');
  writeFileSync(snap, '{"lastSeq":0}\n');
  const busTarget = join(outside, 'bus-target');
  mkdirSync(busTarget);
  const logsTarget = join(outside, 'logs-target');
  mkdirSync(logsTarget);
  const m = join(origin, '.miyabi');
  git(origin, 'init', '-q', '-b', 'main');
  writeFileSync(join(origin, 'layout.yaml'), LAYOUT);
  for (const d of ['journal', 'state', 'bus', 'run/panes']) mkdirSync(join(m, d), { recursive: true });
  symlinkSync(rc, join(m, 'journal', 'events.jsonl'));
  symlinkSync(snap, join(m, 'state', 'snapshot.json'));
  symlinkSync(busTarget, join(m, 'bus', 'agent-1'));
  symlinkSync(logsTarget, join(m, 'logs'));
  // A message "from conductor" waiting for agent-2, whose shell would run it.
  writeMessage(join(m, 'bus'), { from: 'conductor', to: 'agent-2', text: `touch ${marker}` }, { create: true });
  writeFileSync(join(m, 'run', 'panes', 'agent-2.sh'), `#!/bin/sh\ntouch ${marker}\nexec sh\n`, { mode: 0o755 });
  if (withToken) writeFileSync(join(m, 'owner'), '0123456789abcdef0123456789abcdef\n');
  git(origin, 'add', '-A', '-f');
  git(origin, 'commit', '-qm', 'a project with state in it');
  const clone = join(tempDir('miyabi-clone-'), 'victim');
  execFileSync('git', ['clone', '-q', origin, clone], { stdio: 'ignore' });
  expect(lstatSync(join(clone, '.miyabi', 'journal', 'events.jsonl')).isSymbolicLink()).toBe(true);
  return { clone, outside, marker, targets: [rc, snap, busTarget, logsTarget] };
}

async function miyabi(cwd: string, tmux: TestTmux, args: string[]) {
  const r = await execa(process.execPath, [BIN, ...args], {
    cwd,
    env: { MIYABI_TMUX_SOCKET: tmux.socket },
    reject: false,
    timeout: 60_000,
    stdin: 'ignore',
  });
  return { exitCode: r.exitCode ?? 1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

function sessions(tmux: TestTmux): string {
  try {
    return tmux.tmux('list-sessions', '-F', '#{session_name}');
  } catch {
    return ''; // no server: nothing was built
  }
}

describe('B15: a cloned repository\'s .miyabi/ is never read as state', () => {
  for (const withToken of [false, true]) {
    it(`up refuses it, touches nothing outside, types nothing (${withToken ? 'with a forged owner token' : 'no owner token'})`, async () => {
      const h = hostileClone(withToken);
      const tmux = privateTmux('miyabi-b15');
      cleanups.push(() => tmux.reap());
      const before = h.targets.map(fingerprint);

      const up = await miyabi(h.clone, tmux, ['up', '--layout', 'layout.yaml', '--detach']);
      expect(up.exitCode).toBe(1);
      expect(up.stderr).toContain(`\`.miyabi/\` in ${h.clone} was not made by miyabi on this machine`);
      expect(up.stderr).toContain('mv .miyabi .miyabi.untrusted');
      // The controller never started: no session, no pane, nothing typed.
      expect(sessions(tmux)).toBe('');
      expect(existsSync(h.marker)).toBe(false);
      expect(h.targets.map(fingerprint)).toEqual(before);
      expect(readdirSync(h.outside).sort()).toEqual(['bashrc', 'bus-target', 'logs-target', 'snapshot-target.json']);

      // Every other way in refuses too, with the same reason.
      const send = await miyabi(h.clone, tmux, ['send', 'agent-1', 'hello']);
      expect(send.exitCode).toBe(1);
      expect(send.stderr).toContain('was not made by miyabi on this machine');
      const doctor = await miyabi(h.clone, tmux, ['doctor']);
      expect(doctor.exitCode).toBe(1);
      expect(doctor.stdout).toContain('was not made by miyabi on this machine');
      expect(doctor.stdout).toContain('mv .miyabi .miyabi.untrusted');
      const down = await miyabi(h.clone, tmux, ['down']);
      expect(down.stderr).toContain('was not made by miyabi on this machine');
      expect(h.targets.map(fingerprint)).toEqual(before);
      expect(existsSync(h.marker)).toBe(false);

      // The fix the message gives works: moved away, the next up starts clean.
      execFileSync('mv', ['.miyabi', '.miyabi.untrusted'], { cwd: h.clone });
      const again = await miyabi(h.clone, tmux, ['up', '--layout', 'layout.yaml', '--detach']);
      expect(again.stderr).toBe('');
      expect(again.exitCode).toBe(0);
      expect(await miyabi(h.clone, tmux, ['down'])).toMatchObject({ exitCode: 0 });
      expect(existsSync(h.marker)).toBe(false);
      expect(h.targets.map(fingerprint)).toEqual(before);
    }, 240_000);
  }

  it('a project\'s own .miyabi/ carries a token recorded outside the tree, and up/down cycles keep finding it', async () => {
    project = makeProject('miyabi-b15');
    const first = await project.miyabi(['up', '--detach']);
    expect(first.exitCode).toBe(0);
    const owner = join(project.root, '.miyabi', 'owner');
    expect(statSync(owner).mode & 0o777).toBe(0o600);
    const token = readFileSync(owner, 'utf8').trim();
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    // The record is in the test run's private state folder, never in the real ~/.local/state.
    expect(ownedRecordDir()).toContain('miyabi-test-state-');
    expect(readFileSync(join(ownedRecordDir(), token), 'utf8')).toBe(`${project.root}\n`);
    for (let i = 0; i < 2; i++) {
      expect((await project.miyabi(['down'])).exitCode).toBe(0);
      const up = await project.miyabi(['up', '--detach']);
      expect(up.stderr).toBe('');
      expect(up.stdout).toContain('started');
    }
    expect(readFileSync(owner, 'utf8').trim()).toBe(token);
    const send = await project.miyabi(['send', 'agent-1', 'hi']);
    expect(send.exitCode).toBe(0);
    // A pull that brings tracked files into our own .miyabi/ makes the next up refuse them.
    expect((await project.miyabi(['down'])).exitCode).toBe(0);
    writeFileSync(join(project.root, '.miyabi', 'state', 'planted'), 'x');
    git(project.root, 'add', '-f', '.miyabi/state/planted');
    const refused = await project.miyabi(['up', '--detach']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('git tracks .miyabi/state/planted');
    expect(refused.stderr).toContain('git rm -r --cached .miyabi');
    expect(sessions(project.tmux)).toBe('');
  }, 240_000);
});
