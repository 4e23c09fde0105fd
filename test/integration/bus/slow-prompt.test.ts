import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, until, type TestProject } from '../../helpers/project.js';

let p: TestProject | undefined;
afterEach(async () => {
  await p?.cleanup();
  p = undefined;
});

/**
 * A layout with one bash agent whose rc file takes as long as the test wants: it waits for
 * `rec/go`, then notes it is done and sets its prompt.
 */
function slowShell(t: TestProject, messages = ''): void {
  mkdirSync(join(t.root, 'rec'));
  const rec = (f: string) => JSON.stringify(join(t.root, 'rec', f));
  const rc = t.write('rc.sh', `while [ ! -e ${rec('go')} ]; do sleep 0.1; done\n: > ${rec('rc-done')}\nPS1='ready$ '\n`);
  t.write('s.yaml', `session: sp\nwindows:\n  - name: main\n    panes:\n      - role: agent\n        name: sh1\n        command: [bash, --rcfile, ${JSON.stringify(rc)}]\n${messages}`);
}

const journal = (t: TestProject) => readFileSync(join(t.root, '.miyabi', 'journal', 'events.jsonl'), 'utf8');

interface InboxRow {
  state: string;
  reason: string | null;
}
const inbox = async (t: TestProject) => (JSON.parse((await t.miyabi(['inbox', 'sh1', '--json'])).stdout) as { messages: InboxRow[] }).messages;

describe('a shell that takes its time to show a prompt', () => {
  it('gets no message before its prompt: the message waits, saying so, and is delivered after it', async () => {
    p = makeProject();
    slowShell(p);
    expect((await p.miyabi(['up', '-l', 's.yaml', '--detach'])).exitCode).toBe(0);
    const sentAt = Date.now();
    const send = p.miyabi(['send', 'sh1', 'echo got-it > rec/got.txt', '--wait', '--timeout', '120']);
    await until(async () => (await inbox(p!))[0]?.reason?.includes('waiting for the prompt'), 'inbox to say it waits for the prompt', 30_000);
    // Past the 10 s after which miyabi used to type into a shell with no prompt anyway (and call
    // it delivered, though the shell had read nothing): it still waits.
    await until(() => Date.now() - sentAt > 12_000, 'the old grace to pass', 20_000);
    expect(await inbox(p)).toMatchObject([{ state: 'queued', reason: expect.stringContaining('waiting for the prompt') }]);
    writeFileSync(join(p.root, 'rec', 'go'), '');
    const r = await send;
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^delivered /m);
    // Delivered is said only once the shell is past its rc file and showed its prompt.
    expect(existsSync(join(p.root, 'rec', 'rc-done'))).toBe(true);
    await until(() => existsSync(join(p!.root, 'rec', 'got.txt')), 'the shell to run the message');
  }, 120_000);

  it('down before the prompt came kills a shell that read nothing, and says so: nothing is called delivered', async () => {
    p = makeProject();
    slowShell(p);
    expect((await p.miyabi(['up', '-l', 's.yaml', '--detach'])).exitCode).toBe(0);
    expect((await p.miyabi(['send', 'sh1', 'echo never-read'])).exitCode).toBe(0);
    await until(async () => (await inbox(p!))[0]?.reason?.includes('waiting for the prompt'), 'inbox to say it waits for the prompt', 30_000);
    const down = await p.miyabi(['down']);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(down.stdout).toContain('kept 1 undelivered message for sh1');
    expect(journal(p)).not.toMatch(/"message\.(delivering|delivered)"/);
    expect(readdirSync(join(p.root, '.miyabi', 'bus', 'sh1', 'new'))).toHaveLength(1);
  }, 60_000);

  it('where typing before a prompt is allowed, it is never marked delivered until a prompt follows', async () => {
    p = makeProject();
    // No rec/go: the shell never gets past its rc file, so it never reads the message.
    slowShell(p, '        messages:\n          ready_grace_ms: 300\n');
    expect((await p.miyabi(['up', '-l', 's.yaml', '--detach'])).exitCode).toBe(0);
    const r = await p.miyabi(['send', 'sh1', 'echo typed-ahead', '--wait']);
    expect(r.exitCode, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^failed .*\(unconfirmed\)/m);
    expect(journal(p)).toContain('typed before the program showed its prompt, and no prompt came after it');
    expect(existsSync(join(p.root, 'rec', 'rc-done'))).toBe(false);
  }, 120_000);
});
