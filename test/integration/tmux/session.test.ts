import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PaneSpec, SessionSpec } from '../../../src/tmux/index.js';
import { fixture, type Fixture } from './fixture.js';

/** A pane program that writes what it received (argv, cwd, env) as JSON, then waits. */
const DUMP = [
  "const fs = require('fs');",
  'const [out, ...args] = process.argv.slice(1);',
  "fs.writeFileSync(out + '.tmp', JSON.stringify({ args, cwd: process.cwd(), env: process.env }));",
  "fs.renameSync(out + '.tmp', out);",
  'setInterval(() => {}, 1 << 30);',
].join(' ');

let f: Fixture;
beforeEach(() => {
  f = fixture();
});
afterEach(async () => {
  await f.reap();
});

function dumpPane(name: string, out: string, args: string[], cwd: string, env: Record<string, string> = {}): PaneSpec {
  return { name, role: 'agent', argv: [process.execPath, '-e', DUMP, out, ...args], cwd, env: { PATH: process.env.PATH ?? '', ...env } };
}

async function readDump(path: string): Promise<{ args: string[]; cwd: string; env: Record<string, string> }> {
  await expect.poll(() => existsSync(path), { timeout: 10_000, interval: 20 }).toBe(true);
  return JSON.parse(readFileSync(path, 'utf8'));
}

