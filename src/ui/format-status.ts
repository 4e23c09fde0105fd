import type { StatusResult } from '../ipc/protocol.js';

export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  return `${h}h${String(m % 60).padStart(2, '0')}m`;
}

/** The human form of `miyabi status`, shared by the CLI and the conductor. */
export function formatStatus(st: StatusResult): string {
  const lines = [
    `session     ${st.session} (tmux -L ${st.tmuxSocket})`,
    `root        ${st.root}`,
    `layout      ${st.layout}`,
    `controller  pid ${st.controller.pid}, up ${formatDuration(st.controller.uptimeMs)}`,
    '',
  ];
  const header = ['ROLE', 'NAME', 'PANE', 'PID', 'STATE', 'COMMAND'];
  const rows = st.panes.map((p) => [
    p.role,
    p.name,
    p.paneId,
    String(p.pid),
    p.alive ? 'alive' : `dead(${p.deadStatus ?? '?'})`,
    p.command,
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
