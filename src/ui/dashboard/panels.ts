/**
 * The text of the task and run panels. Pure functions of what the controller answered, so the
 * panels are unit-tested without a terminal.
 */
import { join } from 'node:path';
import { formatMs } from '../../core/duration.js';
import { tailLines } from './files.js';
import { runLines, type RunLine, type RunRowIn } from './runs.js';

/** A task as `task.list` answers it, as far as the panel reads it. */
export interface TaskIn {
  id: string;
  text: string;
  state: string;
  agent: string | null;
  assignee: string | null;
  priority: string;
}

/** Open tasks first (started, assigned, queued), then the last closed ones. */
export function taskLines(tasks: TaskIn[]): string[] {
  if (tasks.length === 0) return ['no tasks (t adds one for the selected agent)'];
  const order = ['started', 'assigned', 'queued'];
  const open = tasks.filter((t) => order.includes(t.state)).sort((a, b) => order.indexOf(a.state) - order.indexOf(b.state));
  const closed = tasks.filter((t) => !order.includes(t.state)).slice(-10).reverse();
  const idW = Math.max(...tasks.map((t) => t.id.length));
  return [...open, ...closed].map((t) => {
    const who = t.assignee ?? (t.agent ? `for ${t.agent}` : 'anyone');
    return `${t.id.padEnd(idW)}  ${t.state.padEnd(9)} ${who.padEnd(14)} ${t.priority === 'normal' ? '' : `[${t.priority}] `}${t.text}`;
  });
}

/** The runs, the selected one marked; or, drilled into, one run's stages and its last stage's log. */
export function runPanelLines(runs: RunLine[], rows: RunRowIn[], sel: number, drill: string | null, runsDir: string | null): string[] {
  if (drill) {
    const r = rows.find((x) => x.runId === drill);
    const line = runs.find((x) => x.runId === drill);
    const out = [`run ${drill}  ${line?.status ?? r?.status ?? '?'}  (Esc: back)`, ''];
    const stages = (r?.stages ?? []) as { name: string; outcome: string; durationMs?: number }[];
    if (stages.length === 0) out.push('no stage has finished yet');
    for (const s of stages) out.push(`  ${s.name.padEnd(16)} ${s.outcome.padEnd(10)} ${formatMs(s.durationMs)}`);
    const last = line?.stage || stages.at(-1)?.name;
    if (last && runsDir) {
      out.push('', `log of ${last}:`);
      const log = tailLines(join(runsDir, drill, `${last}.log`), 30);
      out.push(...(log.length ? log : ['(empty)']));
    }
    return out;
  }
  const lines = runLines(runs);
  if (runs.length === 0) return lines;
  return lines.map((l, i) => (i === sel ? '> ' : '  ') + l).concat(['', 'Enter opens the selected run']);
}
