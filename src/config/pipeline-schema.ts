/**
 * The schema of a pipeline file (`pipelines/*.yaml`). It accepts the design document's three
 * pipelines exactly as written there:
 *
 *   name: development-pipeline
 *   trigger: git-push | pr-create | issue-assign     # alternatives, mapped to event types by triggers
 *   stages:
 *     - name: build
 *       skill: rust-development                      # a skills/*.yaml name
 *       actions: [cargo check, cargo build]          # action names the skill defines
 *       on_success: lint                             # edges: a stage name, or the built-in `rollback`
 *       on_failure: error-report
 *       condition: branch == main                    # see pipeline-condition.ts
 *       input: [worktree_path, pane_id]              # outputs of earlier stages
 *       output: worktree_path                        # what this stage's result is called
 *       parallel: true                               # the stage's actions run at once
 *       continuous: true                             # runs beside the rest until the run ends
 *
 * plus our additions, at the top (defaults for every stage) or per stage: `retries` (extra tries after
 * the first; default 2, so three tries as the document asks), `backoff` (wait before the first retry,
 * doubled each time), `timeout` (per try; the stage's whole process group is killed), `env`, `cwd`;
 * per stage `interval` (pause between rounds of a continuous stage); top only `concurrency` (what a
 * second run of the same pipeline does while one is running: queue, skip or cancel the first).
 * Durations are seconds as a number, or text with a unit: 500ms, 30s, 5m, 1h.
 */
import { z } from 'zod';
import { envSchema, nameSchema } from './layout-schema.js';
import { durationSchema } from './duration-schema.js';
import { strictObject } from './zod-issues.js';

export const EVENT_NAME = /^[a-z][a-z0-9_-]*$/;
export const VALUE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const CONCURRENCY = ['queue', 'skip', 'cancel'] as const;
export const DEFAULT_RETRIES = 2;
export const DEFAULT_BACKOFF_MS = 500;
export const DEFAULT_INTERVAL_MS = 5000;

/** `a | b | c` → ["a", "b", "c"]; each alternative an event name. */
export const triggerSchema = z.string().transform((v, ctx) => {
  const alts = v.split('|').map((s) => s.trim());
  const bad = alts.find((a) => !EVENT_NAME.test(a));
  if (bad !== undefined) {
    ctx.addIssue({
      code: 'custom',
      message: bad === ''
        ? 'has an empty alternative; write event names separated by "|", e.g. git-push | pr-create'
        : `${JSON.stringify(bad)} is not an event name; allowed: a lowercase letter, then a-z 0-9 _ -`,
    });
    return z.NEVER;
  }
  return alts;
});

const valueName = z.string().regex(VALUE_NAME, 'not a valid value name; allowed: a letter or _, then letters, digits, _ (e.g. worktree_path)');
/** `input:`/`output:` take one name or a list of names. */
export const namesSchema = z.union([valueName.transform((s) => [s]), z.array(valueName)]);

const actionName = z.string().min(1).max(200);
const target = z.string().min(1);
const retries = z.number().int().min(0).max(20);
const nonBlank = z.string().refine((s) => s.trim() !== '' && !s.includes('\0'), 'must not be empty (and no NUL character)');

export const stageSchema = strictObject(
  {
    name: nameSchema,
    skill: nameSchema,
    actions: z.array(actionName).min(1),
    on_success: target.optional(),
    on_failure: target.optional(),
    condition: z.string().optional(),
    input: namesSchema.optional(),
    output: namesSchema.optional(),
    parallel: z.boolean().optional(),
    continuous: z.boolean().optional(),
    retries: retries.optional(),
    backoff: durationSchema.optional(),
    timeout: durationSchema.optional(),
    interval: durationSchema.optional(),
    env: envSchema.optional(),
    cwd: nonBlank.optional(),
  },
  { onSuccess: 'on_success', onFailure: 'on_failure', success: 'on_success', failure: 'on_failure', if: 'condition', when: 'condition', steps: 'actions', run: 'actions', retry: 'retries', inputs: 'input', outputs: 'output' },
);

export const pipelineFileSchema = strictObject(
  {
    name: nameSchema,
    description: z.string().optional(),
    trigger: triggerSchema.optional(),
    stages: z.array(stageSchema).min(1),
    retries: retries.optional(),
    backoff: durationSchema.optional(),
    timeout: durationSchema.optional(),
    env: envSchema.optional(),
    cwd: nonBlank.optional(),
    concurrency: z.enum(CONCURRENCY).optional(),
  },
  { triggers: 'trigger', on: 'trigger', jobs: 'stages', steps: 'stages', retry: 'retries' },
);

export type PipelineFile = z.output<typeof pipelineFileSchema>;
export type StageFile = z.output<typeof stageSchema>;

/** A stage after defaults: durations in ms, lists always lists. */
export interface Stage {
  name: string;
  skill: string;
  actions: string[];
  onSuccess?: string;
  onFailure?: string;
  condition?: string;
  input: string[];
  output: string[];
  parallel: boolean;
  continuous: boolean;
  retries: number;
  backoffMs: number;
  timeoutMs?: number;
  intervalMs: number;
  env: Record<string, string>;
  cwd?: string;
}

export interface Pipeline {
  name: string;
  description?: string;
  triggers: string[];
  stages: Stage[];
  concurrency: (typeof CONCURRENCY)[number];
  /** Absolute path of the file it came from, and a hash of its text (a resumed run checks it). */
  source: string;
  hash: string;
}

/** The built-in stage an edge may name without defining it (runs the user's configured rollback). */
export const BUILTIN_STAGES = ['rollback'] as const;
