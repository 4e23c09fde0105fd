import { describe, expect, it } from 'vitest';
import { compileCondition, knownNames, parseCondition } from '../../../src/config/pipeline-condition.js';
import { conditionHolds, type ConditionContext } from '../../../src/pipelines/condition-eval.js';

const ctx: ConditionContext = {
  branch: 'main',
  vars: { env: 'prod' },
  outputs: { deck: 'deck.pdf' },
  stages: { build: { outcome: 'passed' } },
  error: { detected: false },
  event: { type: 'git-push', count: 3 },
  env: { CI: 'true' },
};

describe('condition language', () => {
  const cases: [string, boolean][] = [
    ['branch == main', true],
    ['branch == "main"', true],
    ["branch != 'main'", false],
    ['branch == develop', false],
    ['!(branch == main)', false],
    ['branch == main && stages.build.outcome == passed', true],
    ['branch == dev || vars.env == prod', true],
    ['event.count == 3', true],
    ['event.count == "3"', true],
    ['env.CI', true],
    ['env.MISSING', false],
    ['deck', true],
    ['outputs.deck == "deck.pdf"', true],
    ['error-detected', false],
    ['!error-detected && (true || false)', true],
    ['event.constructor', false],
    ['event.__proto__ == ""', true],
  ];
  for (const [src, want] of cases) it(`${src} → ${want}`, () => expect(conditionHolds(src, ctx)).toBe(want));

  it('error-detected holds after a failure', () => {
    expect(conditionHolds('error-detected', { ...ctx, error: { detected: true } })).toBe(true);
  });

  const bad: [string, string, number][] = [
    ['branch = main', '"=" is not an operator', 7],
    ['branch == ', 'ends too early', 10],
    ['(branch == main', 'expected ")"', 15],
    ['branch == main)', 'unexpected ")"', 14],
    ['branch & main', 'use "&&"', 7],
    ['"open', 'unterminated string', 0],
    ['branch == main; rm -rf /', 'unexpected character ";"', 14],
    ['process.exit()', 'unexpected "("', 12],
  ];
  for (const [src, msg, offset] of bad) {
    it(`refuses ${src}`, () => {
      const r = parseCondition(src);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.message).toContain(msg);
        expect(r.offset).toBe(offset);
      }
    });
  }

  it('refuses an unknown name outside a comparison, and names the allowed ones', () => {
    const r = compileCondition('brnch', knownNames([]));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/unknown name "brnch".*branch/);
    expect(compileCondition('foo.bar == x', knownNames([])).ok).toBe(false);
    expect(compileCondition('worktree_path', knownNames(['worktree_path'])).ok).toBe(true);
  });

  it('stops deep nesting instead of overflowing the stack', () => {
    expect(parseCondition('('.repeat(100) + 'true' + ')'.repeat(100)).ok).toBe(false);
    expect(parseCondition('!'.repeat(100) + 'true').ok).toBe(false);
  });
});
