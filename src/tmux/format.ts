import { MiyabiError } from '../core/errors.js';
import type { PaneInfo } from './port.js';

/**
 * One `-F` template for list-panes, fields joined by an unlikely separator (libtmux
 * `formats.py FORMAT_SEPARATOR`). tmux prints format values raw, so a field may itself hold a
 * newline or the separator: each record starts with RECORD_MARK, a line without it continues the
 * previous record, and pane_current_path, the field most likely to hold odd text, comes last so
 * that extra separators are folded back into it.
 */
export const FIELD_SEP = '\u241e'; // ␞
export const RECORD_MARK = '\u241c'; // ␜

const FIELDS = [
  'pane_id',
  'session_name',
  'window_id',
  'window_name',
  'window_index',
  'pane_index',
  'pane_pid',
  'pane_dead',
  'pane_dead_status',
  'pane_in_mode',
  'pane_width',
  '@miyabi_agent',
  '@miyabi_role',
  'pane_current_command',
  'pane_start_command',
  'pane_current_path',
] as const;

export const PANE_FORMAT = RECORD_MARK + FIELDS.map((f) => `#{${f}}`).join(FIELD_SEP);

/** Parses list-panes output (a string, or the lines of a control-mode reply). */
export function parsePanes(output: string | readonly string[]): PaneInfo[] {
  const lines = typeof output === 'string' ? (output.endsWith('\n') ? output.slice(0, -1) : output).split('\n') : output;
  const records: string[] = [];
  for (const line of lines) {
    if (line.startsWith(RECORD_MARK)) records.push(line.slice(RECORD_MARK.length));
    else if (records.length > 0) records[records.length - 1] += `\n${line}`;
    else if (line !== '') throw bad(line);
  }
  return records.map(parseRecord);
}

function parseRecord(record: string): PaneInfo {
  const parts = record.split(FIELD_SEP);
  if (parts.length < FIELDS.length) throw bad(record);
  const f = parts.slice(0, FIELDS.length - 1);
  f.push(parts.slice(FIELDS.length - 1).join(FIELD_SEP));
  const [paneId, sessionName, windowId, windowName, windowIndex, paneIndex, pid, dead, deadStatus, inMode, width, agent, role, cmd, start, path] =
    f as [string, string, string, string, string, string, string, string, string, string, string, string, string, string, string, string];
  if (!/^%\d+$/.test(paneId) || !/^@\d+$/.test(windowId)) throw bad(record);
  return {
    paneId,
    sessionName,
    windowId,
    windowName,
    windowIndex: Number(windowIndex),
    paneIndex: Number(paneIndex),
    pid: Number(pid) || 0,
    dead: dead === '1',
    deadStatus: dead === '1' && /^\d+$/.test(deadStatus) ? Number(deadStatus) : null,
    currentCommand: cmd,
    currentPath: path,
    startCommand: start,
    inMode: inMode === '1',
    ...(Number(width) > 0 ? { width: Number(width) } : {}),
    agent,
    role,
  };
}

function bad(text: string): MiyabiError {
  return new MiyabiError('TMUX_COMMAND', `unexpected list-panes output: ${JSON.stringify(text.slice(0, 200))}`, {
    hint: 'this tmux prints pane formats differently than miyabi expects; please report it with `tmux -V`',
  });
}
