/**
 * A tmuxinator project file (`~/.tmuxinator/x.yml`) or a tmuxp file, read as a miyabi layout, so
 * `up --layout ~/.tmuxinator/x.yml` starts from what a person already has. The file is read as it
 * is each time (not imported once): it stays theirs to edit.
 *
 * What maps: the session name, root, windows, their layouts and panes, each pane's commands and
 * folder, the commands run before each pane (tmuxinator `pre_window`, tmuxp `shell_command_before`)
 * and environment. A pane whose program is an agent CLI (claude, codex, aider, gemini) becomes an
 * agent; every other pane is a shell pane that runs its commands and then stays a shell, as in
 * tmux. A last window `miyabi` holds the conductor and the dashboard. What does not map (project hooks, tmux options, a custom layout string…) is a warning at
 * its file:line; a wrong shape is an error there.
 */
import { formatPath, type ConfigIssue, type PathSegment } from './config-issue.js';
import { WINDOW_ARRANGEMENTS } from './layout-types.js';
import { issueAt, type YamlSource } from './yaml-source.js';
import { NAME_PATTERN, sanitizeName } from '../core/names.js';

export type ForeignKind = 'tmuxinator' | 'tmuxp';

type Map_ = Record<string, unknown>;
const isMap = (v: unknown): v is Map_ => typeof v === 'object' && v !== null && !Array.isArray(v);

const TMUXINATOR_ONLY = ['project_name', 'project_root', 'tabs', 'pre', 'pre_window', 'pre_tab', 'on_project_start', 'on_project_first_start', 'on_project_restart', 'on_project_exit', 'on_project_stop', 'post', 'tmux_options', 'tmux_command', 'socket_name', 'startup_window', 'startup_pane', 'attach'];

/** Which foreign format `data` is, or null for a miyabi layout (which keeps its own errors). */
export function foreignKind(data: unknown): ForeignKind | null {
  if (!isMap(data)) return null;
  const windows = data['windows'] ?? data['tabs'];
  const list = Array.isArray(windows) ? windows : [];
  if ('session_name' in data || list.some((w) => isMap(w) && 'window_name' in w)) return 'tmuxp';
  if (TMUXINATOR_ONLY.some((k) => k in data)) return 'tmuxinator';
  // tmuxinator's windows are one-key maps (`- editor: vim`); a miyabi window has `name` and `panes`.
  if (list.length > 0 && list.every((w) => isMap(w) && Object.keys(w).length === 1 && !('name' in w) && !('panes' in w))) return 'tmuxinator';
  return null;
}

/** The agent CLIs miyabi knows: a pane running one is an agent. */
const AGENT_PROGRAMS = new Set(['claude', 'codex', 'aider', 'gemini']);

export function programOfLine(line: string): string {
  const words = line.trim().split(/\s+/);
  let i = 0;
  while (i < words.length && (words[i] === 'exec' || words[i] === 'env' || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i] as string))) i++;
  return (words[i] ?? '').split('/').pop() ?? '';
}

export interface Converted {
  kind: ForeignKind;
  /** A miyabi layout file's data. */
  data: Map_;
  /** What was not mapped (warnings) and shapes that cannot be read (errors), located in the file. */
  notes: ConfigIssue[];
  /** Where a converted field came from: an issue found in `data` is shown at that place in the file. */
  locate(issue: ConfigIssue): ConfigIssue;
}

interface Ctx {
  source: YamlSource;
  notes: ConfigIssue[];
  origin: Map<string, PathSegment[]>;
  /** Names taken, per kind: windows apart from panes (a window and its agent may share a name). */
  names: Map<string, Set<string>>;
}

const warn = (c: Ctx, at: PathSegment[], msg: string) => c.notes.push(issueAt(c.source, at, msg, { at: 'key', severity: 'warning' }));
const fail = (c: Ctx, at: PathSegment[], msg: string) => c.notes.push(issueAt(c.source, at, msg));

