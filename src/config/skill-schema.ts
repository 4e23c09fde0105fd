/**
 * The schema of a skill file (`skills/*.yaml`): what each action a pipeline names does.
 *
 *   name: rust-development
 *   description: Check, build and test a Rust crate with cargo.
 *   aliases: [rust]                            # optional: other names a trigger's skill chain may use
 *   env: { CARGO_TERM_COLOR: never }          # optional, for every action
 *   actions:
 *     cargo check: cargo check                 # a string: see skill-command.ts (argv, or sh -c with shell syntax)
 *     cargo build: [cargo, build]              # a list: an argument array, never a shell
 *     verify-instance:                         # a command the user configures (an off-machine world):
 *       configured: MIYABI_AWS_VERIFY_CMD      #   `--var NAME=…` or the environment; unset → fails
 *       hint: a command that exits 0 when the instance runs   #   "not configured: set NAME to <hint>"
 *     generate-error-report: { builtin: generate-error-report }
 *     create-video-plan: { agent: "Write a video plan from the campaign" }   # a task for an agent
 *
 * An action mapping may also carry `env`, `timeout` and `description`.
 */
import { z } from 'zod';
import { ENV_NAME, envSchema, nameSchema } from './layout-schema.js';
import { durationSchema } from './duration-schema.js';
import { planCommand } from './skill-command.js';
import { strictObject } from './zod-issues.js';

/** The built-in actions (src/pipelines/builtins*.ts). The agent ones need an AgentPort. */
export const BUILTIN_ACTIONS = [
  'create-worktree', 'get-available-pane', 'assign-agent', 'notify-agent', 'start-in-pane', 'report-progress',
  'relay-messages', 'assess-damage', 'restore-agent',
  'aggregate-status', 'generate-error-report', 'generate-success-report', 'notify-conductor', 'summarize-content-created',
  'generate-daily-summary', 'generate-monthly-report',
] as const;
export type BuiltinName = (typeof BUILTIN_ACTIONS)[number];

const text = z.string().refine((s) => !s.includes('\0'), 'contains a NUL character, which no process can receive');
const nonBlank = text.refine((s) => s.trim() !== '', 'must not be empty');
const argv = z.array(text).min(1).superRefine((a, ctx) => {
  if ((a[0] ?? '').trim() === '') ctx.addIssue({ code: 'custom', path: [0], message: 'the program (first item) must not be empty' });
});

const KINDS = ['run', 'configured', 'builtin', 'agent'] as const;

export const actionObjectSchema = strictObject({
  run: z.union([nonBlank, argv]).optional(),
  configured: z.string().regex(ENV_NAME, 'expected a variable name such as MIYABI_DEPLOY_CMD').optional(),
  builtin: z.enum(BUILTIN_ACTIONS).optional(),
  agent: nonBlank.optional(),
  hint: z.string().optional(),
  description: z.string().optional(),
  env: envSchema.optional(),
  timeout: durationSchema.optional(),
}).superRefine((a, ctx) => {
  const kinds = KINDS.filter((k) => a[k] !== undefined);
  if (kinds.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      message: kinds.length === 0
        ? 'says nothing to do: give exactly one of run, configured, builtin, agent'
        : `gives ${kinds.join(' and ')}: give exactly one of run, configured, builtin, agent`,
    });
  }
});

export const actionSchema = z.union([nonBlank, argv, actionObjectSchema]);

export const skillFileSchema = strictObject({
  name: nameSchema,
  description: z.string().optional(),
  /** Shorter names a trigger's skill chain may use (the design document writes `docker-compose`). */
  aliases: z.array(nameSchema).optional(),
  env: envSchema.optional(),
  actions: z.record(z.string().min(1).max(200), actionSchema).refine((r) => Object.keys(r).length > 0, 'must define at least one action'),
});

export type SkillFile = z.output<typeof skillFileSchema>;

interface ActionCommon {
  /** The action as the pipeline names it. */
  name: string;
  env: Record<string, string>;
  timeoutMs?: number;
}

export type SkillAction = ActionCommon & (
  | { kind: 'shell'; argv: string[]; shell: boolean }
  | { kind: 'configured'; variable: string; hint: string }
  | { kind: 'builtin'; builtin: BuiltinName }
  | { kind: 'agent'; task: string }
);

export interface Skill {
  name: string;
  description?: string;
  aliases?: string[];
  source: string;
  actions: Map<string, SkillAction>;
}

export type SkillRegistry = Map<string, Skill>;

/** A parsed skill file → the registry entry (string commands planned once, here). */
export function normalizeSkill(f: SkillFile, source: string): Skill {
  const actions = new Map<string, SkillAction>();
  for (const [name, a] of Object.entries(f.actions)) {
    const baseEnv = { ...(f.env ?? {}) };
    if (typeof a === 'string') actions.set(name, { name, env: baseEnv, kind: 'shell', ...planCommand(a) });
    else if (Array.isArray(a)) actions.set(name, { name, env: baseEnv, kind: 'shell', argv: a, shell: false });
    else {
      const common: ActionCommon = { name, env: { ...baseEnv, ...(a.env ?? {}) }, ...(a.timeout !== undefined ? { timeoutMs: a.timeout } : {}) };
      if (a.run !== undefined) actions.set(name, { ...common, kind: 'shell', ...(typeof a.run === 'string' ? planCommand(a.run) : { argv: a.run, shell: false }) });
      else if (a.configured !== undefined) actions.set(name, { ...common, kind: 'configured', variable: a.configured, hint: a.hint ?? `the command that does "${name}"` });
      else if (a.builtin !== undefined) actions.set(name, { ...common, kind: 'builtin', builtin: a.builtin });
      else if (a.agent !== undefined) actions.set(name, { ...common, kind: 'agent', task: a.agent });
    }
  }
  return { name: f.name, ...(f.description !== undefined ? { description: f.description } : {}), aliases: f.aliases ?? [], source, actions };
}
