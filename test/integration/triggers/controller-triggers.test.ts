/**
 * Triggers in a real controller on a private tmux server: an event emitted while the controller is
 * down fires after `up`; an emitted event starts the right pipeline with the right variables, and
 * the same event id twice starts one run; a real `git push` to a local bare remote through the
 * installed hook fires; an error line printed in an agent's pane fires `error.detected` rules.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { replayJournal } from '../../../src/core/journal.js';
import { makeProject, until, type TestProject } from '../../helpers/project.js';

let p: TestProject | undefined;
afterEach(async () => {
  await p?.cleanup();
  p = undefined;
});

const TRIGGERS = `rules:
  - name: on-push
    on: git.push
    match: { branch: main }
    run: note
    vars: { branch: "\${event.branch}", sha: "\${event.sha}" }
  - name: on-error
    on: error.detected
    run: note
    vars: { agent: "\${event.agent}", line: "\${event.line}" }
`;

type Rec = { type: string; payload: Record<string, unknown> };
const records = (root: string): Rec[] => [...replayJournal(path.join(root, '.miyabi'))] as Rec[];
const starts = (root: string) => records(root).filter((r) => r.type === 'run.started').map((r) => r.payload['vars'] as Record<string, string>);
const git = (cwd: string, ...a: string[]) => execFileSync('git', ['-c', 'user.email=t@t.invalid', '-c', 'user.name=t', ...a], { cwd, encoding: 'utf8' }).trim();

describe('triggers in the controller', () => {
  it('events from emit (before and after up), a git push through the hook, and an error line in a pane start runs', async () => {
    const pr = (p = makeProject('miyabi-trig'));
    pr.write('triggers.yaml', TRIGGERS);
    fs.mkdirSync(path.join(pr.root, 'skills'));
    fs.mkdirSync(path.join(pr.root, 'pipelines'));
    pr.write('skills/note.yaml', 'name: note\nactions:\n  ok: "true"\n');
    pr.write('pipelines/note.yaml', 'name: note\nstages:\n  - name: one\n    skill: note\n    actions: [ok]\n');
    expect((await pr.miyabi(['validate'])).exitCode).toBe(0);

    // Emitted while no controller runs: it waits on the bus.
    expect((await pr.miyabi(['emit', 'git.push', 'branch=main', 'sha=early'])).exitCode).toBe(0);
    expect((await pr.miyabi(['emit', 'git.push', 'branch=dev', 'sha=other'])).exitCode).toBe(0);
    const up = await pr.miyabi(['up', '--detach']);
    expect(up.exitCode, up.stderr).toBe(0);
    await until(() => starts(pr.root).some((v) => v['sha'] === 'early'), 'the event emitted while down fired after up');

    // The same id twice: one run.
    for (let i = 0; i < 2; i++) expect((await pr.miyabi(['emit', 'git.push', 'branch=main', 'sha=live', '--id', 'push-1'])).exitCode).toBe(0);
    await until(() => records(pr.root).some((r) => r.type === 'trigger.skipped' && /duplicate/.test(String(r.payload['reason']))), 'the second push-1 skipped');
    expect(starts(pr.root).filter((v) => v['sha'] === 'live')).toEqual([{ branch: 'main', sha: 'live' }]);
    expect(starts(pr.root).some((v) => v['sha'] === 'other')).toBe(false);

    // A real push to a local bare remote, through the installed pre-push hook; the user's hook still runs.
    const hooksDir = path.join(pr.root, '.git', 'hooks');
    fs.writeFileSync(path.join(hooksDir, 'pre-push'), '#!/bin/sh\necho "user hook $(basename "$0")" >> "$(git rev-parse --show-toplevel)/user-hook.log"\ncat > /dev/null\n', { mode: 0o755 });
    const before = fs.readFileSync(path.join(hooksDir, 'pre-push'));
    expect((await pr.miyabi(['hooks', 'install'])).exitCode).toBe(0);
    const bare = `${pr.root}-remote.git`;
    execFileSync('git', ['init', '-q', '--bare', bare]);
    try {
      git(pr.root, 'remote', 'add', 'origin', bare);
      fs.writeFileSync(path.join(pr.root, 'a.txt'), 'a\n');
      git(pr.root, 'add', 'a.txt');
      git(pr.root, 'commit', '-qm', 'a');
      const head = git(pr.root, 'rev-parse', 'HEAD');
      git(pr.root, 'push', '-q', 'origin', 'main');
      await until(() => starts(pr.root).some((v) => v['sha'] === head && v['branch'] === 'main'), 'the pushed commit fired on-push');
      expect(fs.readFileSync(path.join(pr.root, 'user-hook.log'), 'utf8')).toBe('user hook pre-push\n');
      expect((await pr.miyabi(['hooks', 'uninstall'])).exitCode).toBe(0);
      expect(fs.readFileSync(path.join(hooksDir, 'pre-push')).equals(before)).toBe(true);
      expect(fs.existsSync(path.join(hooksDir, 'post-commit'))).toBe(false);
    } finally {
      fs.rmSync(bare, { recursive: true, force: true });
    }

    // An error line printed in an agent's pane.
    const panes = pr.tmux.tmux('list-panes', '-a', '-F', '#{pane_id} #{@miyabi_agent}').trim().split('\n').map((l) => l.split(' '));
    const [paneId, agent] = panes.find(([, a]) => a && a !== 'conductor' && a !== 'dashboard') ?? [];
    expect(agent).toBeTruthy();
    pr.tmux.tmux('send-keys', '-t', paneId as string, "printf 'thread main panicked at %s\\n' src/x.rs", 'Enter');
    await until(() => starts(pr.root).find((v) => v['agent'] === agent && /panicked at/.test(v['line'] ?? '')), 'the error line fired on-error', 15_000);

    const list = JSON.parse((await pr.miyabi(['triggers', '--json'])).stdout) as { rules: { name: string; count: number }[] };
    expect(list.rules.find((r) => r.name === 'on-push')?.count).toBe(3);
    const dry = await pr.miyabi(['triggers', 'test', 'git.push', 'branch=main', 'sha=zzz']);
    expect(dry.stdout).toMatch(/fires: on-push → pipeline note\n {4}branch=main\n {4}sha=zzz/);
  }, 90_000);
});