/** Commands as a list: a string, a list of strings, tmuxp's `{cmd: …}` items; null for none. */
function commands(c: Ctx, v: unknown, at: PathSegment[]): string[] {
  if (v === null || v === undefined) return [];
  if (typeof v === 'string') return v.trim() ? [v] : [];
  if (Array.isArray(v)) {
    return v.flatMap((x, i) => {
      if (isMap(x) && typeof x['cmd'] === 'string') return [x['cmd']];
      if (typeof x === 'string') return x.trim() ? [x] : [];
      if (x === null) return [];
      fail(c, [...at, i], 'expected a command (text)');
      return [];
    });
  }
  fail(c, at, 'expected a command or a list of commands');
  return [];
}

/** A valid, unused name from what the file calls it (warned when changed). */
function nameFrom(c: Ctx, raw: string, at: PathSegment[], what: string): string {
  const space = what === 'window' || what === 'session' ? what : 'pane';
  const taken = c.names.get(space) ?? new Set<string>();
  c.names.set(space, taken);
  let name = NAME_PATTERN.test(raw) ? raw : sanitizeName(raw, what);
  for (let n = 2; taken.has(name); n++) name = `${sanitizeName(raw, what).slice(0, 28)}-${n}`;
  if (name !== raw) warn(c, at, `${what} ${JSON.stringify(raw)} is named ${JSON.stringify(name)} here (miyabi names are lowercase a-z 0-9 _ -, and unique)`);
  taken.add(name);
  return name;
}

interface PaneIn { cmds: string[]; cwd?: string; cwdAt?: PathSegment[]; env?: unknown; name?: string; at: PathSegment[] }

/** One miyabi pane: an agent when its program is an agent CLI, else a shell pane that stays a shell. */
function pane(c: Ctx, p: PaneIn, before: string[], window: string, to: PathSegment[]): Map_ {
  c.origin.set(formatPath(to), p.at);
  const all = [...before, ...p.cmds];
  const out: Map_ = {};
  const agentAt = p.cmds.findIndex((l) => AGENT_PROGRAMS.has(programOfLine(l)));
  if (agentAt >= 0) {
    out['role'] = 'agent';
    out['name'] = nameFrom(c, p.name ?? window, p.at, 'agent');
    // What follows the agent's command would be typed into the agent: it is not run.
    if (agentAt < p.cmds.length - 1) warn(c, p.at, `commands after ${programOfLine(p.cmds[agentAt] as string)} are not run (they would be typed into the agent): ${p.cmds.slice(agentAt + 1).join('; ')}`);
    out['profile'] = programOfLine(p.cmds[agentAt] as string);
    const upTo = [...before, ...p.cmds.slice(0, agentAt)];
    // Alone, the command is as written (so `up` can check its program is installed).
    out['command'] = upTo.length ? [...upTo, `exec ${p.cmds[agentAt] as string}`].join('\n') : (p.cmds[agentAt] as string);
  } else {
    out['role'] = 'shell';
    if (p.name !== undefined) out['name'] = nameFrom(c, p.name, p.at, 'pane');
    // As in tmux, where the commands are typed into a shell: the pane stays a shell after them.
    if (all.length) out['command'] = [...all, 'exec "${SHELL:-/bin/sh}"'].join('\n');
  }
  if (p.cwd !== undefined) {
    out['cwd'] = p.cwd;
    if (p.cwdAt) c.origin.set(formatPath([...to, 'cwd']), p.cwdAt);
  }
  if (p.env !== undefined) out['env'] = p.env;
  return out;
}

function arrangement(c: Ctx, v: unknown, at: PathSegment[]): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string' && (WINDOW_ARRANGEMENTS as readonly string[]).includes(v)) return v;
  warn(c, at, `layout ${JSON.stringify(v)} is not mapped (miyabi arranges panes as one of ${WINDOW_ARRANGEMENTS.join(', ')}): tiled is used`);
  return 'tiled';
}

function ignoreKeys(c: Ctx, m: Map_, at: PathSegment[], known: readonly string[], why: Record<string, string>): void {
  for (const k of Object.keys(m)) {
    if (known.includes(k)) continue;
    warn(c, [...at, k], `${k} is not mapped${why[k] ? `: ${why[k]}` : ''}`);
  }
}

