import { describe, expect, it } from 'vitest';
import { MiyabiError } from '../../../src/core/errors.js';
import { checkTaskInput, labelProblem, parseTaskInput, parseTimeout } from '../../../src/agents/tasks/index.js';

function problems(raw: Parameters<typeof checkTaskInput>[0]): string[] {
  return checkTaskInput(raw).problems;
}

describe('task add input', () => {
  it('accepts text alone, with defaults', () => {
    expect(parseTaskInput({ text: '  fix the build  ' })).toEqual({ text: 'fix the build', agent: null, priority: 'normal', labels: [], timeoutMs: null });
  });

  it('accepts every option', () => {
    expect(parseTaskInput({ text: 'x', agent: 'a1', priority: 'HIGH', labels: ['bug', 'ui.login', 'bug'], timeout: '1h30m' })).toEqual({
      text: 'x', agent: 'a1', priority: 'high', labels: ['bug', 'ui.login'], timeoutMs: 5_400_000,
    });
    expect(parseTaskInput({ text: 'x', labels: 'bug, p1' }).labels).toEqual(['bug', 'p1']);
  });

  it('refuses empty text', () => {
    expect(problems({ text: '' })).toEqual(['task text is empty: say what the agent should do']);
    expect(problems({ text: ' \n\t' })).toEqual(['task text is empty: say what the agent should do']);
    expect(problems({})).toEqual(['task text must be a string, got undefined']);
    expect(problems({ text: 'x'.repeat(70_000) })[0]).toMatch(/^task text is 70000 bytes \(at most 65536\)/);
  });

  it('refuses an unknown priority', () => {
    expect(problems({ text: 'x', priority: 'urgent' })).toEqual(['unknown priority "urgent": use one of high, normal, low']);
    expect(problems({ text: 'x', priority: 1 })).toEqual(['unknown priority 1: use one of high, normal, low']);
  });

  it('refuses bad label names', () => {
    expect(labelProblem('Bug')).toMatch(/^label "Bug" is not allowed: a lowercase letter or digit/);
    expect(labelProblem('a b')).toMatch(/^label "a b" is not allowed/);
    expect(labelProblem('')).toBe('label is empty');
    expect(labelProblem('x'.repeat(33))).toMatch(/is 33 characters long \(at most 32\)/);
    expect(problems({ text: 'x', labels: ['ok', '-no', 'a/b'] })).toHaveLength(2);
    expect(problems({ text: 'x', labels: 'a,,b' })).toEqual(['label is empty']);
    expect(problems({ text: 'x', labels: 3 })).toEqual(['labels must be a list of names, got number']);
    expect(problems({ text: 'x', labels: Array.from({ length: 17 }, (_, i) => `l${i}`) })).toEqual(['17 labels (at most 16)']);
  });

  it('refuses a bad agent name', () => {
    expect(problems({ text: 'x', agent: 'a:b' })[0]).toMatch(/^agent "a:b" contains ":"/);
    expect(problems({ text: 'x', agent: '../x' })).toHaveLength(1);
  });

  it('reads timeouts, and refuses bad ones such as "5x"', () => {
    expect(parseTimeout('90s')).toEqual({ ms: 90_000 });
    expect(parseTimeout('500ms')).toEqual({ ms: 500 });
    expect(parseTimeout('2d')).toEqual({ ms: 172_800_000 });
    expect(parseTimeout('none')).toEqual({ ms: null });
    expect(parseTimeout(undefined)).toEqual({ ms: null });
    expect(parseTimeout(1500)).toEqual({ ms: 1500 });
    expect(parseTimeout('5x')).toEqual({ problem: 'timeout "5x" is not a duration: use a number and a unit ms, s, m, h or d, e.g. "90s", "30m", "1h30m", or "none"' });
    expect(parseTimeout('90')).toEqual({ problem: 'timeout "90" needs a unit: ms, s, m, h or d (e.g. "90s" or "90m")' });
    for (const bad of ['', '-5m', '1.5h', 'm', '0s', '8d', 0, -1, 1.5, true]) expect(parseTimeout(bad)).toHaveProperty('problem');
  });

  it('reports every problem at once as a USAGE error', () => {
    let e: unknown;
    try {
      parseTaskInput({ text: '', priority: 'asap', labels: ['Bad'], timeout: '5x' });
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(MiyabiError);
    const m = e as MiyabiError;
    expect(m.code).toBe('USAGE');
    expect(m.exitCode).toBe(2);
    expect(m.message.split('\n')).toEqual([
      'task add:',
      '  task text is empty: say what the agent should do',
      '  unknown priority "asap": use one of high, normal, low',
      expect.stringMatching(/^ {2}label "Bad" is not allowed/),
      expect.stringMatching(/^ {2}timeout "5x" is not a duration/),
    ]);
    expect(m.hint).toMatch(/^miyabi task add/);
    expect(() => parseTaskInput({ text: 'x', timeout: '5x' })).toThrow(/^task add: timeout "5x" is not a duration/);
  });
});
