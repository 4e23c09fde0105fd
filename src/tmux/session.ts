import { MiyabiError } from '../core/errors.js';
import { nameProblem } from '../core/names.js';
import { argvBytes, chainArgv, MAX_ARGV_BYTES } from './exec.js';
import { assertArrangement } from './arrangement.js';
import type { SessionSpec } from './port.js';

/**
 * Builds the tmux commands that create a whole session. Targets are by exact name with a
 * trailing `:` (`=S:` and `=S:=W`): on tmux 3.3a a bare `=S` is NOT exact for commands whose
 * target is a window or pane (`list-panes -s -t =foo` lists `foobar`; `set-option -t =foo` says
 * "no such session"). A pane command without a pane id goes to the window's active pane, which is
 * the pane just made by split-window.
 *
 * Each pane's commands (create, remain-on-exit, tags) stay in one unit, and units are packed into
 * as few tmux runs as fit tmux's argument size limit. tmux runs a command list without
 * returning to its event loop, so a pane whose program exits at once cannot be reaped before
 * remain-on-exit is set on it.
 */
export const DEFAULT_SIZE = { cols: 220, rows: 50 } as const;
const OPTION_KEY = /^@[A-Za-z0-9_-]{1,64}$/;

export type Command = string[];
export type Unit = Command[];

export function assertName(what: string, value: string): void {
  const problem = nameProblem(value);
  if (problem) {
    throw new MiyabiError('NAME', `${what} ${JSON.stringify(value)} ${problem}`, { detail: { field: what } });
  }
}

export function sessionTarget(name: string): string {
  return `=${name}:`;
}

export function windowTarget(session: string, window: string): string {
  return `=${session}:=${window}`;
}

/** Checks everything of the spec that reaches tmux: names, layouts and option keys. */
export function validateSpec(spec: SessionSpec): void {
  assertName('session name', spec.name);
  if (spec.windows.length === 0) throw new MiyabiError('CONFIG', `session "${spec.name}" has no windows`);
  const windows = new Set<string>();
  const panes = new Set<string>();
  for (const w of spec.windows) {
    assertName('window name', w.name);
    if (windows.has(w.name)) throw new MiyabiError('NAME', `window name "${w.name}" is used twice`);
    windows.add(w.name);
    if (w.panes.length === 0) throw new MiyabiError('CONFIG', `window "${w.name}" has no panes`);
    assertArrangement(w.arrangement, w.panes.length, w.name);
    for (const p of w.panes) {
      assertName('pane name', p.name);
      if (panes.has(p.name)) throw new MiyabiError('NAME', `pane name "${p.name}" is used twice`);
      panes.add(p.name);
    }
  }
  for (const key of Object.keys(spec.options)) {
    if (!OPTION_KEY.test(key)) {
      throw new MiyabiError('CONFIG', `session option ${JSON.stringify(key)} must be a user option like "@miyabi_root"`);
    }
  }
}

/**
 * The units, in order. `scripts[w][p]` is the launch script path of pane p of window w.
 * Every new-session/new-window/split-window prints its new pane id (`-P -F`), one line each,
 * in spec order.
 */
export function sessionUnits(spec: SessionSpec, scripts: string[][], size = DEFAULT_SIZE): Unit[] {
  const s = spec.name;
  const units: Unit[] = [];
  spec.windows.forEach((w, wi) => {
    const wt = windowTarget(s, w.name);
    w.panes.forEach((p, pi) => {
      const run = ['/bin/sh', scripts[wi]![pi]!];
      let create: Command;
      if (wi === 0 && pi === 0) {
        create = ['new-session', '-d', '-s', s, '-n', w.name, '-x', String(size.cols), '-y', String(size.rows)];
      } else if (pi === 0) {
        create = ['new-window', '-d', '-t', sessionTarget(s), '-n', w.name];
      } else {
        create = ['split-window', '-t', wt];
      }
      const unit: Unit = [
        [...create, '-P', '-F', '#{pane_id}', ...run],
        ['set-option', '-p', '-t', wt, 'remain-on-exit', 'on'],
        ['set-option', '-p', '-t', wt, '@miyabi_agent', p.name],
        ['set-option', '-p', '-t', wt, '@miyabi_role', p.role],
      ];
      // Re-tile after each split so that many panes still find room before the final layout.
      if (pi > 0) unit.push(['select-layout', '-t', wt, 'tiled']);
      // Window names are targets: a program's title escape must not rename them.
      if (pi === 0) unit.push(['set-option', '-w', '-t', wt, 'allow-rename', 'off'], ['set-option', '-w', '-t', wt, 'automatic-rename', 'off']);
      if (wi === 0 && pi === 0) {
        // Whatever the user's tmux.conf says: a control client on this session must get %exit
        // when the session dies (not be moved to another session), and the session must not
        // die when its last client leaves.
        unit.push(
          ['set-option', '-t', sessionTarget(s), 'detach-on-destroy', 'on'],
          ['set-option', '-t', sessionTarget(s), 'destroy-unattached', 'off'],
        );
        for (const [k, v] of Object.entries(spec.options)) unit.push(['set-option', '-t', sessionTarget(s), k, v]);
      }
      units.push(unit);
    });
    units.push([
      ['select-layout', '-t', wt, w.arrangement],
      ['select-pane', '-t', `${wt}.{top-left}`],
    ]);
  });
  return units;
}

/** Packs units into as few argv chains as fit MAX_ARGV_BYTES (a unit is never split). */
export function packUnits(units: readonly Unit[], budget = MAX_ARGV_BYTES): Command[][] {
  const batches: Command[][] = [];
  let cur: Command[] = [];
  for (const u of units) {
    const next = [...cur, ...u];
    if (cur.length > 0 && argvBytes(chainArgv(next)) > budget) {
      batches.push(cur);
      cur = [...u];
    } else {
      cur = next;
    }
  }
  if (cur.length > 0) batches.push(cur);
  return batches;
}
