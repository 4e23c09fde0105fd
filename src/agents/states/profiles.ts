/**
 * One profile per agent CLI, as data (src/agents/profiles/*.json): how to read its screen (state
 * patterns, compiled here with the flags `mu`, plus any given as `{ "re": …, "flags": "i" }`) and
 * how to type into it (`delivery`: the settings src/delivery/ takes, handed to it by the
 * controller). A changed CLI screen means a changed data file. A user's own state profile
 * (`states: file.yaml` in a layout) has the same shape without `delivery`.
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import aider from '../profiles/aider.json' with { type: 'json' };
import claude from '../profiles/claude.json' with { type: 'json' };
import codex from '../profiles/codex.json' with { type: 'json' };
import gemini from '../profiles/gemini.json' with { type: 'json' };
import shell from '../profiles/shell.json' with { type: 'json' };
import { lazily } from '../../core/lazy.js';
import type { CompiledPattern, StateProfile } from './types.js';

// Built on first use (issue #17): the controller's start-up needs them only for a layout's own profile file.
const schemas = lazily({
  profile: () => {
    const pattern = z.union([
      z.string().min(1),
      z.strictObject({ re: z.string().min(1), flags: z.string().regex(/^[gimsuyd]*$/).optional() }),
    ]);
    const patterns = z.array(pattern).default([]);

    return z.strictObject({
      $comment: z.string().optional(),
      name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/),
      commands: z.array(z.string().min(1)).default([]),
      scanLines: z.number().int().min(1).max(500).default(20),
      otherwise: z.enum(['unrecognized', 'busy']).default('unrecognized'),
      timings: z.strictObject({
        startupGraceMs: z.number().int().min(0).default(30_000),
        idleAfterMs: z.number().int().min(0).default(3_000),
        unresponsiveAfterMs: z.number().int().min(1).default(300_000),
        hookHoldMs: z.number().int().min(0).default(3_000),
      }),
      patterns: z.strictObject({
        ready: patterns,
        busy: patterns,
        waiting: patterns,
        rateLimited: patterns,
      }),
    });
  },
  delivery: () =>
    z.strictObject({
      $comment: z.string().optional(),
      submitKey: z.string().min(1),
      submitDelayMs: z.number().int().min(0),
      settleMs: z.number().int().min(0),
      // null: never type before the program shows its prompt (a shell: what is typed early is echoed
      // by the tty long before the shell reads it, and lost if it is killed meanwhile).
      readyGraceMs: z.number().int().min(0).nullable().transform((v) => v ?? Number.POSITIVE_INFINITY),
      inputLine: z.string().min(1).optional(),
      queued: z.string().min(1).optional(),
      inputArea: z.enum(['cursor', 'screen']).default('cursor'),
      busy: z.string().min(1).optional(),
      readLimitMs: z.number().int().min(1).default(30_000),
      commandStart: z.string().min(1).optional(),
      header: z.boolean(),
      confirmTimeoutMs: z.number().int().min(1),
      maxAttempts: z.number().int().min(1),
    }),
});
export type ProfileFile = z.input<typeof schemas.profile>;

function compile(p: string | { re: string; flags?: string | undefined }, where: string): CompiledPattern {
  const source = typeof p === 'string' ? p : p.re;
  const extra = typeof p === 'string' ? '' : (p.flags ?? '');
  const flags = [...new Set(`mu${extra}`.replace(/g/g, ''))].join('');
  try {
    return { source, re: new RegExp(source, flags) };
  } catch (err) {
    throw new Error(`${where}: bad pattern ${JSON.stringify(source)}: ${(err as Error).message}`);
  }
}

/** Validates and compiles a profile's data; `origin` names it in errors (a file path). */
export function parseProfile(data: unknown, origin: string): StateProfile {
  const r = schemas.profile.safeParse(data);
  if (!r.success) {
    const why = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`${origin}: not a state profile: ${why}`);
  }
  const f = r.data;
  const group = (key: keyof typeof f.patterns): CompiledPattern[] =>
    f.patterns[key].map((p, i) => compile(p, `${origin}: patterns.${key}[${i}]`));
  return {
    name: f.name,
    commands: f.commands,
    scanLines: f.scanLines,
    otherwise: f.otherwise,
    timings: f.timings,
    patterns: { ready: group('ready'), busy: group('busy'), waiting: group('waiting'), rateLimited: group('rateLimited') },
  };
}

