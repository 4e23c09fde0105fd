/**
 * triggers.yaml through the loader and `miyabi validate`: the shipped defaults load (16 rows, off,
 * each saying what it lacks here), skill names resolve through `aliases:`, and every kind of broken
 * rule is refused with file, line and field.
 */
import { describe, expect, it } from 'vitest';
import { loadTriggers, loadTriggersFile } from '../../../src/config/load-triggers.js';
import { loadSkillFiles, skillDirs, yamlFilesIn } from '../../../src/config/load-skill.js';
import { validateFiles } from '../../../src/cli/verbs/validate.js';
import { tempProject, writeFile } from '../config/temp-project.js';

const rule = (body: string) => `rules:\n  - name: r1\n${body.replace(/^/gm, '    ')}\n`;

/** [case, file text, the field the error names, a phrase of its message] */
const BROKEN: [string, string, string, RegExp][] = [
  ['bad cron', rule('schedule: "61 * * * *"\nrun: development-pipeline'), 'rules[0].schedule', /not a cron expression/],
  ['bad cron in mapping', rule('schedule: { cron: "* * *" }\nrun: development-pipeline'), 'rules[0].schedule.cron', /not a cron expression/],
  ['bad time zone', rule('schedule: { cron: "0 9 * * *", tz: Mars/Olympus }\nrun: development-pipeline'), 'rules[0].schedule.tz', /time zone/],
  ['bad every', rule('schedule: every now\nrun: development-pipeline'), 'rules[0].schedule', /every.*duration/],
  ['cron and every', rule('schedule: { cron: "0 9 * * *", every: 60s }\nrun: development-pipeline'), 'rules[0].schedule', /both cron and every/],
  ['max without catch-up', rule('schedule: { every: 60s, max: 3 }\nrun: development-pipeline'), 'rules[0].schedule.max', /catch-up/],
  ['unknown pipeline', rule('on: git.push\nrun: developmnt-pipeline'), 'rules[0].run', /no pipeline named "developmnt-pipeline".*did you mean/],
  ['unknown skill', rule('on: git.push\nskills: rust-development -> no-such-skill'), 'rules[0].skills', /no skill named "no-such-skill"/],
  ['empty chain step', rule('on: git.push\nskills: rust-development -> -> ci-cd-pipeline'), 'rules[0].skills', /empty step/],
  ['bad glob', rule('on: "git..push"\nrun: development-pipeline'), 'rules[0].on', /empty word/],
  ['glob with capitals', rule('on: Git.Push\nrun: development-pipeline'), 'rules[0].on', /lowercase/],
  ['no threshold', rule('condition: { probe: cpu }\nrun: development-pipeline'), 'rules[0].condition', /no threshold/],
  ['unknown probe', rule('condition: { probe: gpu, above: 3 }\nrun: development-pipeline'), 'rules[0].condition.probe', /cpu.*memory/],
  ['clear on the wrong side', rule('condition: { probe: cpu, above: 80, clear: 90 }\nrun: development-pipeline'), 'rules[0].condition.clear', /at or below/],
  ['probe without its field', rule('condition: { probe: command, above: 1 }\nrun: development-pipeline'), 'rules[0].condition.probe', /needs command/],
  ['unknown field', rule('on: git.push\nrun: development-pipeline\nretries: 3'), 'rules[0].retries', /unknown key "retries"/],
  ['two sources', rule('on: git.push\nschedule: every 60s\nrun: development-pipeline'), 'rules[0]', /one of on, schedule, condition/],
  ['no source', rule('run: development-pipeline'), 'rules[0]', /fires on nothing/],
  ['no target', rule('on: git.push'), 'rules[0]', /starts nothing/],
  ['run and skills', rule('on: git.push\nrun: development-pipeline\nskills: rust-development'), 'rules[0]', /both run and skills/],
  ['bad template', rule('on: git.push\nrun: development-pipeline\nvars: { b: "${branch}" }'), 'rules[0].vars.b', /not something a firing has/],
  ['bad duration', rule('on: git.push\nrun: development-pipeline\ncooldown: soon'), 'rules[0].cooldown', /duration/],
  ['bad overlap', rule('on: git.push\nrun: development-pipeline\noverlap: later'), 'rules[0].overlap', /queue/],
  ['match without on', rule('schedule: every 60s\nmatch: { branch: main }\nrun: development-pipeline'), 'rules[0].match', /needs on/],
  ['file.changed without files', rule('on: file.changed\nrun: development-pipeline'), 'rules[0].on', /needs files/],
  ['unknown default in enable', 'enable: [git-pushh]\n', 'enable[0]', /no default rule named "git-pushh"/],
  ['bad error pattern', 'errors: { patterns: ["(unclosed"] }\n', 'errors.patterns[0]', /regular expression/],
];

