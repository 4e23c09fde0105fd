/** The generic YAML front end: decoding, parsing, locating zod issues, rules, formatting. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configError, formatIssue, formatPath, safeText, unwrapConfig, type ConfigIssue } from '../../../src/config/config-issue.js';
import { decodeUtf8, firstInvalidUtf8 } from '../../../src/config/utf8.js';
import { loadYamlSource } from '../../../src/config/load-yaml.js';
import type { Rule } from '../../../src/config/rules.js';
import { parseYamlSource } from '../../../src/config/yaml-source.js';
import { strictObject, suggestion } from '../../../src/config/zod-issues.js';

const schema = strictObject({
  name: z.string(),
  stages: z.array(strictObject({ skill: z.string(), retries: z.number().int().optional() })).min(1),
  mode: z.union([z.literal('fast'), strictObject({ slow: z.boolean() })]).optional(),
});

function issues(text: string | Uint8Array, rules: Rule<unknown>[] = []): ConfigIssue[] {
  const r = loadYamlSource('p.yaml', text, schema, rules);
  return r.ok ? [] : r.issues;
}

function brief(list: ConfigIssue[]): string[] {
  return list.map(formatIssue);
}

describe('formatting', () => {
  it('writes paths the way a user reads them', () => {
    expect(formatPath([])).toBe('');
    expect(formatPath(['windows', 0, 'panes', 12, 'name'])).toBe('windows[0].panes[12].name');
    expect(formatPath(['env', 'A.B'])).toBe('env["A.B"]');
    expect(formatPath(['env', 'x\u001b[2J'])).toBe('env["x\\u001b[2J"]');
  });

  it('formats issues with and without a position or path', () => {
    const i: ConfigIssue = { file: 'a.yaml', line: 3, col: 7, path: 'x.y', message: 'bad', severity: 'error' };
    expect(formatIssue(i)).toBe('a.yaml:3:7 x.y: bad');
    expect(formatIssue({ ...i, path: '' })).toBe('a.yaml:3:7: bad');
    expect(formatIssue({ ...i, line: 0, col: 0, path: '' })).toBe('a.yaml: bad');
    expect(formatIssue({ ...i, severity: 'warning' })).toBe('a.yaml:3:7 x.y: warning: bad');
  });

  it('makes terminal escapes and invisible characters visible', () => {
    expect(safeText('a\u001b[31mb\u202ec\u200bd\ne')).toBe('a\\u{001B}[31mb\\u{202E}c\\u{200B}d\\u{000A}e');
    expect(safeText('café 日本')).toBe('café 日本');
  });

  it('builds one CONFIG error listing every issue, with the hint', () => {
    const list = issues('name: 1\nstages: []\n');
    const err = configError(list, 'see docs');
    expect(err.code).toBe('CONFIG');
    expect(err.exitCode).toBe(2);
    expect(err.hint).toBe('see docs');
    expect(err.message).toBe(
      '2 problems in the configuration:\np.yaml:1:7 name: expected a string, got a number (1)\np.yaml:2:9 stages: must not be empty: expected at least one item',
    );
    expect(() => unwrapConfig(loadYamlSource('p.yaml', 'name: 1\n', schema))).toThrow(/p\.yaml:1:7 name/);
    const r = loadYamlSource('p.yaml', 'name: 1\nstages: []\n', schema);
    expect(r.ok ? undefined : [r.error.code, r.error.message, r.error.exitCode]).toEqual(['CONFIG', err.message, 2]);
  });
});

describe('decoding', () => {
  it('finds the first byte that is not UTF-8', () => {
    expect(firstInvalidUtf8(Buffer.from('héllo ✓ 𝄞'))).toBe(-1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc0, 0x80]))).toBe(1); // overlong
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xed, 0xa0, 0x80]))).toBe(1); // surrogate
    expect(firstInvalidUtf8(Buffer.from([0x61, 0x62, 0xe2, 0x9c]))).toBe(2); // cut short
    expect(firstInvalidUtf8(Buffer.from([0xf4, 0x90, 0x80, 0x80]))).toBe(0); // > U+10FFFF
    expect(firstInvalidUtf8(Buffer.from([0xff, 0xfe, 0x61, 0x00]))).toBe(0); // UTF-16
  });

  it('drops a BOM and gives line:col of a bad byte', () => {
    expect(decodeUtf8(Buffer.from('\ufeffa: 1'))).toEqual({ ok: true, text: 'a: 1' });
    expect(decodeUtf8(Buffer.from([0x61, 0x0a, 0x62, 0x62, 0x80]))).toEqual({ ok: false, offset: 4, byte: 0x80, line: 2, col: 3 });
  });

  it('refuses big input by its size in bytes, before parsing', () => {
    const r = parseYamlSource('big.yaml', 'a: ' + 'é'.repeat(600), { maxBytes: 1000 });
    expect(r.ok ? [] : brief(r.issues)).toEqual(['big.yaml: file is 0.0 MiB (1203 bytes); a config file may be at most 0.0 MiB']);
  });

  it('stops an alias bomb at the configured limit', () => {
    const r = parseYamlSource('a.yaml', 'a: &a [1, 2]\nb: [*a, *a, *a]\n', { maxAliasCount: 2 });
    expect(r.ok ? [] : brief(r.issues)).toEqual([
      'a.yaml:2:5 b[0]: too many alias expansions (limit 2): this looks like an alias bomb; write the values out instead of nesting aliases',
    ]);
  });
});

describe('locating schema issues', () => {
  it('points at the value for wrong values and at the key for unknown keys', () => {
    const text = 'name: build\nstages:\n  - skill: lint\n    retries: 1.5\n  - skil: test\n';
    expect(brief(issues(text))).toEqual([
      'p.yaml:4:14 stages[0].retries: expected a whole number, got a number (1.5)',
      'p.yaml:5:5 stages[1].skill: is required: expected a string',
      'p.yaml:5:5 stages[1].skil: unknown key "skil" (did you mean "skill"?); allowed keys: skill, retries',
    ]);
  });

  it('points at the key when a value is empty', () => {
    expect(brief(issues('name:\nstages: [{skill: a}]\n'))).toEqual(['p.yaml:1:1 name: expected a string, got an empty value']);
  });

  it('reports the problem inside the union branch that matched the type', () => {
    expect(brief(issues('name: a\nstages: [{skill: a}]\nmode: {slow: maybe}\n'))).toEqual([
      'p.yaml:3:14 mode.slow: expected true or false, got a string ("maybe")',
    ]);
    expect(brief(issues('name: a\nstages: [{skill: a}]\nmode: slow\n'))).toEqual([
      'p.yaml:3:7 mode: expected "fast" or a mapping (key: value); got a string ("slow")',
    ]);
  });

  it('follows aliases to where the value was written', () => {
    expect(brief(issues('name: a\nx: &s {skill: 3}\nstages: [*s]\n'))).toEqual([
      'p.yaml:2:1 x: unknown key "x"; allowed keys: name, stages, mode',
      'p.yaml:2:15 stages[0].skill: expected a string, got a number (3)',
    ]);
  });

  it('still checks the schema when the only syntax problem is a duplicate key', () => {
    expect(brief(issues('name: a\nname: b\nstages: 3\n'))).toEqual([
      'p.yaml:2:1 name: duplicate key "name": each key may appear only once in a mapping',
      'p.yaml:3:9 stages: expected a list, got a number (3)',
    ]);
  });

  it('suggests only close spellings', () => {
    expect(suggestion('windwos', ['session', 'windows'])).toBe(' (did you mean "windows"?)');
    expect(suggestion('zzz', ['session', 'windows'])).toBe('');
  });
});

describe('rules and warnings', () => {
  const noLint: Rule<unknown> = (ctx) => {
    const data = ctx.data as { stages?: unknown } | null;
    const stages: unknown[] = Array.isArray(data?.stages) ? data.stages : [];
    stages.forEach((s, i) => {
      const skill = (s as { skill?: unknown } | null)?.skill;
      if (skill === 'lint') ctx.report(['stages', i, 'skill'], `lint is retired (first stage at ${ctx.where(['stages', 0])})`);
      if (skill === 'old') ctx.report(['stages', i, 'skill'], 'old is deprecated', { severity: 'warning' });
    });
  };

  it('runs rules alongside schema problems and reports both', () => {
    expect(brief(issues('name: 5\nstages:\n  - skill: test\n  - skill: lint\n', [noLint]))).toEqual([
      'p.yaml:1:7 name: expected a string, got a number (5)',
      'p.yaml:4:12 stages[1].skill: lint is retired (first stage at 3:5)',
    ]);
  });

  it('returns warnings beside a valid value', () => {
    const r = loadYamlSource('p.yaml', 'name: !custom a\nstages: [{skill: old}]\n', schema, [noLint]);
    expect(r.ok).toBe(true);
    expect(brief(r.warnings)).toEqual([
      'p.yaml:1:7 name: warning: Unresolved tag: !custom',
      'p.yaml:2:18 stages[0].skill: warning: old is deprecated',
    ]);
  });

  it('never throws, whatever the bytes', () => {
    let seed = 42;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = ['- ', ': ', '\n', '  ', '\t', '[', ']', '{', '}', '&a ', '*a', '"', "'", '#', '? ', '|', '>', '!!', 'x', '%', '---', '\u0000', '\\'];
    for (let n = 0; n < 300; n++) {
      const text = Array.from({ length: 40 }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
      const bytes = n % 3 === 0 ? Buffer.from(Array.from({ length: 64 }, () => Math.floor(rand() * 256))) : text;
      expect(() => loadYamlSource('f.yaml', bytes, schema, [noLint])).not.toThrow();
    }
  });
});
