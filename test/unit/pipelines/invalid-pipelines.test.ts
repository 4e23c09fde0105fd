/** Broken pipelines are refused with the file, line, column and field of each problem (PRACTICES.md 7). */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../../src/config/config-issue.js';
import { validateFiles } from '../../../src/cli/verbs/validate.js';
import { tempDir, write } from './helpers.js';

interface Expected { line: number; col?: number; path: string; message: string }

const OK_STAGE = '  - name: build\n    skill: rust-development\n    actions: [cargo check]\n';
const head = (extra = '') => `name: dev\ntrigger: git-push\n${extra}stages:\n`;

const cases: { name: string; yaml: string; issues: Expected[] }[] = [
  { name: 'YAML syntax', yaml: 'name: dev\nstages: [a, b\n', issues: [{ line: 3, path: '', message: 'Flow sequence' }] },
  { name: 'unknown top-level key, with a suggestion', yaml: `${head('trigers: x\n')}${OK_STAGE}`, issues: [{ line: 3, col: 1, path: 'trigers', message: 'unknown key "trigers" (did you mean "trigger"?)' }] },
  { name: 'unknown stage key', yaml: `${head()}${OK_STAGE}    on_sucess: lint\n`, issues: [{ line: 7, col: 5, path: 'stages[0].on_sucess', message: 'unknown key "on_sucess" (did you mean "on_success"?)' }] },
  { name: 'missing stages', yaml: 'name: dev\n', issues: [{ line: 1, path: 'stages', message: 'is required' }] },
  { name: 'empty stages', yaml: 'name: dev\nstages: []\n', issues: [{ line: 2, col: 9, path: 'stages', message: 'must not be empty' }] },
  { name: 'bad stage name', yaml: `${head()}  - name: Build Step\n    skill: rust-development\n    actions: [cargo check]\n`, issues: [{ line: 4, col: 11, path: 'stages[0].name', message: 'contains "B"; allowed: a lowercase letter' }] },
  { name: 'duplicate stage', yaml: `${head()}${OK_STAGE}${OK_STAGE}`, issues: [{ line: 7, col: 11, path: 'stages[1].name', message: 'duplicate stage name "build", also at line 4' }] },
  { name: 'edge to an unknown stage', yaml: `${head()}${OK_STAGE}    on_success: lnit\n  - { name: lint, skill: ci-cd-pipeline, actions: [cargo clippy] }\n`, issues: [{ line: 7, col: 17, path: 'stages[0].on_success', message: 'no stage named "lnit" (did you mean "lint"?)' }] },
  { name: 'unknown skill', yaml: `${head()}  - name: build\n    skill: rust-developmnt\n    actions: [cargo check]\n`, issues: [{ line: 5, col: 12, path: 'stages[0].skill', message: 'unknown skill "rust-developmnt" (did you mean "rust-development"?)' }] },
  { name: 'unknown action', yaml: `${head()}  - name: build\n    skill: rust-development\n    actions: [cargo check, cargo biuld]\n`, issues: [{ line: 6, col: 28, path: 'stages[0].actions[1]', message: 'skill "rust-development" has no action "cargo biuld" (did you mean "cargo build"?)' }] },
  { name: 'condition syntax', yaml: `${head()}${OK_STAGE}    condition: branch = main\n`, issues: [{ line: 7, col: 16, path: 'stages[0].condition', message: '"=" is not an operator; compare with "==" (at column 8 of the condition)' }] },
  { name: 'condition unknown name', yaml: `${head()}${OK_STAGE}    condition: brnch\n`, issues: [{ line: 7, path: 'stages[0].condition', message: 'unknown name "brnch"' }] },
  { name: 'input nobody produces', yaml: `${head()}${OK_STAGE}    input: [worktree]\n`, issues: [{ line: 7, col: 13, path: 'stages[0].input[0]', message: 'no stage has "worktree" as its output' }] },
  { name: 'loop that can never end', yaml: `${head()}  - { name: a, skill: rust-development, actions: [cargo check], on_success: b, on_failure: b }\n  - { name: b, skill: rust-development, actions: [cargo build], on_success: a, on_failure: a }\n  - { name: start, skill: rust-development, actions: [cargo test], on_success: a }\n`, issues: [
    { line: 4, path: 'stages[0].on_success', message: 'is in a loop that can never end (a → b → a)' },
    { line: 5, path: 'stages[1].on_success', message: 'is in a loop that can never end' },
  ] },
  { name: 'no stage to start with', yaml: `${head()}  - { name: a, skill: rust-development, actions: [cargo check], on_success: b }\n  - { name: b, skill: rust-development, actions: [cargo build], on_failure: a }\n`, issues: [{ line: 4, col: 3, path: 'stages', message: 'every stage is the target of an edge' }] },
  { name: 'empty trigger alternative', yaml: `name: dev\ntrigger: git-push | | pr-create\nstages:\n${OK_STAGE}`, issues: [{ line: 2, col: 10, path: 'trigger', message: 'has an empty alternative' }] },
  { name: 'bad timeout', yaml: `${head()}${OK_STAGE}    timeout: soon\n`, issues: [{ line: 7, col: 14, path: 'stages[0].timeout', message: 'expected a duration' }] },
  { name: 'bad concurrency', yaml: `${head('concurrency: parallel\n')}${OK_STAGE}`, issues: [{ line: 3, col: 14, path: 'concurrency', message: 'expected one of: queue, skip, cancel' }] },
  { name: 'negative retries', yaml: `${head()}${OK_STAGE}    retries: -1\n`, issues: [{ line: 7, col: 14, path: 'stages[0].retries', message: 'too small' }] },
  { name: 'actions not a list', yaml: `${head()}  - name: build\n    skill: rust-development\n    actions: cargo check\n`, issues: [{ line: 6, col: 14, path: 'stages[0].actions', message: 'expected a list' }] },
  { name: 'env value not text', yaml: `${head()}${OK_STAGE}    env: { PORT: 3000 }\n`, issues: [{ line: 7, path: 'stages[0].env.PORT', message: 'quote numbers' }] },
  { name: 'parallel not a boolean', yaml: `${head()}${OK_STAGE}    parallel: yes please\n`, issues: [{ line: 7, col: 15, path: 'stages[0].parallel', message: 'expected' }] },
];

