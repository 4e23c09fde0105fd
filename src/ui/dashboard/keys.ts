/**
 * The dashboard's keys: one table that both the dispatcher and `?` read, so the help can never
 * list a key that does nothing (or miss one that does).
 */

export type Action =
  | 'down' | 'up' | 'first' | 'last' | 'next-panel' | 'prev-panel' | 'tab-left' | 'tab-right'
  | 'enter' | 'back' | 'filter' | 'message' | 'task' | 'spawn' | 'kill' | 'restart' | 'refresh' | 'help' | 'quit';

export interface KeyBinding {
  /** blessed key names (`key.full`). */
  keys: string[];
  /** As the help shows them. */
  label: string;
  action: Action;
  help: string;
}

export const BINDINGS: KeyBinding[] = [
  { keys: ['j', 'down'], label: 'j/\u2193', action: 'down', help: 'next agent (or scroll the panel down)' },
  { keys: ['k', 'up'], label: 'k/\u2191', action: 'up', help: 'previous agent (or scroll the panel up)' },
  { keys: ['g', 'home'], label: 'g', action: 'first', help: 'first row' },
  { keys: ['S-g', 'end'], label: 'G', action: 'last', help: 'last row' },
  { keys: ['tab'], label: 'Tab', action: 'next-panel', help: 'next panel (agents, preview, diff, tasks, runs, triggers, recovery, events, bus)' },
  { keys: ['S-tab'], label: 'S-Tab', action: 'prev-panel', help: 'previous panel' },
  { keys: ['h', 'left'], label: 'h/\u2190', action: 'tab-left', help: 'panel tab to the left' },
  { keys: ['l', 'right'], label: 'l/\u2192', action: 'tab-right', help: 'panel tab to the right' },
  { keys: ['enter'], label: 'Enter', action: 'enter', help: "agents: show the agent's pane in tmux, zoomed; runs: open the run's stages and logs" },
  { keys: ['escape'], label: 'Esc', action: 'back', help: 'close help or a run, clear the filter' },
  { keys: ['/'], label: '/', action: 'filter', help: 'filter the agents (name, state, branch, task)' },
  { keys: ['m'], label: 'm', action: 'message', help: 'write a message to the selected agent' },
  { keys: ['t'], label: 't', action: 'task', help: 'add a task for the selected agent' },
  { keys: ['n'], label: 'n', action: 'spawn', help: 'spawn a new agent: name [command]' },
  { keys: ['x'], label: 'x', action: 'kill', help: 'kill the selected agent (asks first)' },
  { keys: ['r'], label: 'r', action: 'restart', help: "restart the selected agent's pane in place (asks first)" },
  { keys: ['R', 'S-r'], label: 'R', action: 'refresh', help: 'ask the controller again now' },
  { keys: ['?'], label: '?', action: 'help', help: 'this help' },
  { keys: ['q', 'C-c'], label: 'q', action: 'quit', help: 'leave (inside the session: detach, the dashboard keeps running)' },
];

const BY_KEY = new Map<string, Action>(BINDINGS.flatMap((b) => b.keys.map((k) => [k, b.action] as const)));

/** The action for a blessed key event, if any. */
export function actionFor(key: { full?: string; name?: string } | undefined, ch: string | undefined): Action | undefined {
  if (key?.full && BY_KEY.has(key.full)) return BY_KEY.get(key.full);
  if (ch && BY_KEY.has(ch)) return BY_KEY.get(ch);
  return undefined;
}

/** The key line at the bottom: as many hints as fit. */
export function keyLine(width: number): string {
  const hints = ['?:help', 'Tab:panel', 'j/k:move', 'Enter:show', '/:filter', 'm:msg', 't:task', 'n:new', 'x:kill', 'q:quit'];
  let out = '';
  for (const h of hints) {
    if (out.length + h.length + 1 > width) break;
    out += (out ? ' ' : '') + h;
  }
  return out;
}

export function helpLines(): string[] {
  const w = Math.max(...BINDINGS.map((b) => b.label.length));
  return ['keys (j/k scroll, Esc or ? closes)', '', ...BINDINGS.map((b) => `  ${b.label.padEnd(w)}  ${b.help}`)];
}