const HOOK = 'miyabi runs no project hooks; run it yourself before `miyabi up`';
const OPTS = 'miyabi keeps its own tmux server and options';
const FIRST = 'miyabi shows the first window, its first pane selected';
const ATTACH = '`miyabi up` attaches unless given --detach';
const SLEEP = 'the commands run one after another without pauses';

function tmuxinator(c: Ctx, d: Map_): Map_ {
  const out: Map_ = {};
  const name = d['name'] ?? d['project_name'];
  if (typeof name === 'string') out['session'] = nameFrom(c, name, ['name' in d ? 'name' : 'project_name'], 'session');
  const root = d['root'] ?? d['project_root'];
  if (typeof root === 'string') (out['root'] = root, c.origin.set('root', ['root' in d ? 'root' : 'project_root']));
  ignoreKeys(c, d, [], ['name', 'project_name', 'root', 'project_root', 'windows', 'tabs', 'pre_window', 'pre_tab'], {
    startup_window: FIRST, startup_pane: FIRST, attach: ATTACH, pre: HOOK, on_project_start: HOOK, on_project_first_start: HOOK, on_project_restart: HOOK, on_project_exit: HOOK, on_project_stop: HOOK, post: HOOK,
    tmux_options: OPTS, tmux_command: OPTS, socket_name: OPTS,
  });
  const preKey = 'pre_window' in d ? 'pre_window' : 'pre_tab';
  const pre = commands(c, d[preKey], [preKey]);
  const wKey = 'windows' in d ? 'windows' : 'tabs';
  const windows = d[wKey];
  if (!Array.isArray(windows)) {
    fail(c, [wKey], 'expected a list of windows (`- editor: vim`)');
    return out;
  }
  out['windows'] = windows.map((w, wi) => {
    const at: PathSegment[] = [wKey, wi];
    c.origin.set(formatPath(['windows', wi]), at);
    const [key, body] = isMap(w) ? (Object.entries(w)[0] ?? ['', null]) : ['', null];
    if (!isMap(w) || Object.keys(w).length !== 1) fail(c, at, 'expected a window as `- name: command` or `- name: { panes: […] }`');
    const win: Map_ = { name: nameFrom(c, String(key), [...at, key], 'window') };
    const wat: PathSegment[] = [...at, key];
    const to = (pi: number): PathSegment[] => ['windows', wi, 'panes', pi];
    if (!isMap(body)) {
      win['panes'] = [pane(c, { cmds: commands(c, body, wat), at: wat }, pre, win['name'] as string, to(0))];
      return win;
    }
    ignoreKeys(c, body, wat, ['root', 'layout', 'panes', 'pre'], { synchronize: 'miyabi does not synchronize panes' });
    const layout = arrangement(c, body['layout'], [...wat, 'layout']);
    if (layout) win['layout'] = layout;
    const wpre = [...pre, ...commands(c, body['pre'], [...wat, 'pre'])];
    const cwd = typeof body['root'] === 'string' ? body['root'] : undefined;
    const panes = Array.isArray(body['panes']) ? body['panes'] : [null];
    win['panes'] = panes.map((p, pi) => {
      const pat: PathSegment[] = [...wat, 'panes', pi];
      // A named pane: `- server: [cmd, …]`.
      const named = isMap(p) && Object.keys(p).length === 1 ? Object.entries(p)[0] : undefined;
      const cmds = named ? commands(c, named[1], [...pat, named[0]]) : commands(c, p, pat);
      return pane(c, { cmds, at: pat, ...(cwd ? { cwd, cwdAt: [...wat, 'root'] } : {}), ...(named ? { name: named[0] } : {}) }, wpre, win['name'] as string, to(pi));
    });
    return win;
  });
  return out;
}

