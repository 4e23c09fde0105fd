import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, until, type TestProject } from '../../helpers/project.js';

const FAKE = join(import.meta.dirname, '..', '..', 'fixtures', 'fake-agent.mjs');

let p: TestProject | undefined;
afterEach(async () => {
  await p?.cleanup();
  p = undefined;
});

interface Row {
  name: string;
  state: string;
  signal: string | null;
  pid: number;
}

async function stateOf(t: TestProject, name: string): Promise<Row | undefined> {
  const r = await t.miyabi(['agents', '--json']);
  return (JSON.parse(r.stdout) as Row[]).find((a) => a.name === name);
}

describe('agent states in a running session', () => {
  it('a scripted agent is seen idle, busy, idle again, waiting for input, and dead', async () => {
    p = makeProject();
    p.write(
      'l.yaml',
      `session: st\nwindows:\n  - name: main\n    panes:\n      - role: agent\n        name: fa\n        command: [node, ${JSON.stringify(FAKE)}]\n        profile: claude\n        messages: {header: false}\n`,
    );
    expect((await p.miyabi(['up', '-l', 'l.yaml', '--detach'])).exitCode).toBe(0);
    const seen = async (state: string) => until(async () => ((await stateOf(p!, 'fa'))?.state === state ? state : null), `fa to be ${state}`, 20_000);
    await seen('idle');
    expect((await stateOf(p, 'fa'))?.signal).toBe('screen');
    expect((await p.miyabi(['send', 'fa', 'work 2500', '--wait'])).exitCode).toBe(0);
    await seen('busy');
    await seen('idle');
    expect((await p.miyabi(['send', 'fa', 'ask', '--wait'])).exitCode).toBe(0);
    await seen('waiting-for-input');
    process.kill((await stateOf(p, 'fa'))!.pid, 'SIGKILL');
    await seen('dead');
    const journal = (await import('node:fs')).readFileSync(join(p.root, '.miyabi', 'journal', 'events.jsonl'), 'utf8');
    expect(journal).toMatch(/"agent\.state","payload":\{"name":"fa","state":"waiting-for-input","signal":"screen"/);
  }, 60_000);
});
