/**
 * The schema of `triggers.yaml`: rules that start a pipeline (or a skill chain) by themselves.
 *
 *   enable: [git-push, every-60s]          # turn on rules shipped with miyabi (triggers/defaults.yaml)
 *   rules:
 *     - name: build-on-push
 *       on: git.push                        # an event type; globs: git.*, agent.**
 *       match: { branch: main }             # payload fields (strings may be globs: "release/*")
 *       run: development-pipeline           # a pipeline, or:
 *       skills: rust-development -> ci-cd-pipeline -> docker-compose   # a chain, as an ad-hoc pipeline
 *       vars: { branch: "${event.branch}" }
 *       debounce: 500ms                     # wait for quiet; the last event of a burst fires
 *       cooldown: 30s                       # at most one firing per 30 s
 *       dedupe: "${event.id}"               # the default: one event id never starts two runs
 *       overlap: queue                      # while its last run still runs: queue | skip | cancel
 *     - name: nightly
 *       schedule: { cron: "0 9 * * *", tz: Asia/Tokyo, missed: once }   # or "every 60s", or every: 5m
 *     - name: hot
 *       condition: { probe: cpu, above: 80, clear: 70, for: 30s, every: 5s }
 *   errors: { patterns: ["panicked at"], profiles: { claude: ["API Error"] }, cooldown: 30s }   # agent output → error.detected
 *   webhook: { port: 8787, secret_env: MIYABI_WEBHOOK_SECRET }  # off unless given
 */
import { z } from 'zod';
import { ENV_NAME, nameSchema } from './layout-schema.js';
import { durationSchema } from './duration-schema.js';
import { CONCURRENCY } from './pipeline-schema.js';
import { strictObject } from './zod-issues.js';

export const PROBES = ['cpu', 'memory', 'load', 'disk', 'queue', 'agent-unresponsive', 'test-stage', 'command', 'metric'] as const;
export type ProbeName = (typeof PROBES)[number];
export const MISSED = ['skip', 'once', 'catch-up'] as const;

/** Why `glob` is not an event type pattern (dotted lowercase words, `*` one word, `**` any), or null. */
export function typeGlobProblem(glob: string): string | null {
  if (glob === '') return 'is empty';
  const words = glob.split('.');
  for (const w of words) {
    if (w === '') return `has an empty word (".." or a dot at an end); write dotted names such as git.push`;
    if (w === '*' || w === '**') continue;
    if (!/^[a-z*][a-z0-9_*-]*$/.test(w)) return `word ${JSON.stringify(w)} is not allowed; event types are lowercase words a-z 0-9 _ - joined by dots, with * for one word and ** for any`;
    if (w.includes('**')) return `"**" must be a whole word (git.**), not part of ${JSON.stringify(w)}`;
  }
  return null;
}

