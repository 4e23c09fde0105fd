import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import aider from '../agents/profiles/aider.json' with { type: 'json' };
import claude from '../agents/profiles/claude.json' with { type: 'json' };
import codex from '../agents/profiles/codex.json' with { type: 'json' };
import gemini from '../agents/profiles/gemini.json' with { type: 'json' };
import shell from '../agents/profiles/shell.json' with { type: 'json' };

/**
 * How a CLI names and resumes its conversation, as data in its profile (`recovery.conversation`):
 * `launch` args give it an id at start, `resume` args bring that id back, `transcript` says where
 * the CLI keeps it (resume only when it exists), `learn` is a file where the CLI tells the id it
 * chose, `learnOpenFile` a pattern (its `id` group) of a file the running CLI holds open that names
 * it (exact for agents sharing a HOME; tried first). `{id}`, `{home}` and `{cwdSlug}` are filled
 * in. A CLI with none restarts fresh.
 */
export interface ConversationData {
  launch?: string[];
  resume?: string[];
  transcript?: string;
  learn?: string;
  learnOpenFile?: string;
}

const PROFILES = [shell, claude, codex, aider, gemini] as { name: string; commands: string[]; recovery?: { conversation?: ConversationData; restart?: 'never' | 'always' } }[];

function profileOf(argv: readonly string[], profile?: string) {
  return PROFILES.find((x) => x.name === profile) ?? PROFILES.find((x) => x.commands.includes(basename(argv[0] ?? '')));
}

/** A profile may say `"recovery": { "restart": "never" }`: its agents are reported, never restarted. */
export function neverRestarts(argv: readonly string[], profile?: string): boolean {
  return profileOf(argv, profile)?.recovery?.restart === 'never';
}

/**
 * The profile named, else the one whose commands list argv[0]'s basename. Its conversation args
 * only when argv[0] is that CLI: a wrapper (`node fake.mjs`, a script) would take them as its own.
 */
export function conversationData(argv: readonly string[], profile?: string): { cli: string; data: ConversationData | null } {
  const p = profileOf(argv, profile);
  const runsIt = p?.commands.includes(basename(argv[0] ?? '')) ?? false;
  return { cli: p?.name ?? 'shell', data: runsIt ? (p?.recovery?.conversation ?? null) : null };
}

export interface Launch {
  argv: string[];
  mode: 'new' | 'resume' | 'fresh';
  sessionId: string | null;
  reason?: string;
}

const fill = (s: string, v: Record<string, string>) => s.replace(/\{(\w+)\}/g, (m, k: string) => v[k] ?? m);

/** Claude Code's folder name for a project: every character but letters and digits made `-`. */
export const cwdSlug = (cwd: string) => cwd.replace(/[^a-zA-Z0-9]/g, '-');

/**
 * The argv to start (or restart) an agent with: its own conversation, never a neighbour's.
 * `known` is the id kept in the journal. Arguments go right after the program (a subcommand
 * such as `codex resume <id>` must come first). A shell-string command is left as it is.
 */
export function launchArgv(argv: readonly string[], o: { data: ConversationData | null; known: string | null; restart: boolean; home: string; cwd: string; newId?: () => string }): Launch {
  const base = [...argv];
  const d = o.data;
  if (!d || (!d.launch && !d.resume)) return { argv: base, mode: 'fresh', sessionId: null, ...(o.restart ? { reason: 'this CLI can neither take nor resume a conversation id' } : {}) };
  if (base[0] === '/bin/sh' && base[1] === '-c') return { argv: base, mode: 'fresh', sessionId: o.known, reason: 'a shell-string command is run as written' };
  const at = (extra: string[], id: string) => [base[0] ?? '', ...extra.map((a) => fill(a, { id })), ...base.slice(1)];
  const id = o.known;
  if (id && o.restart && d.resume) {
    const transcript = d.transcript ? fill(d.transcript, { id, home: o.home, cwdSlug: cwdSlug(o.cwd) }) : null;
    if (!transcript || existsSync(transcript)) return { argv: at(d.resume, id), mode: 'resume', sessionId: id };
    if (d.launch) return { argv: at(d.launch, id), mode: 'new', sessionId: id, reason: `no transcript at ${transcript} yet: started again under the same id` };
  }
  if (d.launch) {
    const fresh = id ?? (o.newId ?? randomUUID)();
    return { argv: at(d.launch, fresh), mode: 'new', sessionId: fresh };
  }
  return { argv: base, mode: 'fresh', sessionId: null, ...(o.restart ? { reason: 'its conversation id was not learned yet' } : {}) };
}

/**
 * The id a CLI that chooses its own (Codex) tells in its `learn` file: the newest entry written
 * after the agent started that no other agent has claimed. Null until there is one.
 */
export function learnId(data: ConversationData | null, o: { home: string; since: number; claimed: ReadonlySet<string> }): string | null {
  if (!data?.learn) return null;
  const file = fill(data.learn, { home: o.home });
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  let best: { id: string; t: number } | null = null;
  for (const line of text.split('\n')) {
    let e: Record<string, unknown>;
    try {
      e = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    const id = [e.id, e.session_id, e.thread_id].find((x): x is string => typeof x === 'string');
    const when = [e.updated_at, e.created_at, e.timestamp].find((x) => x !== undefined);
    const t = typeof when === 'number' ? (when < 1e12 ? when * 1000 : when) : Date.parse(String(when));
    if (!id || o.claimed.has(id) || !(t >= o.since)) continue;
    if (!best || t > best.t) best = { id, t };
  }
  return best?.id ?? null;
}
