import { afterEach, describe, expect, it } from 'vitest';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeMessage } from '../../../src/bus/format.js';
import { shortId } from '../../../src/core/short-ids.js';
import { makeProject, type TestProject } from '../../helpers/project.js';
import { upReaders } from '../../helpers/readers.js';

let p: TestProject | undefined;
afterEach(async () => {
  await p?.cleanup();
  p = undefined;
});

interface InboxRow {
  agent: string;
  id: string;
  short: string;
  state: string;
  from: string | null;
  priority: string | null;
  text: string | null;
  created: number | null;
  finished: number | null;
  outcome: string | null;
  reason: string | null;
}

describe('message ids and inbox --json', () => {
  it('send and inbox show one short id, every id form finds the message, and --json carries text, sender and the full id', async () => {
    p = makeProject();
    await upReaders(p, ['r1']);
    const sent = await p.miyabi(['send', 'r1', 'hello there', '--from', 'ci', '--priority', 'high', '--wait']);
    expect(sent.exitCode, sent.stderr).toBe(0);
    const short = /^queued ([0-9a-f]{8}) for r1$/m.exec(sent.stdout)?.[1];
    expect(short, sent.stdout).toBeDefined();
    expect(sent.stdout).toContain(`delivered ${short} for r1 (submitted)`);

    const json = JSON.parse((await p.miyabi(['inbox', 'r1', '--json'])).stdout) as { controller: boolean; messages: InboxRow[] };
    expect(json.controller).toBe(true);
    expect(json.messages).toHaveLength(1);
    const row = json.messages[0]!;
    expect(row).toMatchObject({ agent: 'r1', short, state: 'delivered', from: 'ci', priority: 'high', text: 'hello there', outcome: 'submitted', reason: null });
    expect(shortId(row.id)).toBe(short);
    expect(row.id).toMatch(/^\d{19}\.ci\.\d{6}\.\d+$/);
    expect(row.finished!).toBeGreaterThanOrEqual(row.created!);

    expect((await p.miyabi(['inbox'])).stdout).toMatch(new RegExp(`^r1 +${short} delivered from ci "hello there"$`, 'm'));
    for (const form of [short!, `#${short}`, row.id, short!.slice(0, 5)]) {
      const one = await p.miyabi(['inbox', form]);
      expect(one.exitCode, `${form}: ${one.stderr}`).toBe(0);
      expect(one.stdout).toContain(`${short} ${row.id}\nto r1, from ci, priority high: delivered`);
      expect(one.stdout.endsWith('\n\nhello there')).toBe(true);
    }
    expect(JSON.parse((await p.miyabi(['inbox', short!, '--json'])).stdout)).toMatchObject({ id: row.id, text: 'hello there' });
    const none = await p.miyabi(['inbox', 'ffffffff']);
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toContain('no message ffffffff');

    const asJson = await p.miyabi(['send', 'r1', 'second', '--json']);
    const line = JSON.parse(asJson.stdout) as { state: string; to: string; id: string; short: string };
    expect(line).toMatchObject({ state: 'queued', to: 'r1', short: shortId(line.id) });
  }, 90_000);

  it('a failed message says why in inbox --json', async () => {
    p = makeProject();
    await upReaders(p, ['r1']);
    // `send` refuses this text itself (exit 2); a file a script wrote past it is refused by the deliverer.
    const id = `${Date.now()}000000.user.000000.${process.pid}`;
    const body = Buffer.from('before\x1b[201~after');
    const file = encodeMessage({ id, from: 'user', to: 'r1', priority: 'normal', created: Date.now(), flags: ['raw'], body });
    writeFileSync(join(p.root, '.miyabi', 'bus', 'r1', 'tmp', id), file);
    renameSync(join(p.root, '.miyabi', 'bus', 'r1', 'tmp', id), join(p.root, '.miyabi', 'bus', 'r1', 'new', id));
    const r = await p.miyabi(['send', 'r1', 'after it', '--wait']);
    expect(r.exitCode).toBe(0);
    const json = JSON.parse((await p.miyabi(['inbox', 'r1', '--json'])).stdout) as { messages: InboxRow[] };
    expect(json.messages[0]).toMatchObject({ state: 'failed', from: 'user', text: 'before\x1b[201~after', outcome: 'refused', reason: expect.stringContaining('bracketed-paste end sequence') });
  }, 90_000);
});
