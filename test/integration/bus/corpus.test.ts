import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, until, type TestProject } from '../../helpers/project.js';
import { received, upReaders } from '../../helpers/readers.js';

/** Messages that break naive send-keys delivery (RELIABILITY.md B1–B4, tmux#1849, #4350). */
const CORPUS = [
  `it's "quoted" and 'single'`,
  'echo $(rm -rf ~) and `uname`',
  'a;',
  ';',
  ';;',
  'a\\;',
  'a\\\\;',
  'x;y',
  'back\\slash \\n not a newline',
  'C-c',
  'Enter',
  'Escape',
  'C-BSpace',
  '#{session_name} #(touch /tmp/miyabi-pwned) #[fg=red]',
  'tab\tseparated\tcolumns',
  'Unicode: naïve café – “quotes” — ünïcödé',
  'emoji 🚀🔥👩‍💻 and CJK 日本語のテキスト',
  'right-to-left: שלום עולם مرحبا بالعالم',
  '-n starts with a dash',
  '--help',
  'ends with a semicolon;',
  'line one\nline two\nline three',
  '  leading and trailing spaces  ',
  '%output %1 looks like control mode',
  '$HOME ${PATH} ~ *.glob ?',
  'a | b > c < d & e',
  '"unbalanced quote',
  "'",
  '\\',
  'x'.repeat(16 * 1024),
  'multi\n\nwith empty line\n',
  '@not-a-relay: at the start is fine here',
];

let p: TestProject;
beforeAll(async () => {
  p = makeProject();
  await upReaders(p, ['r1']);
});
afterAll(async () => p.cleanup());

describe('a corpus of hard messages arrives byte for byte', () => {
  it(`delivers all ${CORPUS.length} messages, each as one submission, in order`, async () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(30);
    for (const text of CORPUS) {
      const r = await p.miyabi(['send', 'r1', '--stdin', '--wait', '--timeout', '20'], { input: text });
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain('delivered');
    }
    await until(() => received(p, 'r1').length >= CORPUS.length, 'every message to be recorded');
    expect(received(p, 'r1')).toEqual(CORPUS);
    // the #(…) in a message never ran
    const { existsSync } = await import('node:fs');
    expect(existsSync('/tmp/miyabi-pwned')).toBe(false);
  });
});
