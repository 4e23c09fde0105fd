import { describe, expect, it } from 'vitest';
import { argvBytes, chainArgv, escapeArg } from '../../../src/tmux/exec.js';
import type { SessionSpec } from '../../../src/tmux/port.js';
import { packUnits, sessionUnits, validateSpec } from '../../../src/tmux/session.js';

const spec = (over: Partial<SessionSpec> = {}): SessionSpec => ({
  name: 'proj',
  windows: [
    {
      name: 'main',
      arrangement: 'main-vertical',
      panes: [
        { name: 'conductor', role: 'conductor', argv: ['x'], cwd: '/', env: {} },
        { name: 'agent-1', role: 'agent', argv: ['x'], cwd: '/', env: {} },
      ],
    },
    { name: 'more', arrangement: 'tiled', panes: [{ name: 'agent-2', role: 'agent', argv: ['x'], cwd: '/', env: {} }] },
  ],
  options: { '@miyabi_root': '/repo;' },
  ...over,
});
const scripts = [['/l/proj.conductor.sh', '/l/proj.agent-1.sh'], ['/l/proj.agent-2.sh']];

describe('escapeArg / chainArgv (RELIABILITY 2)', () => {
  it.each([
    ['a;', 'a\\;'],
    [';', '\\;'],
    ['a\\;', 'a\\\\;'],
    ['a;b', 'a;b'],
    ['', ''],
    ['plain', 'plain'],
  ])('%j → %j', (input, out) => {
    expect(escapeArg(input)).toBe(out);
  });

  it('joins commands with bare ; and escapes every argument', () => {
    expect(chainArgv([['set', '@a', 'x;'], ['set', '@b', ';']])).toEqual(['set', '@a', 'x\\;', ';', 'set', '@b', '\\;']);
    expect(argvBytes(['ab', 'c'])).toBe(5);
  });
});

describe('sessionUnits', () => {
  it('creates, tags and lays out every pane by exact targets, with no user text but tags and options', () => {
    const units = sessionUnits(spec(), scripts);
    const flat = units.flat();
    expect(flat[0]).toEqual(['new-session', '-d', '-s', 'proj', '-n', 'main', '-x', '220', '-y', '50', '-P', '-F', '#{pane_id}', '/bin/sh', '/l/proj.conductor.sh']);
    expect(flat).toContainEqual(['set-option', '-p', '-t', '=proj:=main', 'remain-on-exit', 'on']);
    expect(flat).toContainEqual(['set-option', '-p', '-t', '=proj:=main', '@miyabi_agent', 'conductor']);
    expect(flat).toContainEqual(['set-option', '-t', '=proj:', '@miyabi_root', '/repo;']);
    expect(flat).toContainEqual(['split-window', '-t', '=proj:=main', '-P', '-F', '#{pane_id}', '/bin/sh', '/l/proj.agent-1.sh']);
    expect(flat).toContainEqual(['new-window', '-d', '-t', '=proj:', '-n', 'more', '-P', '-F', '#{pane_id}', '/bin/sh', '/l/proj.agent-2.sh']);
    expect(flat).toContainEqual(['select-layout', '-t', '=proj:=main', 'main-vertical']);
    expect(flat).toContainEqual(['set-option', '-t', '=proj:', 'detach-on-destroy', 'on']);
    expect(flat).toContainEqual(['set-option', '-w', '-t', '=proj:=more', 'allow-rename', 'off']);
    // One pane id line per pane, in spec order.
    const creators = flat.filter((c) => ['new-session', 'new-window', 'split-window'].includes(c[0]!));
    expect(creators.map((c) => c[c.length - 1])).toEqual(scripts.flat());
    // remain-on-exit is in the same unit as the pane it protects.
    for (const u of units) if (u[0]![0] !== 'select-layout') expect(u[1]).toContain('remain-on-exit');
  });

  it('packs units into as few runs as fit, never splitting one', () => {
    const units = sessionUnits(spec(), scripts);
    expect(packUnits(units)).toHaveLength(1);
    const small = packUnits(units, 300);
    expect(small.length).toBeGreaterThan(1);
    expect(small.flat()).toEqual(units.flat());
    for (const b of small) expect(b[0]![0]).toMatch(/^(new-session|new-window|split-window|select-layout)$/);
  });
});

describe('validateSpec', () => {
  it('accepts a good spec', () => {
    expect(() => validateSpec(spec())).not.toThrow();
  });

  it.each([
    ['session name with a dot', { name: 'a.b' }, 'NAME'],
    ['session name with a format', { name: '#{x}' }, 'NAME'],
    ['no windows', { windows: [] }, 'CONFIG'],
    ['a non-user option', { options: { status: 'off' } }, 'CONFIG'],
    ['an option key with a space', { options: { '@a b': 'x' } }, 'CONFIG'],
  ])('refuses %s', (_what, over, code) => {
    expect(() => validateSpec(spec(over as Partial<SessionSpec>))).toThrow(expect.objectContaining({ code }));
  });

  it('refuses bad window and pane names, duplicates, empty windows and unknown layouts', () => {
    const s = spec();
    s.windows[0]!.name = 'Main';
    expect(() => validateSpec(s)).toThrow(expect.objectContaining({ code: 'NAME', message: expect.stringMatching(/window name/) }));
    const d = spec();
    d.windows[1]!.name = 'main';
    expect(() => validateSpec(d)).toThrow(/used twice/);
    const p = spec();
    p.windows[1]!.panes[0]!.name = 'agent-1';
    expect(() => validateSpec(p)).toThrow(/pane name "agent-1" is used twice/);
    const e = spec();
    e.windows[1]!.panes = [];
    expect(() => validateSpec(e)).toThrow(/no panes/);
    const l = spec();
    l.windows[0]!.arrangement = 'vertical';
    expect(() => validateSpec(l)).toThrow(expect.objectContaining({ code: 'CONFIG', message: expect.stringMatching(/unknown layout/) }));
  });
});
