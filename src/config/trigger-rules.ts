/**
 * Cross-field checks of a triggers file: one source (on, schedule or condition) and one target (run
 * or skills) per rule, cron expressions and time zones croner accepts, conditions with one threshold
 * and the fields their probe needs, pipelines and skills that exist (skill names through each skill's
 * `aliases:`), templates that name only what a firing has. Raw data, read defensively.
 */
import { Cron } from 'croner';
import { parseDuration } from './duration-schema.js';
import type { Rule, RuleContext } from './rules.js';
import type { SkillRegistry } from './skill-schema.js';
import { suggestion } from './zod-issues.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export interface TriggerRuleOptions {
  skills?: SkillRegistry;
  /** Pipeline names that exist; undefined: not checked. */
  pipelines?: string[];
  /** Names `enable:` may turn on. */
  defaults?: string[];
}

/** A skill by its name or one of its aliases: unknown and ambiguous names say so. */
export function resolveSkill(name: string, skills: SkillRegistry): { name: string } | { error: string } {
  if (skills.has(name)) return { name };
  const by = [...skills.values()].filter((s) => (s.aliases ?? []).includes(name)).map((s) => s.name);
  if (by.length === 1) return { name: by[0] as string };
  if (by.length > 1) return { error: `skill name ${JSON.stringify(name)} is ambiguous: it is an alias of ${by.join(' and ')}; write the full name` };
  const all = [...skills.values()].flatMap((s) => [s.name, ...(s.aliases ?? [])]);
  return { error: `no skill named ${JSON.stringify(name)}${suggestion(name, all)} (names and aliases come from skills/*.yaml)` };
}

/** `a -> b -> c (next task)` → ["a", "b", "c"]; a trailing remark in parentheses is the document's. */
export function splitChain(text: string): string[] {
  return text.replace(/\([^)]*\)\s*$/, '').split('->').map((s) => s.trim());
}

const TEMPLATE = /\$\{([^}]*)\}/g;
const TEMPLATE_NAME = /^(event(\.[A-Za-z0-9_-]+)*|rule|now|due|value|cause)$/;

/** Problems of a `${…}` template: only event fields, rule, now, due, value and cause are known. */
export function templateProblem(text: string): string | null {
  for (const m of text.matchAll(TEMPLATE)) {
    const name = (m[1] ?? '').trim();
    if (!TEMPLATE_NAME.test(name)) return `\${${name}} is not something a firing has; use \${event.FIELD}, \${rule}, \${cause}, \${now}, \${due} or \${value}`;
  }
  const rest = text.replace(TEMPLATE, '');
  if (rest.includes('${')) return 'has a "${" that is never closed with "}"';
  return null;
}

/** Why `text` is not a schedule croner (or `every N`) takes, or null. */
export function scheduleProblem(cron: string, tz?: string): string | null {
  if (tz !== undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
    } catch {
      return `time zone ${JSON.stringify(tz)} is unknown; use an IANA name such as Asia/Tokyo or UTC`;
    }
  }
  try {
    new Cron(cron, { paused: true, ...(tz ? { timezone: tz } : {}) }).stop();
    return null;
  } catch (e) {
    return `${JSON.stringify(cron)} is not a cron expression (${e instanceof Error ? e.message : String(e)}); e.g. "0 9 * * *" (daily 9:00), "0 9 * * 1" (Mondays), "*/5 * * * *", "@daily", or "every 60s"`;
  }
}

function checkSchedule(ctx: RuleContext<unknown>, at: (string | number)[], s: unknown): void {
  if (typeof s === 'string') {
    if (/^every\b/.test(s.trim())) {
      const ms = parseDuration(s.trim().replace(/^every\s*/, ''));
      if (ms === null || ms < 100) ctx.report(at, `${JSON.stringify(s)}: expected "every" and a duration of at least 100ms, e.g. "every 60s"`);
      return;
    }
    const p = scheduleProblem(s);
    if (p) ctx.report(at, p);
    return;
  }
  if (!isObj(s)) return;
  const has = ['cron', 'every'].filter((k) => s[k] !== undefined);
  if (has.length !== 1) ctx.report(at, has.length === 0 ? 'says neither cron nor every; give one, e.g. cron: "0 9 * * *" or every: 60s' : 'gives both cron and every; give one');
  const tz = typeof s['tz'] === 'string' ? s['tz'] : undefined;
  if (typeof s['cron'] === 'string') {
    const p = scheduleProblem(s['cron'], tz);
    if (p) ctx.report([...at, p.startsWith('time zone') ? 'tz' : 'cron'], p);
  } else if (tz !== undefined) {
    const p = scheduleProblem('* * * * *', tz);
    if (p) ctx.report([...at, 'tz'], p);
  }
  if (s['max'] !== undefined && s['missed'] !== 'catch-up') ctx.report([...at, 'max'], 'max is the most missed firings `missed: catch-up` runs; it needs missed: catch-up');
}

const PROBE_NEEDS: Record<string, string | undefined> = { 'test-stage': 'stage', command: 'command', metric: 'metric' };