describe('validate refuses broken pipelines', () => {
  it(`has at least 15 cases (${cases.length})`, () => expect(cases.length).toBeGreaterThanOrEqual(15));
  for (const c of cases) {
    it(c.name, () => {
      const root = tempDir();
      const file = write(root, 'pipelines/dev.yaml', c.yaml);
      const r = validateFiles([file], root, root);
      const got = r.errors;
      for (const want of c.issues) {
        const hit = got.find((i) => i.path === want.path && i.line === want.line && (want.col === undefined || i.col === want.col) && i.message.includes(want.message));
        expect(hit, `wanted ${JSON.stringify(want)}\ngot:\n${got.map(formatIssue).join('\n')}`).toBeDefined();
        expect(hit?.file).toBe(path.join('pipelines', 'dev.yaml'));
      }
    });
  }

  it('a broken skill file is refused with its line and field', () => {
    const root = tempDir();
    const file = write(root, 'skills/x.yaml', 'name: x\nactions:\n  go: { run: ls, builtin: notify-conductor }\n  bad: { builtin: launch-rockets }\n');
    const r = validateFiles([file], root, root);
    const lines = r.errors.map(formatIssue);
    expect(lines).toContainEqual(expect.stringMatching(/^skills\/x\.yaml:3:7 actions\.go: gives run and builtin/));
    expect(lines).toContainEqual(expect.stringMatching(/^skills\/x\.yaml:4:19 actions\.bad\.builtin: expected one of: /));
  });
});
