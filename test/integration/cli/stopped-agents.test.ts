import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { agentRows, cleanupWithWorktrees } from '../../helpers/agents-cli.js';
import { makeProject, until, type TestProject } from '../../helpers/project.js';
import { READER, received } from '../../helpers/readers.js';

const SEND_SH = join(import.meta.dirname, '..', '..', '..', 'scripts', 'miyabi-send.sh');

let p: TestProject | undefined;
afterEach(async () => {
  await cleanupWithWorktrees(p);
  p = undefined;
});

async function up(t: TestProject): Promise<void> {
  t.write('l.yaml', `session: st\nwindows:\n  - name: main\n    panes:\n      - role: agent\n        name: lead\n        command: [node, ${JSON.stringify(READER)}, rec/lead.jsonl]\n`);
  execFileSync('mkdir', ['-p', join(t.root, 'rec')]);
  const r = await t.miyabi(['up', '-l', 'l.yaml', '--detach']);
  expect(r.exitCode, r.stderr).toBe(0);
}

describe('a killed agent', () => {
  it('is refused by send (exit 2, saying how to start it), skipped by broadcast, listed as stopped, and takes messages once spawned again', async () => {
    p = makeProject();
    await up(p);
    // r1 shows no prompt, so what is sent to it waits; r2 reads.
    expect((await p.miyabi(['spawn', 'r1', '--no-worktree', '--command', 'sleep 3600'])).exitCode).toBe(0);
    expect((await p.miyabi(['spawn', 'r2', '--no-worktree', '--command', `node ${READER} rec/r2.jsonl`])).exitCode).toBe(0);
    expect((await p.miyabi(['send', 'r1', 'sent before the kill'])).exitCode).toBe(0);
    const killed = await p.miyabi(['kill', 'r1']);
    expect(killed.exitCode, killed.stderr).toBe(0);

    const refused = await p.miyabi(['send', 'r1', 'after the kill']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/agent "r1" was stopped \(by miyabi kill at [^)]+\); it takes no messages/);
    expect(refused.stderr).toContain('miyabi spawn r1');
    const bySh = await execa('sh', [SEND_SH, 'r1', 'after the kill'], { cwd: p.root, reject: false });
    expect(bySh.exitCode).toBe(2);
    expect(bySh.stderr).toMatch(/agent "r1" was stopped/);
    const unknown = await p.miyabi(['send', 'nobody', 'x']);
    expect(unknown.stderr).toMatch(/known: lead, r2\n/);

    const all = await p.miyabi(['broadcast', 'to everyone']);
    expect(all.exitCode, all.stderr).toBe(0);
    expect(all.stdout).toMatch(/ for lead$/m);
    expect(all.stdout).toMatch(/ for r2$/m);
    expect(all.stdout).not.toMatch(/ for r1$/m);
    await until(() => received(p!, 'r2').includes('to everyone'), 'r2 to get the broadcast');

    const ls = await p.miyabi(['ls']);
    expect(ls.exitCode).toBe(0);
    expect(ls.stdout).toMatch(/^r1 +stopped by miyabi kill/m);
    expect(ls.stdout).toMatch(/^r2 /m);

    const inbox = JSON.parse((await p.miyabi(['inbox', 'r1', '--json'])).stdout) as { messages: { state: string; text: string; reason: string }[] };
    expect(inbox.messages).toMatchObject([{ state: 'queued', text: 'sent before the kill', reason: expect.stringMatching(/stopped by miyabi kill .*miyabi spawn r1/) }]);

    expect((await p.miyabi(['spawn', 'r1', '--no-worktree', '--command', `node ${READER} rec/r1.jsonl`])).exitCode).toBe(0);
    await until(() => received(p!, 'r1').length === 1, 'the waiting message to go in');
    const again = await p.miyabi(['send', 'r1', 'after the respawn', '--wait']);
    expect(again.exitCode, again.stdout + again.stderr).toBe(0);
    expect(received(p, 'r1')).toEqual(['sent before the kill', 'after the respawn']);
  }, 150_000);

  it('spawn --reuse takes the worktree `worktree restore` brought back, with its work', async () => {
    p = makeProject();
    await up(p);
    expect((await p.miyabi(['spawn', 'w1', '--command', 'sleep 3600'])).exitCode).toBe(0);
    const w = (await agentRows(p)).find((a) => a.name === 'w1')!;
    const git = (...a: string[]) => execFileSync('git', ['-C', w.worktree!, '-c', 'user.email=t@t.invalid', '-c', 'user.name=t', ...a], { encoding: 'utf8' });
    writeFileSync(join(w.worktree!, 'work.txt'), 'committed work\n');
    git('add', 'work.txt');
    git('commit', '-qm', 'the work');
    const head = git('rev-parse', 'HEAD').trim();
    const kill = await p.miyabi(['kill', 'w1', '--clean', '--force']);
    expect(kill.exitCode, kill.stderr).toBe(0);
    expect(existsSync(w.worktree!)).toBe(false);
    const restored = await p.miyabi(['worktree', 'restore', 'w1']);
    expect(restored.exitCode, restored.stderr).toBe(0);

    const plain = await p.miyabi(['spawn', 'w1', '--command', 'sleep 3600']);
    expect(plain.exitCode).toBe(2);
    expect(plain.stderr).toContain('miyabi spawn w1 --reuse');
    const reuse = await p.miyabi(['spawn', 'w1', '--reuse', '--command', 'pwd > ../w1-pwd.txt; git log -1 --format=%H >> ../w1-pwd.txt; exec sleep 3600']);
    expect(reuse.exitCode, reuse.stderr).toBe(0);
    const again = (await agentRows(p)).find((a) => a.name === 'w1')!;
    expect(again).toMatchObject({ worktree: w.worktree, branch: w.branch, alive: true });
    const out = join(w.worktree!, '..', 'w1-pwd.txt');
    await until(() => existsSync(out) && readFileSync(out, 'utf8').split('\n').length > 2, 'the agent to report where it runs');
    expect(readFileSync(out, 'utf8')).toBe(`${w.worktree}\n${head}\n`);
    expect(readFileSync(join(w.worktree!, 'work.txt'), 'utf8')).toBe('committed work\n');
    rmSync(out, { force: true });
  }, 150_000);
});
