/**
 * Error lines in agents' output become `error.detected` {agent, line, pattern, profile}: the output
 * the control client reads is cut into lines (escape sequences removed), each checked against the
 * patterns of the agent's profile plus the project's (`errors.patterns` in triggers.yaml); one agent
 * raises at most one event per pattern per cooldown, so a stack trace is one event, not forty.
 * Rules narrow further with `match:` (`agent: worker-*`, `line: "*panicked*"`).
 */
import type { PaneInfo } from '../tmux/port.js';
import type { Clock } from './engine.js';
import type { TriggerEvent } from './match.js';

/** By profile (the agent's program); `*` applies to all. */
export const PROFILE_PATTERNS: Record<string, string[]> = {
  '*': ['panicked at', '^Traceback \\(most recent call last\\)', '^(error|fatal)(\\[[A-Z0-9]+\\])?: ', 'Segmentation fault', '^npm ERR! '],
  claude: ['API Error: ', '^\\s*⎿\\s+Error: '],
  codex: ['^■ ', 'stream error: '],
};

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
const MAX_LINE = 2000;

export function profileOf(command: string): string {
  const c = command.toLowerCase();
  return c.includes('claude') ? 'claude' : c.includes('codex') ? 'codex' : 'shell';
}

interface PaneState {
  agent: string;
  profile: string;
  partial: string;
}

export class OutputErrors {
  private readonly panesById = new Map<string, PaneState>();
  private readonly last = new Map<string, number>();
  private readonly compiled = new Map<string, RegExp[]>();
  private seq = 0;

  constructor(
    private readonly cfg: { patterns: string[]; cooldownMs: number },
    private readonly emit: (ev: TriggerEvent) => void,
    private readonly clock: Clock,
  ) {}

  private patterns(profile: string): RegExp[] {
    let p = this.compiled.get(profile);
    if (!p) {
      const src = [...(PROFILE_PATTERNS['*'] ?? []), ...(PROFILE_PATTERNS[profile] ?? []), ...this.cfg.patterns];
      p = src.map((s) => new RegExp(s, 'm'));
      this.compiled.set(profile, p);
    }
    return p;
  }

  panes(panes: PaneInfo[]): void {
    const live = new Set<string>();
    for (const p of panes) {
      if (!p.agent) continue;
      live.add(p.paneId);
      const prev = this.panesById.get(p.paneId);
      const profile = profileOf(`${p.startCommand} ${p.currentCommand}`);
      this.panesById.set(p.paneId, { agent: p.agent, profile, partial: prev?.partial ?? '' });
    }
    for (const id of [...this.panesById.keys()]) if (!live.has(id)) this.panesById.delete(id);
  }

  output(paneId: string, data: Buffer): void {
    const st = this.panesById.get(paneId);
    if (!st) return;
    const text = st.partial + data.toString('utf8').replace(ANSI, '');
    const lines = text.split(/\r?\n|\r/);
    st.partial = (lines.pop() ?? '').slice(-MAX_LINE);
    for (const raw of lines) this.line(st, raw.slice(0, MAX_LINE));
  }

  private line(st: PaneState, line: string): void {
    if (line.trim() === '') return;
    for (const re of this.patterns(st.profile)) {
      if (!re.test(line)) continue;
      const key = `${st.agent}\0${re.source}`;
      const now = this.clock.now();
      const prev = this.last.get(key);
      if (prev !== undefined && now - prev < this.cfg.cooldownMs) return;
      this.last.set(key, now);
      this.emit({ id: `error-${st.agent}-${now}-${++this.seq}`, type: 'error.detected', ts: now, source: 'output', data: { agent: st.agent, line: line.trim(), pattern: re.source, profile: st.profile } });
      return;
    }
  }
}