/** Reads a profile file: `.yaml`/`.yml` or `.json`. */
export function loadProfileFile(path: string): StateProfile {
  const text = readFileSync(path, 'utf8');
  const ext = extname(path).toLowerCase();
  let data: unknown;
  try {
    data = ext === '.yaml' || ext === '.yml' ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message}`);
  }
  return parseProfile(data, path);
}


type Regexes = 'inputLine' | 'queued' | 'commandStart' | 'busy';

/** How to type into a CLI: src/delivery's DeliveryProfile, which the controller hands it. */
export type DeliverySettings = Omit<z.output<typeof schemas.delivery>, Regexes | '$comment'> & { name: string; guessed?: boolean } & { [K in Regexes]?: RegExp };

function parseDelivery(name: string, data: unknown, origin: string): DeliverySettings {
  const r = schemas.delivery.safeParse(data);
  if (!r.success) throw new Error(`${origin}: delivery: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  const { $comment: _, inputLine, queued, commandStart, busy, ...rest } = r.data;
  // No flags: these match one line of a plain capture.
  const re = (k: Regexes, src: string | undefined) => (src === undefined ? {} : { [k]: new RegExp(src) });
  return { name, ...rest, ...re('inputLine', inputLine), ...re('queued', queued), ...re('commandStart', commandStart), ...re('busy', busy) };
}

const BUILTIN_DATA = [shell, claude, codex, aider, gemini] as Record<string, unknown>[];
let builtins: { states: StateProfile; delivery: DeliverySettings }[] | undefined;
/** The built-in profiles, parsed at the first use of any (not when the module loads). */
function builtin(i: number): { states: StateProfile; delivery: DeliverySettings } {
  builtins ??= BUILTIN_DATA.map((d) => {
    // `recovery` (how the CLI takes, tells and resumes its conversation) is src/recovery's to read.
    const { delivery, recovery: _r, ...states } = d;
    const origin = `built-in profile ${String(states.name)}`;
    const p = parseProfile(states, origin);
    return { states: p, delivery: parseDelivery(p.name, delivery, origin) };
  });
  return builtins[i]!;
}
const byName = <T>(pick: (b: { states: StateProfile; delivery: DeliverySettings }) => T): Readonly<Record<string, T>> =>
  Object.freeze(lazily(Object.fromEntries(BUILTIN_DATA.map((d, i) => [String(d.name), () => pick(builtin(i))]))) as Record<string, T>);

/** The built-in state profiles, by name. */
export const BUILTIN_PROFILES: Readonly<Record<string, StateProfile>> = byName((b) => b.states);

/** The built-in delivery settings, by profile name. */
export const BUILTIN_DELIVERY: Readonly<Record<string, DeliverySettings>> = byName((b) => b.delivery);

/**
 * The delivery settings a pane's command most likely needs: the profile named, else the one whose
 * `commands` lists the program (of `/bin/sh -c "claude --foo"`, the first word of the shell
 * text), else a plain shell's.
 */
export function deliveryFor(argv: readonly string[], explicit?: string): DeliverySettings {
  if (explicit && BUILTIN_DELIVERY[explicit]) return BUILTIN_DELIVERY[explicit];
  const words = argv[0] === '/bin/sh' && argv[1] === '-c' ? (argv[2] ?? '').trim().split(/\s+/) : argv;
  const p = profileForCommand(words[0] ?? '');
  const d = BUILTIN_DELIVERY[p.name] as DeliverySettings;
  // No profile lists this program: a shell's settings, marked as a guess (delivery treats a
  // guessed program on the alternate screen as an unknown full-screen one).
  return p.commands.includes(basename(words[0] ?? '')) ? d : { ...d, guessed: true };
}

/**
 * The profile for an agent's command: the one whose `commands` lists the command's basename
 * (`/usr/local/bin/claude --resume` → claude), else `shell`. `extra` profiles (a user's) win.
 */
export function profileForCommand(command: string, extra: readonly StateProfile[] = []): StateProfile {
  const word = command.trim().split(/\s+/)[0] ?? '';
  const name = basename(word);
  const all = [...extra, ...Object.values(BUILTIN_PROFILES)];
  const found = all.find((p) => p.commands.includes(name));
  return found ?? (BUILTIN_PROFILES.shell as StateProfile);
}
