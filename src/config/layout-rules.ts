/**
 * Cross-field checks of a layout file. They read the raw parsed data defensively (anything may be
 * the wrong type), so they run even when the schema failed and every problem is reported at once.
 */
import type { PathSegment } from './config-issue.js';
import { formatPath } from './config-issue.js';
import fs from 'node:fs';
import { isDirectory, resolveConfigPath } from './paths.js';
import type { Rule, RuleContext } from './rules.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

interface RawPane {
  pane: Obj;
  path: PathSegment[];
}

/** Every pane written as a mapping, with its path; shorthand panes have no name, role or cwd to check. */
function rawPanes(data: unknown): RawPane[] {
  const out: RawPane[] = [];
  const windows = isObj(data) ? data['windows'] : undefined;
  if (!Array.isArray(windows)) return out;
  windows.forEach((w, wi) => {
    const panes = isObj(w) ? w['panes'] : undefined;
    if (!Array.isArray(panes)) return;
    panes.forEach((pane, pi) => {
      if (isObj(pane)) out.push({ pane, path: ['windows', wi, 'panes', pi] });
    });
  });
  return out;
}

function at(ctx: RuleContext<unknown>, path: PathSegment[]): string {
  return `${formatPath(path)} (line ${ctx.where(path).replace(':', ', col ')})`;
}

/** Pane names are unique across the whole layout: they are agent names and bus addresses. */
const uniquePaneNames: Rule<unknown> = (ctx) => {
  const first = new Map<string, PathSegment[]>();
  for (const { pane, path } of rawPanes(ctx.data)) {
    const name = pane['name'];
    if (typeof name !== 'string') continue;
    const namePath = [...path, 'name'];
    // `count: N` makes N agents named <name>1 … <name>N.
    const count = pane['count'];
    const names = typeof count === 'number' && Number.isInteger(count) && count > 0 ? Array.from({ length: count }, (_, i) => `${name}${i + 1}`) : [name];
    for (const n of names) {
      if (names.length > 1 && n.length > 32) {
        ctx.report(namePath, `with count ${String(count)} the names grow to ${JSON.stringify(n)}, over 32 characters; shorten the name`);
        break;
      }
      const prev = first.get(n);
      if (prev === undefined) first.set(n, namePath);
      else ctx.report(namePath, `duplicate pane name ${JSON.stringify(n)}, also used at ${at(ctx, prev)}; pane names must be unique across the layout`);
    }
  }
};

/** Window names are unique in the session, so a person can tell them apart in the status line. */
const uniqueWindowNames: Rule<unknown> = (ctx) => {
  const windows = isObj(ctx.data) ? ctx.data['windows'] : undefined;
  if (!Array.isArray(windows)) return;
  const first = new Map<string, PathSegment[]>();
  windows.forEach((w, wi) => {
    const name = isObj(w) ? w['name'] : undefined;
    if (typeof name !== 'string') return;
    const path = ['windows', wi, 'name'];
    const prev = first.get(name);
    if (prev === undefined) first.set(name, path);
    else ctx.report(path, `duplicate window name ${JSON.stringify(name)}, also used at ${at(ctx, prev)}; window names must be unique`);
  });
};

/** One conductor and one dashboard at most: each is a single control surface for the session. */
function atMostOne(role: 'conductor' | 'dashboard'): Rule<unknown> {
  return (ctx) => {
    const found = rawPanes(ctx.data).filter(({ pane }) => pane['role'] === role);
    const firstPath = found[0]?.path;
    for (const { path } of found.slice(1)) {
      ctx.report([...path, 'role'], `a second ${role} pane; a layout has at most one (the first is ${at(ctx, [...(firstPath ?? []), 'role'])})`);
    }
  };
}

/** An agent's name is how messages reach it, so it is never invented. */
const agentsAreNamed: Rule<unknown> = (ctx) => {
  for (const { pane, path } of rawPanes(ctx.data)) {
    if (pane['role'] === 'agent' && pane['name'] === undefined) {
      ctx.report(path, 'an agent pane needs a name (e.g. "name: agent-1"); agents are addressed by name');
    }
  }
};

export interface PathRuleOptions {
  projectRoot: string;
  home: string;
}

function missingFolder(abs: string): string {
  return fs.existsSync(abs) ? `not a folder: ${abs}` : `folder does not exist: ${abs}`;
}

/** `root` and every pane `cwd` must be existing folders: tmux would silently start elsewhere. */
function foldersExist(opts: PathRuleOptions): Rule<unknown> {
  return (ctx) => {
    const rawRoot = isObj(ctx.data) ? ctx.data['root'] : undefined;
    let root = opts.projectRoot;
    if (typeof rawRoot === 'string' && rawRoot.trim() !== '' && !rawRoot.includes('\0')) {
      root = resolveConfigPath(opts.projectRoot, rawRoot, opts.home);
      if (!isDirectory(root)) {
        ctx.report(['root'], `${missingFolder(root)} (root is relative to the project root ${opts.projectRoot})`);
        return; // every relative cwd would fail too; one message is enough
      }
    }
    for (const { pane, path } of rawPanes(ctx.data)) {
      const cwd = pane['cwd'];
      if (typeof cwd !== 'string' || cwd.trim() === '' || cwd.includes('\0')) continue;
      const abs = resolveConfigPath(root, cwd, opts.home);
      if (!isDirectory(abs)) ctx.report([...path, 'cwd'], `${missingFolder(abs)} (cwd is relative to the layout root ${root})`);
    }
  };
}

export function layoutRules(opts: PathRuleOptions): Rule<unknown>[] {
  return [uniquePaneNames, uniqueWindowNames, atMostOne('conductor'), atMostOne('dashboard'), agentsAreNamed, foldersExist(opts)];
}
