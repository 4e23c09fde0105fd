/**
 * Where notices go. Each channel either delivers or throws an Error saying why (the notifier
 * journals it); a channel whose world is missing (no notify-send, no webhook URL) says
 * "not configured" rather than pretending.
 */
import { accessSync, constants, openSync, closeSync, writeSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { ShellPort } from '../../shell/port.js';
import type { TmuxPort } from '../../tmux/port.js';
import type { Notice } from './notices.js';

export interface Channel {
  readonly name: string;
  /** Tries once; throws when it did not get through. */
  send(n: Notice): Promise<void>;
  /** Tries this many times in all (webhooks retry with backoff). */
  readonly attempts?: number;
  readonly backoffMs?: number;
}

export function onPath(program: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, program), constants.X_OK);
      return join(dir, program);
    } catch {
      // not here
    }
  }
  return null;
}

/** A message on every client of the session, its bell rung, and a count in `@miyabi_notices` (put `#{@miyabi_notices}` in status-right). */
export function tmuxChannel(tmux: TmuxPort, session: string): Channel & { count: number } {
  const ch = {
    name: 'tmux',
    count: 0,
    async send(n: Notice) {
      ch.count++;
      await tmux.run('set-option', ['-t', session, '@miyabi_notices', String(ch.count)]);
      const clients = await tmux.run('list-clients', ['-t', session, '-F', '#{client_name}\t#{client_tty}']);
      for (const line of clients) {
        const [name, tty] = line.split('\t');
        if (!name) continue;
        await tmux.run('display-message', ['-c', name, '-d', '5000', `miyabi: ${n.text}`]);
        // tmux has no bell command: the terminal's own BEL, written to the client's tty.
        if (tty) ringBell(tty);
      }
    },
  };
  return ch;
}

function ringBell(tty: string): void {
  try {
    const fd = openSync(tty, 'w');
    try {
      writeSync(fd, '\x07');
    } finally {
      closeSync(fd);
    }
  } catch {
    // a client that went away meanwhile: the message was shown to the others
  }
}

export function desktopChannel(shell: ShellPort, env: NodeJS.ProcessEnv, cwd: string): Channel {
  return {
    name: 'desktop',
    async send(n) {
      const bin = onPath('notify-send', env);
      if (!bin) throw new Error('not configured: notify-send is not installed (apt install libnotify-bin), so desktop notifications cannot be shown');
      const r = await shell.run({ argv: [bin, '--app-name=miyabi', `miyabi: ${n.kind}`, n.text], cwd, env: envOf(env), timeoutMs: 10_000 });
      if (r.exitCode !== 0) throw new Error(`notify-send exited with ${r.exitCode ?? r.signal}: ${r.tail.trim()}`);
    },
  };
}

function envOf(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/** JSON with a Slack-compatible `text`, POSTed; retried with backoff by the notifier. */
export function webhookChannel(o: { url: string; retries?: number; backoffMs?: number; timeoutMs?: number }): Channel {
  return {
    name: 'webhook',
    attempts: 1 + (o.retries ?? 3),
    backoffMs: o.backoffMs ?? 1000,
    async send(n) {
      const body = JSON.stringify({ text: `miyabi: ${n.text}`, kind: n.kind, subject: n.subject, ts: new Date(n.ts).toISOString(), seq: n.seq });
      const res = await fetch(o.url, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(o.timeoutMs ?? 5000),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) throw new Error(`${o.url} answered ${res.status} ${res.statusText}`);
    },
  };
}

/** The user's command, with the notice in MIYABI_NOTIFY_KIND, _SUBJECT, _TEXT and _JSON. */
export function commandChannel(shell: ShellPort, command: string | readonly string[], env: NodeJS.ProcessEnv, cwd: string): Channel {
  return {
    name: 'command',
    async send(n) {
      const vars = { MIYABI_NOTIFY_KIND: n.kind, MIYABI_NOTIFY_SUBJECT: n.subject, MIYABI_NOTIFY_TEXT: n.text, MIYABI_NOTIFY_JSON: JSON.stringify(n) };
      const argv = typeof command === 'string' ? [command] : command;
      const r = await shell.run({ argv, sh: typeof command === 'string', cwd, env: { ...envOf(env), ...vars }, timeoutMs: 30_000 });
      if (r.spawnError) throw new Error(`could not run ${argv[0] ?? ''}: ${r.spawnError}`);
      if (r.exitCode !== 0) throw new Error(`${argv[0] ?? ''} exited with ${r.exitCode ?? r.signal}${r.tail.trim() ? `: ${r.tail.trim().slice(-200)}` : ''}`);
    },
  };
}
