import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadLayout } from '../../../src/config/load-layout.js';
import { onPath, programOf } from '../../../src/core/find-program.js';
import { table } from '../../../src/cli/table.js';
import { initLayout } from '../../../src/cli/verbs/init.js';
import { aboutText } from '../../../src/cli/verbs/layouts.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'miyabi-fc-'));
  dirs.push(d);
  return d;
}

describe('miyabi init', () => {
  for (const found of [[], ['claude', 'codex']]) {
    it(`writes a layout that loads, and that up uses without --layout (found: ${found.join(', ') || 'none'})`, () => {
      const root = tmp();
      mkdirSync(join(root, 'layouts'));
      writeFileSync(join(root, 'layouts', 'default.yaml'), initLayout(found));
      const r = loadLayout({ ref: undefined, projectRoot: root, miyabiBin: '/m.js', env: { PATH: '/usr/bin', HOME: root } });
      if (!r.ok) throw new Error(JSON.stringify(r));
      expect(r.value.source).toBe(join(root, 'layouts', 'default.yaml'));
      const agents = r.value.windows.flatMap((w) => w.panes).filter((p) => p.role === 'agent');
      expect(agents.map((a) => a.name)).toEqual(found.length ? ['claude-1', 'codex-1'] : ['agent-1', 'agent-2']);
      expect(r.value.windows.flatMap((w) => w.panes).map((p) => p.role)).toEqual(expect.arrayContaining(['conductor', 'dashboard']));
    });
  }
});

describe('programs on PATH', () => {
  it('finds executables on PATH and not other files', () => {
    const bin = tmp();
    writeFileSync(join(bin, 'tool'), '#!/bin/sh\n');
    chmodSync(join(bin, 'tool'), 0o755);
    writeFileSync(join(bin, 'plain'), 'x');
    expect(onPath('tool', { PATH: `/nonexistent:${bin}` })).toBe(join(bin, 'tool'));
    expect(onPath('plain', { PATH: bin })).toBeNull();
    expect(onPath('nope-not-here', { PATH: bin })).toBeNull();
  });

  it("names a command's program only when it can tell without running it", () => {
    expect(programOf('argv', ['claude', '--x'])).toBe('claude');
    expect(programOf('shell', ['/bin/sh', '-c', 'claude --model x'])).toBe('claude');
    expect(programOf('shell', ['/bin/sh', '-c', 'FOO=1 claude'])).toBeNull();
    expect(programOf('shell', ['/bin/sh', '-c', 'exec bash'])).toBeNull();
    expect(programOf('shell', ['/bin/sh', '-c', '"quoted thing"'])).toBeNull();
    expect(programOf('default', ['/bin/bash'])).toBeNull();
  });
});

describe('list verbs', () => {
  it('print a header row and aligned columns', () => {
    expect(table(['NAME', 'STATE', 'COMMAND'], [['a', 'idle', 'claude'], ['longer', 'waiting-for-input', 'x']]).split('\n')).toEqual([
      'NAME    STATE              COMMAND',
      'a       idle               claude',
      'longer  waiting-for-input  x',
    ]);
  });
});

describe('miyabi layouts', () => {
  it("says what each layout is for in a whole sentence, also when it runs over two comment lines", () => {
    const builtin = (name: string) => aboutText(readFileSync(join(import.meta.dirname, '../../../layouts', `${name}.yaml`), 'utf8'));
    expect(builtin('default')).toBe('The layout miyabi uses when you give none: the conductor, the dashboard and two agents running your shell ($SHELL, or /bin/sh), all in the project root.');
    expect(builtin('quad')).toBe('Four agents side by side, with the conductor and dashboard in a window of their own.');
    expect(aboutText(initLayout([]))).toBe("This project's miyabi layout, written by `miyabi init`.");
    expect(aboutText('# no full stop\n#\n# more\nwindows: []\n')).toBe('no full stop');
    expect(aboutText('windows: []\n')).toBe('');
  });
});
