import type { StatusResult } from '../ipc/protocol.js';

export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  return `${h}h${String(m % 60).padStart(2, '0')}m`;
}

/** One line on a journal that refuses writes (core/journal-healing.ts), or null when it is fine. */
export function journalTrouble(j: StatusResult['controller']['journal']): string | null {
  if (!j || j.state === 'ok') return null;
  const what = j.state === 'wedged' ? 'WEDGED (`miyabi up` restarts the controller)' : `DEGRADED, ${j.held} record(s) waiting in memory, retrying`;
  return `${what}: ${j.error ?? 'writes fail'} (file ${j.file ?? '?'}, since ${j.since ?? '?'})`;
}

/** A command as one table cell: a script of several lines (a YAML block, a tmuxinator pane) reads as `a; b`. */
export function oneLine(command: string): string {
  return command.replace(/\s*\n\s*/g, '; ');
}

/** The human form of `miyabi status`, shared by the CLI and the conductor. */
export function formatStatus(st: StatusResult): string {
  const lines = [
    `session     ${st.session} (tmux -L ${st.tmuxSocket})`,
    `root        ${st.root}`,
    `layout      ${st.layout}`,
    `controller  pid ${st.controller.pid}, up ${formatDuration(st.controller.uptimeMs)}`,
  ];
  const trouble = journalTrouble(st.controller.journal);
  if (trouble) lines.push(`journal     ${trouble}`);
  lines.push('');
  const header = ['ROLE', 'NAME', 'PANE', 'PID', 'STATE', 'COMMAND'];
  const rows = st.panes.map((p) => [
    p.role,
    p.name,
    p.paneId,
    String(p.pid),
    p.alive ? 'alive' : `dead(${p.deadStatus ?? '?'})`,
    oneLine(p.command),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  lines.push(fmt(header), ...rows.map(fmt));
  return lines.join('\n');
}
