/**
 * The quick verbs' entry (issue #17, item 3) takes only the plain shapes; every other one goes to
 * the full CLI (null here), which parses and reports it as before: help, --socket, unknown flags,
 * extra arguments, other verbs.
 */
import { describe, expect, it } from 'vitest';
import { runQuick } from '../../../src/cli/quick-entry.js';
import { parseUp } from '../../../src/cli/up-args.js';

describe('quick entry: what it leaves to the full command parser', () => {
  for (const argv of [
    ['status', '--help'],
    ['status', '-h'],
    ['status', '--socket', 'x'],
    ['status', '--json', '--bogus'],
    ['status', 'extra'],
    ['agents', '--all'],
    ['ls', 'x'],
    ['inbox', 'a', 'b'],
    ['inbox', '--follow'],
    ['down', '--json'],
    ['tail', 'agent-1'],
    ['up', '--detach', '--layout'],
    ['up', '--detach', '--socket', 'x'],
    ['emit'],
    ['emit', 'git.push', '--json', '{}'],
    ['emit', '--id', 'x', 'git.push'],
    [],
  ]) {
    it(`${JSON.stringify(argv)} → the full CLI`, async () => {
      expect(await runQuick(argv)).toBeNull();
    });
  }
});

describe("up's plain shapes (the quick up, and a spare controller, take them)", () => {
  it('takes the interactive one too: it attaches the terminal as the full CLI did', () => {
    expect(parseUp([])).toEqual({});
    expect(parseUp(['-l', 'x'])).toEqual({ layout: 'x' });
    expect(parseUp(['--layout=x', '-d', '--json'])).toEqual({ layout: 'x', detach: true, json: true });
  });
  it('leaves the rest to the full CLI', () => {
    for (const args of [['--socket', 'x'], ['--help'], ['-l'], ['-l', 'a', '-l', 'b'], ['extra']]) expect(parseUp(args)).toBeNull();
  });
});