const typeGlob = z.string().superRefine((v, ctx) => {
  const p = typeGlobProblem(v);
  if (p) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} ${p}` });
});

const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const scheduleSchema = z.union([
  z.string().min(1),
  strictObject({
    cron: z.string().min(1).optional(),
    every: durationSchema.optional(),
    tz: z.string().min(1).optional(),
    missed: z.enum(MISSED).optional(),
    max: z.number().int().min(1).max(1000).optional(),
  }, { timezone: 'tz', interval: 'every' }),
]);

export const conditionSchema = strictObject({
  probe: z.enum(PROBES),
  above: z.number().optional(),
  below: z.number().optional(),
  /** Hysteresis: re-armed only once the value is back past this (default: the threshold itself). */
  clear: z.number().optional(),
  for: durationSchema.optional(),
  every: durationSchema.optional(),
  /** cpu: the span the usage is averaged over (default: `every`). */
  window: durationSchema.optional(),
  path: z.string().min(1).optional(),
  agent: nameSchema.optional(),
  pipeline: z.string().min(1).optional(),
  stage: z.string().min(1).optional(),
  command: z.string().min(1).optional(),
  metric: z.string().min(1).optional(),
  labels: z.record(z.string(), z.string()).optional(),
}, { gt: 'above', lt: 'below', threshold: 'above', interval: 'every', duration: 'for' });

export const ruleSchema = strictObject({
  name: nameSchema,
  description: z.string().optional(),
  enabled: z.boolean().optional(),
  on: typeGlob.optional(),
  match: z.record(z.string().min(1), scalar).optional(),
  files: z.array(z.string().min(1)).min(1).optional(),
  schedule: scheduleSchema.optional(),
  condition: conditionSchema.optional(),
  run: z.string().min(1).optional(),
  skills: z.string().min(1).optional(),
  vars: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'not a variable name; allowed: a letter or _, then letters, digits, _'), scalar.transform(String)).optional(),
  debounce: durationSchema.optional(),
  cooldown: durationSchema.optional(),
  dedupe: z.union([z.string().min(1), z.literal(false)]).optional(),
  overlap: z.enum(CONCURRENCY).optional(),
  /** What this rule's world needs that is not here (shown by `miyabi triggers`). */
  needs: z.string().optional(),
}, { event: 'on', type: 'on', where: 'match', cron: 'schedule', every: 'schedule', when: 'condition', pipeline: 'run', chain: 'skills', variables: 'vars', concurrency: 'overlap' });

export const triggersFileSchema = strictObject({
  enable: z.array(nameSchema).optional(),
  rules: z.array(ruleSchema).optional(),
  errors: strictObject({
    patterns: z.array(z.string().min(1)).optional(),
    /** More patterns for agents of one profile (claude, codex, shell). */
    profiles: z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/, 'a profile name such as claude, codex or shell'), z.array(z.string().min(1))).optional(),
    cooldown: durationSchema.optional(),
  }).optional(),
  webhook: strictObject({
    port: z.number().int().min(1).max(65535),
    secret_env: z.string().regex(ENV_NAME, 'expected a variable name such as MIYABI_WEBHOOK_SECRET').optional(),
  }).optional(),
}, { triggers: 'rules' });

export type TriggersFile = z.output<typeof triggersFileSchema>;
export type RuleFile = z.output<typeof ruleSchema>;

export interface ScheduleSpec {
  cron?: string;
  everyMs?: number;
  tz?: string;
  missed: (typeof MISSED)[number];
  max: number;
  text: string;
}

export interface ConditionSpec {
  probe: ProbeName;
  op: 'above' | 'below';
  threshold: number;
  clear: number;
  forMs: number;
  everyMs: number;
  windowMs: number;
  path?: string;
  agent?: string;
  pipeline?: string;
  stage?: string;
  command?: string;
  metric?: string;
  labels?: Record<string, string>;
  text: string;
}

export type RuleTarget = { kind: 'pipeline'; pipeline: string } | { kind: 'skills'; chain: string[]; text: string };

/** A rule after defaults and name resolution (skill aliases resolved, durations in ms). */
export interface TriggerRule {
  name: string;
  description?: string;
  enabled: boolean;
  /** Where it came from: the project's triggers.yaml or miyabi's defaults. */
  origin: 'project' | 'default';
  kind: 'event' | 'schedule' | 'condition';
  on?: string;
  match: Record<string, string | number | boolean>;
  files: string[];
  schedule?: ScheduleSpec;
  condition?: ConditionSpec;
  target: RuleTarget;
  vars: Record<string, string>;
  debounceMs: number;
  cooldownMs: number;
  /** A template; null: no dedupe. */
  dedupe: string | null;
  overlap: (typeof CONCURRENCY)[number];
  /** What is missing here for the rule to do real work (unset commands, no metrics …). */
  needs: string[];
}

export interface TriggerConfig {
  rules: TriggerRule[];
  errors: { patterns: string[]; profiles: Record<string, string[]>; cooldownMs: number };
  webhook: { port: number; secretEnv: string } | null;
  /** The files read, for messages. */
  files: string[];
}

export const DEFAULT_DEDUPE = '${event.id}';
export const DEFAULT_CONDITION_EVERY_MS = 5000;
export const DEFAULT_ERROR_COOLDOWN_MS = 30_000;