function tmuxp(c: Ctx, d: Map_): Map_ {
  const out: Map_ = {};
  if (typeof d['session_name'] === 'string') out['session'] = nameFrom(c, d['session_name'], ['session_name'], 'session');
  if (typeof d['start_directory'] === 'string') (out['root'] = d['start_directory'], c.origin.set('root', ['start_directory']));
  if (d['environment'] !== undefined) (out['env'] = d['environment'], c.origin.set('env', ['environment']));
  ignoreKeys(c, d, [], ['session_name', 'start_directory', 'environment', 'windows', 'shell_command_before', 'suppress_history'], {
    before_script: HOOK, global_options: OPTS, options: OPTS, plugins: 'miyabi loads no tmuxp plugins',
  });
  const pre = commands(c, d['shell_command_before'], ['shell_command_before']);
  const windows = d['windows'];
  if (!Array.isArray(windows)) {
    fail(c, ['windows'], 'expected a list of windows');
    return out;
  }
  out['windows'] = windows.map((w, wi) => {
    const at: PathSegment[] = ['windows', wi];
    c.origin.set(formatPath(at), at);
    if (!isMap(w)) {
      fail(c, at, 'expected a window (window_name, panes, …)');
      return { name: `window-${wi + 1}`, panes: [null] };
    }
    ignoreKeys(c, w, at, ['window_name', 'layout', 'panes', 'start_directory', 'shell_command_before', 'environment', 'suppress_history'], { focus: FIRST, options: OPTS, options_after: OPTS, window_shell: 'each pane runs /bin/sh -c, then your shell' });
    const win: Map_ = { name: nameFrom(c, typeof w['window_name'] === 'string' ? w['window_name'] : `window-${wi + 1}`, [...at, 'window_name'], 'window') };
    const layout = arrangement(c, w['layout'], [...at, 'layout']);
    if (layout) win['layout'] = layout;
    const wpre = [...pre, ...commands(c, w['shell_command_before'], [...at, 'shell_command_before'])];
    const wcwd = typeof w['start_directory'] === 'string' ? w['start_directory'] : undefined;
    const panes = Array.isArray(w['panes']) && w['panes'].length ? w['panes'] : [null];
    win['panes'] = panes.map((p, pi) => {
      const pat: PathSegment[] = [...at, 'panes', pi];
      const m = isMap(p) ? p : null;
      // `enter: true` is what miyabi does anyway; `enter: false` (typed, not run) is not.
      if (m) ignoreKeys(c, m, pat, ['shell_command', 'start_directory', 'environment', 'shell_command_before', 'suppress_history', ...(m['enter'] === false ? [] : ['enter'])], {
        focus: FIRST, sleep_before: SLEEP, sleep_after: SLEEP, enter: 'the commands are run, not left typed at the prompt',
      });
      const cmds = m ? commands(c, m['shell_command'], [...pat, 'shell_command']) : commands(c, p, pat);
      const ppre = m ? [...wpre, ...commands(c, m['shell_command_before'], [...pat, 'shell_command_before'])] : wpre;
      const own = m && typeof m['start_directory'] === 'string' ? m['start_directory'] : undefined;
      const cwd = own ?? wcwd;
      const cwdAt: PathSegment[] = own !== undefined ? [...pat, 'start_directory'] : [...at, 'start_directory'];
      return pane(c, { cmds, at: pat, ...(cwd ? { cwd, cwdAt } : {}), ...(m?.['environment'] !== undefined ? { env: m['environment'] } : {}) }, ppre, win['name'] as string, ['windows', wi, 'panes', pi]);
    });
    return win;
  });
  return out;
}

export function convertForeign(source: YamlSource, kind: ForeignKind): Converted {
  const c: Ctx = { source, notes: [], origin: new Map(), names: new Map() };
  const d = source.data as Map_;
  const data = kind === 'tmuxp' ? tmuxp(c, d) : tmuxinator(c, d);
  // miyabi's own panes come last, so the file's first window is still the one shown first.
  if (Array.isArray(data['windows'])) data['windows'].push({ name: nameFrom(c, 'miyabi', [], 'window'), panes: [{ role: 'conductor' }, { role: 'dashboard' }] });
  const keys = [...c.origin.keys()].sort((a, b) => b.length - a.length);
  return {
    kind, data, notes: c.notes,
    locate: (i) => {
      const k = keys.find((x) => i.path === x || i.path.startsWith(`${x}.`) || i.path.startsWith(`${x}[`));
      const at = k === undefined ? [] : (c.origin.get(k) as PathSegment[]);
      return { ...issueAt(source, at, `${i.message} (read as miyabi's ${i.path || 'layout'})`), severity: i.severity };
    },
  };
}
