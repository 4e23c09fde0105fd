import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILTIN_DELIVERY, BUILTIN_PROFILES, deliveryFor, loadProfileFile, parseProfile, profileForCommand } from '../../../src/agents/states/profiles.js';
import { parseClock, parseDate, parseDuration } from '../../../src/agents/states/reset-time.js';
import { screenTail } from '../../../src/agents/states/screen.js';

const dir = mkdtempSync(join(tmpdir(), 'miyabi-profiles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('profiles', () => {
  it('ships shell, claude, codex, aider and gemini', () => {
    expect(Object.keys(BUILTIN_PROFILES).sort()).toEqual(['aider', 'claude', 'codex', 'gemini', 'shell']);
  });

  it('one profile per CLI holds both its state patterns and its delivery settings', () => {
    expect(Object.keys(BUILTIN_DELIVERY).sort()).toEqual(Object.keys(BUILTIN_PROFILES).sort());
    expect(BUILTIN_DELIVERY.codex).toMatchObject({ name: 'codex', submitDelayMs: 50, header: true });
    expect(BUILTIN_DELIVERY.claude?.inputLine?.exec('❯ hello')?.groups?.input).toBe('hello');
    // The program is found by the same `commands` lists the states use.
    expect(deliveryFor(['/bin/sh', '-c', 'claude-code --resume']).name).toBe('claude');
    expect(deliveryFor(['/usr/bin/zsh']).name).toBe('shell');
    expect(deliveryFor(['my-tool'], 'aider').name).toBe('aider');
    // A user's own state file has no delivery block: delivery stays the built-in one's.
    expect(() => parseProfile({ name: 'x', timings: {}, patterns: {}, delivery: {} }, 'x.json')).toThrow(/not a state profile/);
  });

  it('picks a profile by the command basename, else shell; a user profile wins', () => {
    expect(profileForCommand('/usr/local/bin/claude --resume').name).toBe('claude');
    expect(profileForCommand('codex').name).toBe('codex');
    expect(profileForCommand('my-tool --x').name).toBe('shell');
    const mine = parseProfile({ name: 'mine', commands: ['claude'], timings: {}, patterns: { ready: ['^> $'] } }, 'test');
    expect(profileForCommand('claude', [mine]).name).toBe('mine');
  });

  it('loads a YAML profile file with defaults', () => {
    const file = join(dir, 'tool.yaml');
    writeFileSync(file, "name: tool\ncommands: [tool]\ntimings: { idleAfterMs: 500 }\npatterns:\n  ready: ['^tool> ']\n  busy: [{ re: 'working', flags: i }]\n");
    const p = loadProfileFile(file);
    expect(p.timings).toEqual({ startupGraceMs: 30_000, idleAfterMs: 500, unresponsiveAfterMs: 300_000, hookHoldMs: 3_000 });
    expect(p.patterns.busy[0]?.re.flags).toBe('imu');
    expect(p.otherwise).toBe('unrecognized');
  });

  it('refuses a bad pattern or an unknown key, naming the file and the place', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ name: 'bad', timings: {}, patterns: { busy: ['ok', '(unclosed'] } }));
    expect(() => loadProfileFile(file)).toThrow(/bad\.json: patterns\.busy\[1\]: bad pattern "\(unclosed"/);
    expect(() => parseProfile({ name: 'x', timings: {}, patterns: { idle: [] } }, 'x.yaml')).toThrow(/x\.yaml: not a state profile/);
  });
});

describe('reset times', () => {
  const now = new Date(2026, 10, 25, 14, 10).getTime();
  it.each([
    ['3pm', new Date(2026, 10, 25, 15, 0)],
    ['3:45 PM', new Date(2026, 10, 25, 15, 45)],
    ['12am', new Date(2026, 10, 26, 0, 0)],
    ['2pm', new Date(2026, 10, 26, 14, 0)],
    ['09:30', new Date(2026, 10, 26, 9, 30)],
  ])('clock %s', (text, want) => expect(parseClock(text, now)).toBe(want.getTime()));

  it('dates: the next such day, this year or the next', () => {
    expect(parseDate('Dec 1', '1pm', now)).toBe(new Date(2026, 11, 1, 13, 0).getTime());
    expect(parseDate('Oct 7', '9:30am', now)).toBe(new Date(2027, 9, 7, 9, 30).getTime());
    expect(parseDate('November 25', undefined, now)).toBe(new Date(2027, 10, 25, 0, 0).getTime());
    expect(parseDate('Foo 7', '1pm', now)).toBeNull();
  });

  it('refuses what is no clock time', () => {
    for (const t of ['3', '13pm', '10:75', 'Oct 7']) expect(parseClock(t, now)).toBeNull();
  });

  it.each([
    ['2 hours 5 minutes', 7_500_000],
    ['2\nhours 5 minutes', 7_500_000],
    ['1h30m', 5_400_000],
    ['35.2s', 35_200],
    ['8.0 seconds', 8_000],
    ['3 days', 259_200_000],
  ])('duration %j', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it('screenTail keeps the last non-empty lines and the gaps between them', () => {
    expect(screenTail('a\nb\n\nc  \n\n\n', 2)).toBe('b\n\nc');
  });
});
