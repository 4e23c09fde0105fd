/**
 * scripts/miyabi-send.sh, run for real under dash and bash: what it writes is read back byte-exact
 * by the node reader, and it refuses what validate.ts refuses, with the same exit statuses.
 */
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatId, parseId } from '../../../src/bus/ids.js';
import { ensureInbox } from '../../../src/bus/layout.js';
import { readMessage, scanInbox } from '../../../src/bus/reader.js';
import { SEND_SH, ls, run, useBus } from './helpers.js';

const t = useBus();

function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('MIYABI_')) env[k] = v;
  return { ...env, ...extra };
}

describe.each(['dash', 'bash'])('miyabi-send.sh under %s', (sh) => {
  const send = (args: string[], opts: { input?: string | Buffer; env?: NodeJS.ProcessEnv; cwd?: string } = {}) =>
    run(sh, [SEND_SH, ...args], { env: opts.env ?? cleanEnv({ MIYABI_BUS: t.bus }), input: opts.input, cwd: opts.cwd });

  async function sentText(args: string[], input?: string | Buffer) {
    const r = await send(['-i', '-f', 'tester', ...args], { input });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const id = r.stdout.trim();
    expect(parseId(id)).toMatchObject({ sender: 'tester', pid: expect.any(Number) });
    const m = readMessage(t.bus, 'bob', id);
    expect(m?.state).toBe('pending');
    return m && m.message;
  }

  it.each([
    ['quotes', [`it's "quoted"`], `it's "quoted"`],
    ['command substitution and backticks', ['$(touch /tmp/pwned) `id`'], '$(touch /tmp/pwned) `id`'],
    ['; & | > and a backslash', ['a; rm -rf / & b | c > d \\ \\n'], 'a; rm -rf / & b | c > d \\ \\n'],
    ['printf directives', ['%s %d %% %b \\t'], '%s %d %% %b \\t'],
    ['emoji', ['🎉 👩‍💻 ✓'], '🎉 👩‍💻 ✓'],
    ['RTL text', ['שלום עולם مرحبا بالعالم'], 'שלום עולם مرحبا بالعالم'],
    ['a leading dash', ['-rf', '--raw', '-p'], '-rf --raw -p'],
    ['arguments joined by single spaces', ['a', 'b  c', ' d'], 'a b  c  d'],
    ['a tab', ['a\tb'], 'a\tb'],
  ])('sends %s byte-exact', async (_name, args, expected) => {
    ensureInbox(t.bus, 'bob');
    const m = await sentText(['bob', ...args]);
    expect(m?.text).toBe(expected);
    expect(m?.body.equals(Buffer.from(expected))).toBe(true);
    expect(m).toMatchObject({ from: 'tester', to: 'bob', priority: 'normal', flags: [] });
  });

  it('reads multi-line text from standard input, dropping only the trailing newlines', async () => {
    ensureInbox(t.bus, 'bob');
    const m = await sentText(['bob'], 'line 1\n\n  line 3 $(x) `y`\n\ttabbed\n\n\n');
    expect(m?.text).toBe('line 1\n\n  line 3 $(x) `y`\n\ttabbed');
    const big = 'ü'.repeat(30_000); // 60,000 bytes
    expect((await sentText(['bob'], big))?.text).toBe(big);
  });

  it('writes priority, raw and now flags, a 0600 file, and nothing in tmp/', async () => {
    ensureInbox(t.bus, 'bob');
    const m = await sentText(['-p', 'high', '--raw', '--now', 'bob', '\x1b[1mbold\r']);
    expect(m).toMatchObject({ priority: 'high', flags: ['raw', 'now'], text: '\x1b[1mbold\r' });
    expect(ls(join(t.bus, 'bob', 'tmp'))).toEqual([]);
    for (const name of ls(join(t.bus, 'bob', 'new'))) expect(statSync(join(t.bus, 'bob', 'new', name)).mode & 0o777).toBe(0o600);
  });

  it('refuses an unknown recipient with exit 2, listing the known ones', async () => {
    ensureInbox(t.bus, 'bob');
    ensureInbox(t.bus, 'alice');
    mkdirSync(join(t.bus, 'Bad Name'));
    const r = await send(['carol', 'hi']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^miyabi-send.sh: unknown recipient "carol"; known: alice, bob\n/);
    expect(ls(t.bus)).toEqual(['Bad Name', 'alice', 'bob']);
  });

  it.each([
    [['../x', 'hi'], /recipient "..\/x" contains a character other than/],
    [['a/b', 'hi'], /recipient "a\/b"/],
    [['.hidden', 'hi'], /recipient ".hidden"/],
    [['-f', 'Eve', 'bob', 'hi'], /sender "Eve"/],
    [['-p', 'urgent', 'bob', 'hi'], /priority "urgent" is not one of high, normal, low/],
    [['bob', ''], /message text is empty/],
    [['bob', 'x'.repeat(65_537)], /message text is 65537 bytes, over the limit of 65536 bytes/],
    [['bob', 'one\ntwo \x1b[2J'], /the control character ESC \(0x1b, Ctrl-\[\) at byte 8 \(line 2\)/],
    [['bob', 'dos\r\n'], /the control character CR \(0x0d, Ctrl-M\) at byte 3/],
    [['bob', 'del\x7f'], /DEL \(0x7f\) at byte 3/],
    [['bob', 'c1 \u009b'], /U\+009B \(a C1 control\) at byte 3/],
    [['--bogus', 'bob', 'hi'], /unknown option --bogus/],
    [[], /missing the recipient/],
  ])('refuses %j with exit 2', async (args, msg) => {
    ensureInbox(t.bus, 'bob');
    const r = await send(args);
    expect(r.stderr).toMatch(msg);
    expect(r.code).toBe(2);
    expect(ls(join(t.bus, 'bob', 'new'))).toEqual([]);
    expect(ls(join(t.bus, 'bob', 'tmp'))).toEqual([]);
    expect(ls(t.root)).toEqual(['.miyabi']);
  });

  it('refuses invalid UTF-8, a NUL and empty text on standard input', async () => {
    ensureInbox(t.bus, 'bob');
    const bad = await send(['bob'], { input: Buffer.from([0x61, 0x62, 0xc3, 0x28]) });
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringMatching(/not valid UTF-8 at byte 2/)]);
    const nul = await send(['bob'], { input: Buffer.from('a\0b') });
    expect([nul.code, nul.stderr]).toEqual([2, expect.stringMatching(/contains a NUL byte/)]);
    const empty = await send(['bob'], { input: '\n\n' });
    expect([empty.code, empty.stderr]).toEqual([2, expect.stringMatching(/message text is empty/)]);
    const small = await send(['bob', 'eleven char'], { env: cleanEnv({ MIYABI_BUS: t.bus, MIYABI_BUS_MAX_BYTES: '10' }) });
    expect([small.code, small.stderr]).toEqual([2, expect.stringMatching(/11 bytes, over the limit of 10 bytes/)]);
    expect([...ls(join(t.bus, 'bob', 'new')), ...ls(join(t.bus, 'bob', 'tmp'))]).toEqual([]);
  });

  it('refuses a full inbox with exit 1', async () => {
    ensureInbox(t.bus, 'bob');
    const env = cleanEnv({ MIYABI_BUS: t.bus, MIYABI_BUS_INBOX_CAP: '2' });
    expect((await send(['bob', '1'], { env })).code).toBe(0);
    expect((await send(['bob', '2'], { env })).code).toBe(0);
    const r = await send(['bob', '3'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/inbox of bob is full: 2 messages are waiting in .*\/bob\/new \(limit 2\)/);
  });

  it('finds the bus from MIYABI_ROOT, or by walking up from the current folder; sender from MIYABI_AGENT', async () => {
    ensureInbox(t.bus, 'bob');
    const deep = join(t.root, 'src', 'deep');
    mkdirSync(deep, { recursive: true });
    expect((await send(['bob', 'via root'], { env: cleanEnv({ MIYABI_ROOT: t.root, MIYABI_AGENT: 'agent-2' }) })).code).toBe(0);
    expect((await send(['bob', 'via cwd'], { env: cleanEnv(), cwd: deep })).code).toBe(0);
    const none = await send(['bob', 'nowhere'], { env: cleanEnv(), cwd: '/' });
    expect([none.code, none.stderr]).toEqual([1, expect.stringMatching(/no miyabi bus found/)]);
    const { messages } = scanInbox(t.bus, 'bob');
    expect(messages.map((m) => [m.from, m.text])).toEqual([['agent-2', 'via root'], ['shell', 'via cwd']]);
  });

  it('exits 99 at a named failpoint, leaving the documented state (F2)', async () => {
    ensureInbox(t.bus, 'bob');
    for (const [fp, tmpCount, newCount] of [['afterTmpWrite', 1, 0], ['afterFsync', 1, 0], ['afterRename', 0, 1]] as const) {
      const r = await send(['bob', `at ${fp}`], { env: cleanEnv({ MIYABI_BUS: t.bus, MIYABI_FAILPOINT: `bus.${fp}:exit` }) });
      expect(r.code).toBe(99);
      expect([ls(join(t.bus, 'bob', 'tmp')).length, ls(join(t.bus, 'bob', 'new')).length]).toEqual([tmpCount, newCount]);
      if (newCount === 1) expect(scanInbox(t.bus, 'bob').messages.map((m) => m.text)).toEqual([`at ${fp}`]);
      rmSync(join(t.bus, 'bob'), { recursive: true });
      ensureInbox(t.bus, 'bob');
    }
  });

  it.runIf(sh === 'dash')('keeps order after a pending message when the clock stepped back (B14; run under dash only: bash 5 reads $EPOCHREALTIME, which a fake date cannot move)', async () => {
    ensureInbox(t.bus, 'bob');
    const ahead = formatId({ timeNs: BigInt(Date.now() + 3_600_000) * 1_000_000n, sender: 'tester', seq: 0, pid: 1 });
    writeFileSync(join(t.bus, 'bob', 'new', ahead), readFileSync(join(t.bus, 'bob', 'new', (await sentText(['bob', 'first']))!.id)));
    // That copy is junk (its id header is another one); what matters is its name, the newest.
    const fake = join(t.root, 'bin');
    mkdirSync(fake);
    const behind = BigInt(Date.now() - 3_600_000) * 1_000_000n; // the clock stepped back an hour
    writeFileSync(join(fake, 'date'), `#!/bin/sh\necho ${behind}\n`, { mode: 0o755 });
    const env = cleanEnv({ MIYABI_BUS: t.bus, PATH: `${fake}:${process.env.PATH}` });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await send(['-i', '-f', 'tester', 'bob', `after ${i}`], { env })).stdout.trim());
    expect(ids.map((id) => parseId(id)!.timeNs - parseId(ahead)!.timeNs)).toEqual([1n, 2n, 3n]);
    expect(scanInbox(t.bus, 'bob').messages.map((m) => m.text)).toEqual(['first', 'after 0', 'after 1', 'after 2']);
  });
});