function checkCondition(ctx: RuleContext<unknown>, at: (string | number)[], c: unknown): void {
  if (!isObj(c)) return;
  const ops = ['above', 'below'].filter((k) => c[k] !== undefined);
  if (ops.length !== 1) ctx.report(at, ops.length === 0 ? 'has no threshold: give above: N or below: N' : 'gives both above and below; give one');
  const need = PROBE_NEEDS[String(c['probe'])];
  if (need && c[need] === undefined) ctx.report([...at, 'probe'], `probe ${String(c['probe'])} needs ${need}:`);
  const t = typeof c['above'] === 'number' ? c['above'] : typeof c['below'] === 'number' ? c['below'] : undefined;
  if (typeof c['clear'] === 'number' && t !== undefined) {
    if (c['above'] !== undefined && c['clear'] > t) ctx.report([...at, 'clear'], `clear (${c['clear']}) must be at or below the threshold (above: ${t}): it re-arms once the value falls back`);
    if (c['below'] !== undefined && c['clear'] < t) ctx.report([...at, 'clear'], `clear (${c['clear']}) must be at or above the threshold (below: ${t}): it re-arms once the value rises back`);
  }
}

function checkTarget(ctx: RuleContext<unknown>, at: (string | number)[], r: Obj, o: TriggerRuleOptions): void {
  const has = ['run', 'skills'].filter((k) => r[k] !== undefined);
  if (has.length !== 1) ctx.report(at, has.length === 0 ? 'starts nothing: give run: PIPELINE or skills: "a -> b"' : 'gives both run and skills; give one');
  const run = r['run'];
  if (typeof run === 'string' && o.pipelines && /^[a-z][a-z0-9_-]*$/.test(run) && !o.pipelines.includes(run)) {
    ctx.report([...at, 'run'], `no pipeline named ${JSON.stringify(run)}${suggestion(run, o.pipelines)}; available: ${o.pipelines.join(', ') || 'none'}`);
  }
  const chain = r['skills'];
  if (typeof chain === 'string' && o.skills) {
    for (const name of splitChain(chain)) {
      if (name === '') {
        ctx.report([...at, 'skills'], 'has an empty step; write skill names joined by "->", e.g. rust-development -> ci-cd-pipeline');
        continue;
      }
      const got = resolveSkill(name, o.skills);
      if ('error' in got) ctx.report([...at, 'skills'], got.error);
    }
  }
}

function checkRule(ctx: RuleContext<unknown>, r: Obj, i: number, o: TriggerRuleOptions): void {
  const at = ['rules', i];
  const sources = ['on', 'schedule', 'condition'].filter((k) => r[k] !== undefined);
  if (sources.length !== 1) ctx.report(at, sources.length === 0 ? 'fires on nothing: give on: EVENT, schedule: or condition:' : `gives ${sources.join(' and ')}: a rule fires on one of on, schedule, condition`);
  if (r['match'] !== undefined && r['on'] === undefined) ctx.report([...at, 'match'], 'match picks events by their fields; it needs on:');
  if (r['files'] !== undefined && r['on'] !== 'file.changed') ctx.report([...at, 'files'], 'files are watched for on: file.changed only');
  if (r['on'] === 'file.changed' && r['files'] === undefined) ctx.report([...at, 'on'], 'on: file.changed needs files: (globs such as "src/**/*.ts")');
  if (r['schedule'] !== undefined) checkSchedule(ctx, [...at, 'schedule'], r['schedule']);
  if (r['condition'] !== undefined) checkCondition(ctx, [...at, 'condition'], r['condition']);
  checkTarget(ctx, at, r, o);
  for (const [k, v] of Object.entries(isObj(r['vars']) ? r['vars'] : {})) {
    const p = typeof v === 'string' ? templateProblem(v) : null;
    if (p) ctx.report([...at, 'vars', k], p);
  }
  if (typeof r['dedupe'] === 'string') {
    const p = templateProblem(r['dedupe']);
    if (p) ctx.report([...at, 'dedupe'], p);
  }
}

export function triggerRules(o: TriggerRuleOptions = {}): Rule<unknown>[] {
  return [
    (ctx) => {
      const d = ctx.data;
      const rules = isObj(d) && Array.isArray(d['rules']) ? d['rules'] : [];
      const seen = new Map<string, number>();
      rules.forEach((r, i) => {
        if (!isObj(r)) return;
        checkRule(ctx, r, i, o);
        const name = r['name'];
        if (typeof name !== 'string') return;
        if (seen.has(name)) ctx.report(['rules', i, 'name'], `duplicate rule name ${JSON.stringify(name)}, also at line ${ctx.where(['rules', seen.get(name) as number, 'name']).split(':')[0]}`);
        else seen.set(name, i);
      });
      const enable = isObj(d) && Array.isArray(d['enable']) ? d['enable'] : [];
      enable.forEach((n, i) => {
        if (typeof n === 'string' && o.defaults && !o.defaults.includes(n)) ctx.report(['enable', i], `no default rule named ${JSON.stringify(n)}${suggestion(n, o.defaults)}; miyabi triggers lists them`);
      });
      const errors = isObj(d) && isObj(d['errors']) ? d['errors'] : {};
      const lists: [(string | number)[], unknown][] = [[['errors', 'patterns'], errors['patterns']], ...Object.entries(isObj(errors['profiles']) ? errors['profiles'] : {}).map(([k, v]): [(string | number)[], unknown] => [['errors', 'profiles', k], v])];
      for (const [at, list] of lists) {
        (Array.isArray(list) ? list : []).forEach((p, i) => {
          if (typeof p !== 'string') return;
          try {
            new RegExp(p);
          } catch (e) {
            ctx.report([...at, i], `not a regular expression: ${e instanceof Error ? e.message : String(e)}`);
          }
        });
      }
    },
  ];
}