function registry(root: string) {
  const r = loadSkillFiles(skillDirs({ projectRoot: root }).flatMap(yamlFilesIn));
  if (!r.ok) throw r.error;
  return r.value;
}

describe('triggers.yaml', () => {
  it('ships the design document\'s 16 rows: they load off, and say what their world lacks', () => {
    const root = tempProject();
    const r = loadTriggers({ projectRoot: root, env: {} });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.rules).toHaveLength(16);
    expect(r.value.rules.every((x) => !x.enabled && x.origin === 'default')).toBe(true);
    const by = new Map(r.value.rules.map((x) => [x.name, x]));
    expect(by.get('git-push')?.target).toMatchObject({ kind: 'skills', chain: ['rust-development', 'ci-cd-pipeline', 'docker-compose-workflow'] });
    expect(by.get('agent-idle')?.target).toMatchObject({ chain: ['miyabi-agent-orchestration', 'codex-danger-full-access'] });
    expect(by.get('cpu-high')?.needs.join(' ')).toMatch(/MIYABI_AWS_DEPLOY_CMD/);
    expect(by.get('ctr-low')?.needs.join(' ')).toMatch(/youtube\.ctr/);
    expect([...by.values()].map((x) => x.kind).sort().join(',')).toBe(`${'condition,'.repeat(5)}${'event,'.repeat(6)}${'schedule,'.repeat(5)}`.slice(0, -1));
  });

  it('enable: turns defaults on; a project rule of the same name replaces it', () => {
    const root = tempProject();
    writeFile(root, 'triggers.yaml', 'enable: [every-60s]\nrules:\n  - name: git-push\n    on: git.push\n    match: { branch: main }\n    run: development-pipeline\n');
    const r = loadTriggers({ projectRoot: root, env: {} });
    if (!r.ok) throw r.error;
    const by = new Map(r.value.rules.map((x) => [x.name, x]));
    expect(by.get('every-60s')?.enabled).toBe(true);
    expect(by.get('git-push')).toMatchObject({ origin: 'project', enabled: true, target: { kind: 'pipeline', pipeline: 'development-pipeline' } });
    expect(r.value.rules.filter((x) => x.name === 'git-push')).toHaveLength(1);
  });

  it('an alias two skills share is ambiguous', () => {
    const root = tempProject();
    writeFile(root, 'skills/a-one.yaml', 'name: a-one\naliases: [dup]\nactions:\n  x: "true"\n');
    writeFile(root, 'skills/a-two.yaml', 'name: a-two\naliases: [dup]\nactions:\n  x: "true"\n');
    const f = writeFile(root, 'triggers.yaml', rule('on: x.y\nskills: dup'));
    const r = loadTriggersFile(f, { skills: registry(root), pipelines: [] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]?.message).toMatch(/ambiguous.*a-one and a-two/);
  });

  it.each(BROKEN)('validate refuses %s with file, line and field', (_name, text, field, message) => {
    const root = tempProject();
    const f = writeFile(root, 'triggers.yaml', text);
    const r = validateFiles([f], root, root);
    expect(r.errors.length, JSON.stringify(r.errors)).toBeGreaterThan(0);
    const hit = r.errors.find((e) => e.path === field && message.test(e.message));
    expect(hit, `${field} ${message} in ${JSON.stringify(r.errors, null, 1)}`).toBeDefined();
    expect(hit?.file).toBe('triggers.yaml');
    expect(hit?.line).toBeGreaterThan(0);
  });

  it('validate passes the shipped defaults and a good project file', () => {
    const root = tempProject();
    const f = writeFile(root, 'triggers.yaml', 'enable: [git-push]\nrules:\n  - name: nightly\n    schedule: { cron: "0 3 * * *", tz: Asia/Tokyo, missed: catch-up, max: 2 }\n    skills: objective-observation\n');
    expect(validateFiles([f], root, root).errors).toEqual([]);
  });
});