describe('createSession', () => {
  it('passes argv, cwd and env through untouched and runs no tmux formats', async () => {
    const tmux = f.tmux();
    const cwd = join(f.dir, 'my dir #1 ;');
    mkdirSync(cwd);
    const pwned = join(f.dir, 'pwned');
    const nasty = [
      'two words',
      `it's "quoted"`,
      '$(touch ' + join(f.dir, 'subshell') + ')',
      'ends with;',
      ';',
      'a\\;',
      '#{session_name}',
      `#(touch ${pwned})`,
      '~',
      '$HOME',
      'tab\there',
      'multi\nline',
      '',
      '-t',
      '日本語 ✓',
    ];
    const env = {
      PLAIN: 'value',
      QUOTE: "it's",
      NEWLINE: 'a\nb',
      FMT: `#(touch ${pwned}-env) #{session_name}`,
      SEMI: 'x;',
      'BAD-NAME': 'skipped',
      TMUX: '/bogus,1,0',
    };
    const spec: SessionSpec = {
      name: 'nasty',
      windows: [{ name: 'main', arrangement: 'tiled', panes: [dumpPane('p1', join(f.dir, 'p1.json'), nasty, cwd, env)] }],
      options: { '@miyabi_root': `#(touch ${pwned}-opt);` },
    };
    const panes = await tmux.createSession(spec);
    expect(panes).toHaveLength(1);
    const got = await readDump(join(f.dir, 'p1.json'));
    expect(got.args).toEqual(nasty);
    expect(got.cwd).toBe(cwd);
    expect(got.env.PLAIN).toBe('value');
    expect(got.env.QUOTE).toBe("it's");
    expect(got.env.NEWLINE).toBe('a\nb');
    expect(got.env.FMT).toBe(env.FMT);
    expect(got.env.SEMI).toBe('x;');
    expect(got.env['BAD-NAME']).toBeUndefined();
    // tmux's own TMUX (this private socket) wins over a copied one.
    expect(got.env.TMUX).toContain(f.t.socket);
    expect(got.env.TMUX_PANE).toBe(panes[0]!.paneId);
    expect(await tmux.sessionOption('nasty', '@miyabi_root')).toBe(`#(touch ${pwned}-opt);`);
    expect(existsSync(pwned)).toBe(false);
    expect(existsSync(`${pwned}-env`)).toBe(false);
    expect(existsSync(`${pwned}-opt`)).toBe(false);
    expect(existsSync(join(f.dir, 'subshell'))).toBe(false);
  });

  it('builds exactly the spec: windows, panes in order, tags, remain-on-exit, private scripts', async () => {
    const tmux = f.tmux();
    const panes = (w: string, n: number) =>
      Array.from({ length: n }, (_, i): PaneSpec => ({
        name: `${w}-p${i}`,
        role: i === 0 ? 'conductor' : 'agent',
        argv: ['sleep', '600'],
        cwd: f.dir,
        env: {},
      }));
    const spec: SessionSpec = {
      name: 'build',
      windows: [
        { name: 'one', arrangement: 'main-vertical', panes: panes('one', 7) },
        { name: 'two', arrangement: 'even-horizontal', panes: panes('two', 3) },
      ],
      options: { '@miyabi_root': f.dir, '@other': '' },
    };
    const got = await tmux.createSession(spec);
    expect(got.map((p) => p.agent)).toEqual(spec.windows.flatMap((w) => w.panes.map((p) => p.name)));
    expect(got.map((p) => p.role)).toEqual(spec.windows.flatMap((w) => w.panes.map((p) => p.role)));
    expect(got.map((p) => p.windowName)).toEqual([...Array(7).fill('one'), ...Array(3).fill('two')]);
    expect(new Set(got.map((p) => p.paneId)).size).toBe(10);
    expect(got.every((p) => p.sessionName === 'build' && !p.dead && p.pid > 0)).toBe(true);

    const raw = f.t
      .tmux('list-panes', '-s', '-t', '=build:', '-F', '#{pane_id} #{@miyabi_agent} #{@miyabi_role}')
      .trim()
      .split('\n');
    expect(raw).toHaveLength(10);
    for (const p of got) {
      expect(f.t.tmux('show-options', '-p', '-t', p.paneId, '-v', 'remain-on-exit').trim()).toBe('on');
    }
    expect(f.t.tmux('list-windows', '-t', '=build:', '-F', '#{window_name}').trim().split('\n')).toEqual(['one', 'two']);
    expect(f.t.tmux('display', '-p', '-t', '=build:', '#{window_name}').trim()).toBe('one');
    // An agent's title escape does not rename the window its pane is in.
    f.t.tmux('set-option', '-g', 'allow-rename', 'on');
    const title = "printf '\\033kRENAMED\\033\\\\'; echo done; exec sleep 600";
    f.t.tmux('respawn-pane', '-k', '-t', got[1]!.paneId, '/bin/sh', '-c', title);
    await expect.poll(() => f.t.tmux('capture-pane', '-p', '-t', got[1]!.paneId), { timeout: 5000 }).toContain('done');
    expect(f.t.tmux('list-windows', '-t', '=build:', '-F', '#{window_name}').trim().split('\n')).toEqual(['one', 'two']);
    expect(await tmux.sessionOption('build', '@miyabi_root')).toBe(f.dir);
    expect(await tmux.sessionOption('build', '@other')).toBe('');
    expect(await tmux.sessionOption('build', '@unset')).toBeNull();

    const launch = join(f.dir, 'launch');
    expect(statSync(launch).mode & 0o777).toBe(0o700);
    const script = got[0]!.startCommand.split(' ').pop()!;
    expect(script.startsWith(launch)).toBe(true);
    expect(statSync(script).mode & 0o777).toBe(0o600);
  });

  it('keeps a pane whose program exits at once, with its exit status', async () => {
    const tmux = f.tmux();
    const spec: SessionSpec = {
      name: 'dies',
      windows: [
        {
          name: 'main',
          arrangement: 'tiled',
          panes: [
            { name: 'ok', role: 'agent', argv: ['sleep', '600'], cwd: f.dir, env: {} },
            { name: 'bad', role: 'agent', argv: ['/bin/sh', '-c', 'exit 3'], cwd: f.dir, env: {} },
            { name: 'nocd', role: 'agent', argv: ['sleep', '600'], cwd: join(f.dir, 'missing'), env: {} },
          ],
        },
      ],
      options: {},
    };
    await tmux.createSession(spec);
    await expect
      .poll(async () => (await tmux.listPanes('dies')).map((p) => [p.agent, p.dead, p.deadStatus]), { timeout: 5000 })
      .toEqual([
        ['ok', false, null],
        ['bad', true, 3],
        ['nocd', true, 1],
      ]);
  });

  it('refuses a duplicate session without touching it, and bad names before tmux sees them', async () => {
    const tmux = f.tmux();
    const spec = (name: string): SessionSpec => ({
      name,
      windows: [{ name: 'w', arrangement: 'tiled', panes: [{ name: 'a', role: 'agent', argv: ['sleep', '600'], cwd: f.dir, env: {} }] }],
      options: {},
    });
    const [first] = await tmux.createSession(spec('dup'));
    await expect(tmux.createSession(spec('dup'))).rejects.toMatchObject({ code: 'TMUX_COMMAND', message: /already exists/ });
    expect((await tmux.listPanes('dup')).map((p) => p.paneId)).toEqual([first!.paneId]);
    await expect(tmux.createSession(spec('a.b'))).rejects.toMatchObject({ code: 'NAME' });
    await expect(tmux.createSession(spec('#{x}'))).rejects.toMatchObject({ code: 'NAME' });
    const twice = spec('twice');
    twice.windows.push({ ...twice.windows[0]!, name: 'w2' });
    await expect(tmux.createSession(twice)).rejects.toMatchObject({ code: 'NAME', message: /used twice/ });
    expect(await tmux.hasSession('twice')).toBe(false);
  });

  it('builds 10 panes in tens of milliseconds', async () => {
    const tmux = f.tmux();
    const spec: SessionSpec = {
      name: 'fast',
      windows: [
        {
          name: 'main',
          arrangement: 'tiled',
          panes: Array.from({ length: 10 }, (_, i) => ({ name: `a${i}`, role: 'agent', argv: ['sleep', '600'], cwd: f.dir, env: { N: String(i) } })),
        },
      ],
      options: {},
    };
    await tmux.version();
    // Start the server first so that the timing is the build alone.
    f.t.tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'warm');
    const t0 = performance.now();
    await tmux.createSession(spec);
    const ms = performance.now() - t0;
    console.log(`createSession, 10 panes: ${ms.toFixed(1)} ms`);
    expect(ms).toBeLessThan(1000); // a loose bound for loaded CI; ~25-40 ms here
  });
});
