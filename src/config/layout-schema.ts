/**
 * The schema of a layout file (`layouts/*.yaml`), close to tmuxinator/tmuxp:
 *
 *   session: dev                 # optional; default: the project folder's name, sanitized
 *   root: ~/src/app              # optional; relative to the PROJECT ROOT (not this file's folder,
 *                                #   so a layout shipped with miyabi works in any project); ~ expands
 *   env: { LOG_LEVEL: debug }    # optional; names like C identifiers, values are text
 *   windows:
 *     - name: main
 *       layout: tiled            # one of WINDOW_ARRANGEMENTS; default tiled
 *       panes:
 *         - role: conductor      # conductor | dashboard | agent | shell; default shell
 *         - role: agent
 *           name: agent-1        # required for agents; unique across the layout
 *           command: claude      # a string runs via /bin/sh -c; a list is argv (no shell)
 *           cwd: packages/api    # relative to root
 *           env: { PORT: "3001" }
 *         - npm run dev          # shorthand: a shell pane running this command
 *         -                      # an empty entry: a shell pane with the user's shell
 *
 * Values are strict: `PORT: 3001` is an error (quote it), not silently turned into text. The role
 * is never guessed from other keys: a pane with a name but no role is a named shell pane.
 */
import { z } from 'zod';
import { NAME_PATTERN_TEXT, nameProblem } from '../core/names.js';
import { safeText } from './config-issue.js';
import { WINDOW_ARRANGEMENTS } from './layout-types.js';
import { recoverySchema } from './recovery-schema.js';
import { strictObject } from './zod-issues.js';

export const PANE_ROLES = ['conductor', 'dashboard', 'agent', 'shell'] as const;

/** Why `v` cannot be a name (with the allowed pattern), or null. */
export function nameMessage(v: unknown): string | null {
  const p = nameProblem(v);
  if (p === null) return null;
  return safeText(p.includes('allowed:') ? p : `${p}; allowed: ${NAME_PATTERN_TEXT}`);
}

/** A session, window or pane name: it will reach tmux, so NAME_PATTERN or nothing (RELIABILITY.md B8). */
export const nameSchema = z.string().superRefine((v, ctx) => {
  const message = nameMessage(v);
  if (message !== null) ctx.addIssue({ code: 'custom', message });
});

/** Text that will reach a process (argv, env, paths): a NUL byte cannot. */
const text = z.string().refine((s) => !s.includes('\0'), 'contains a NUL character, which no process can receive');

const nonBlank = text.refine((s) => s.trim() !== '', 'must not be empty');

export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const envSchema = z.record(
  z.string().regex(ENV_NAME, 'not a valid environment variable name; allowed: a letter or _, then letters, digits, _'),
  z.string({ error: (iss) => (iss.code === 'invalid_type' ? 'environment values are text: quote numbers and booleans ("1", "true")' : undefined) })
    .refine((s) => !s.includes('\0'), 'contains a NUL character, which no process can receive'),
);

/** A string (run by /bin/sh -c) or a non-empty argv list whose program is not blank. */
export const commandSchema = z.union([
  nonBlank,
  z.array(text).min(1).superRefine((argv, ctx) => {
    if (argv.length > 0 && (argv[0] ?? '').trim() === '') ctx.addIssue({ code: 'custom', path: [0], message: 'the program (first item) must not be empty' });
  }),
]);

export const PROFILE_NAMES = ['shell', 'claude', 'codex', 'aider', 'gemini'] as const;

/** A tmux key name for the submit key: letters, digits and `-` only (`Enter`, `C-m`, `M-Enter`). */
const keyName = z.string().regex(/^[A-Za-z0-9-]{1,16}$/, 'expected a tmux key name such as Enter or C-m');

function validRegex(v: string): boolean {
  try {
    new RegExp(v);
    return true;
  } catch {
    return false;
  }
}

/** How messages reach this pane (the message bus); every key is optional. */
export const messagesSchema = strictObject({
  header: z.union([z.literal(false), z.string().max(200)]).optional(),
  delivery: z.enum(['full', 'notice']).optional(),
  batch: z.boolean().optional(),
  submit_key: keyName.optional(),
  submit_delay_ms: z.number().int().min(0).max(10_000).optional(),
  settle_ms: z.number().int().min(0).max(60_000).optional(),
  ready_grace_ms: z.number().int().min(0).max(3_600_000).optional(),
  read_limit_ms: z.number().int().min(1).max(3_600_000).optional(),
  relay: z.union([z.literal(false), z.string().refine(validRegex, 'is not a valid regular expression')]).optional(),
  inbox_cap: z.number().int().min(1).max(1_000_000).optional(),
});

// The aliases are the keys tmuxp and tmuxinator users will type; they only feed "did you mean".
export const paneObjectSchema = strictObject(
  {
    role: z.enum(PANE_ROLES).optional(),
    name: nameSchema.optional(),
    command: commandSchema.optional(),
    cwd: nonBlank.optional(),
    env: envSchema.optional(),
    profile: z.enum(PROFILE_NAMES).optional(),
    messages: messagesSchema.optional(),
    worktree: z.boolean().optional(),
    hooks: z.boolean().optional(),
    count: z.number().int().min(1).max(64).optional(),
    states: z.string().regex(/\.(json|ya?ml)$/, 'expected a state profile file (.json or .yaml)').optional(),
    base: nonBlank.optional(),
    branch: z.string().regex(/^[A-Za-z0-9<>/_.-]{1,200}$/, 'expected a branch template such as miyabi/<agent>/<task>').optional(),
  },
  { shell_command: 'command', cmd: 'command', start_directory: 'cwd', root: 'cwd', environment: 'env' },
);

/** A pane: a mapping, a bare command string (shell pane), or an empty entry (shell pane, default command). */
export const paneSchema = z.union([nonBlank, z.null(), paneObjectSchema]);

export const windowSchema = strictObject(
  {
    name: nameSchema,
    layout: z.enum(WINDOW_ARRANGEMENTS).default('tiled'),
    panes: z.array(paneSchema).min(1),
  },
  { window_name: 'name' },
);

/** How agents' git worktrees are made in this project (`worktrees:` at the top of a layout). */
export const worktreesSchema = strictObject({
  root: nonBlank.optional(),
  copy: z.array(nonBlank).optional(),
  setup: commandSchema.optional(),
  teardown: commandSchema.optional(),
  ports: z.string().regex(/^\d{2,5}-\d{2,5}$/, 'expected a port range such as 4100-4199').optional(),
  pool: z.number().int().min(0).max(64).optional(),
});

export const layoutFileSchema = strictObject(
  {
    session: nameSchema.optional(),
    root: nonBlank.optional(),
    env: envSchema.optional(),
    worktrees: worktreesSchema.optional(),
    recovery: recoverySchema.optional(),
    windows: z.array(windowSchema).min(1),
  },
  { session_name: 'session', name: 'session', start_directory: 'root', environment: 'env' },
);

export type LayoutFile = z.output<typeof layoutFileSchema>;
export type LayoutFileInput = z.input<typeof layoutFileSchema>;
export type PaneEntry = z.output<typeof paneSchema>;
export type PaneObject = z.output<typeof paneObjectSchema>;
