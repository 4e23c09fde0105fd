import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, until, type TestProject } from '../../helpers/project.js';

let p: TestProject | undefined;
afterEach(async () => {
  await p?.cleanup();
  p = undefined;
});

/** A layout with one bash agent whose rc file sleeps `s` seconds, then notes it and sets its prompt. */
function slowShell(t: TestProject, s: number, messages = ''): void {
  mkdirSync(join(t.root, 'rec'));
  const rc = t.write('rc.sh', `sleep ${s}\n: > ${JSON.stringify(join(t.root, 'rec', 'rc-done'))}\nPS1='ready$ '\n`);
  t.write('s.yaml', `session: sp\nwindows:\n  - name: main\n    panes:\n      - role: agent\n        name: sh1\n        command: [bash, --rcfile, ${JSON.stringify(rc)}]\n${messages}`);
}

const journal = (t: TestProject) => readFileSync(join(t.root, '.miyabi', 'journal', 'events.jsonl'), 'utf8');

describe('a shell that takes its time to show a prompt', () => {
  it('gets no message before its prompt: the message waits, saying so, and is delivered after it', async () => {
    p = makeProject();
    slowShell(p, 3);
    expect((await p.miyabi(['up', '-l', 's.yaml', '--detach'])).exitCode).toBe(0);
    const send = p.miyabi(['send', 'sh1', 'echo got-it > rec/got.txt', '--wait']);
    await until(async () => (await p!.miyabi(['inbox', 'sh1'])).stdout.includes('waiting for the prompt'), 'inbox to say it waits for the prompt');
    const r = await send;
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^delivered /m);
    // Delivered is said only once the shell is past its rc file and showed its prompt.
    expect(existsSync(join(p.root, 'rec', 'rc-done'))).toBe(true);
    await until(() => existsSync(join(p!.root, 'rec', 'got.txt')), 'the shell to run the message');
  }, 30_000);

  it('where typing before a prompt is allowed, it is never marked delivered until a prompt follows', async () => {
    p = makeProject();
    // The rc file outlasts the test: the shell never gets to read the message while we look.
    slowShell(p, 60, '        messages:\n          ready_grace_ms: 300\n');
    expect((await p.miyabi(['up', '-l', 's.yaml', '--detach'])).exitCode).toBe(0);
    const r = await p.miyabi(['send', 'sh1', 'echo typed-ahead', '--wait']);
    expect(r.exitCode, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^failed .*\(unconfirmed\)/m);
    expect(journal(p)).toContain('typed before the program showed its prompt, and no prompt came after it');
    expect(existsSync(join(p.root, 'rec', 'rc-done'))).toBe(false);
  }, 30_000);
});
