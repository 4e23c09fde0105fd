import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pty from 'node-pty';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventSink } from '../../../src/core/events/index.js';
import { type Channel, commandChannel, tmuxChannel, webhookChannel } from '../../../src/feedback/notify/channels.js';
import { Notifier, inQuietHours } from '../../../src/feedback/notify/notifier.js';
import { processShell } from '../../../src/shell/run.js';
import { Tmux } from '../../../src/tmux/adapter.js';
import { until } from '../../helpers/project.js';
import { privateTmux } from '../../helpers/tmux-server.js';

type Rec = { type: string; payload: Record<string, unknown> };
function recorder(): EventSink & { recs: Rec[] } {
  const recs: Rec[] = [];
  const put = (type: string, payload: unknown) => void recs.push({ type, payload: payload as Record<string, unknown> });
  return { recs, append: put, appendDurable: put } as EventSink & { recs: Rec[] };
}

let seq = 0;
const state = (name: string, st: string) => ({ seq: ++seq, ts: Date.now(), type: 'agent.state', payload: { name, state: st, signal: 'screen', reason: '' } });

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(status: (n: number) => number): Promise<{ url: string; bodies: Record<string, unknown>[] }> {
  const bodies: Record<string, unknown>[] = [];
  const s = createServer((req: IncomingMessage, res: ServerResponse) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => {
      bodies.push(JSON.parse(b) as Record<string, unknown>);
      res.statusCode = status(bodies.length);
      res.end();
    });
  });
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  cleanups.push(() => new Promise<void>((r) => s.close(() => r())));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/hook`, bodies };
}

function notifier(channels: Channel[], routes: Record<string, string[]>, o: { now?: () => Date; quietHours?: string } = {}) {
  const journal = recorder();
  const n = new Notifier({ routes, channels: new Map(channels.map((c) => [c.name, c])), journal, sleep: async () => {}, dedupeMs: 60_000, ...o });
  return { n, journal };
}

describe('notifications', () => {
  it('a webhook on loopback gets one Slack-compatible notice per change, and a journal record', async () => {
    const hook = await server(() => 200);
    const { n, journal } = notifier([webhookChannel({ url: hook.url })], { 'agent.waiting': ['webhook'] });
    n.onRecord(state('a1', 'busy'));
    n.onRecord(state('a1', 'waiting-for-input'));
    n.onRecord(state('a1', 'waiting-for-input')); // the same state again: no change
    await n.idle();
    expect(hook.bodies).toHaveLength(1);
    expect(hook.bodies[0]?.text).toBe('miyabi: agent a1 is waiting for input');
    expect(journal.recs).toEqual([{ type: 'notify.sent', payload: { channel: 'webhook', event: 'agent.waiting', key: 'agent.waiting:a1', attempts: 1, text: 'agent a1 is waiting for input' } }]);
  });

  it('none during quiet hours', async () => {
    const hook = await server(() => 200);
    const late = () => new Date(2026, 0, 1, 23, 30);
    const { n, journal } = notifier([webhookChannel({ url: hook.url })], { 'agent.dead': ['webhook'] }, { now: late, quietHours: '22:00-07:00' });
    n.onRecord(state('a2', 'dead'));
    await n.idle();
    expect(hook.bodies).toHaveLength(0);
    expect(journal.recs).toHaveLength(0);
    expect(inQuietHours('22:00-07:00', late())).toBe(true);
    expect(inQuietHours('22:00-07:00', new Date(2026, 0, 1, 12, 0))).toBe(false);
  });

  it('quiet hours hold notices back only inside the hours', async () => {
    const hook = await server(() => 200);
    const { n } = notifier([webhookChannel({ url: hook.url })], { 'agent.dead': ['webhook'] }, { now: () => new Date(2026, 0, 1, 12, 0), quietHours: '22:00-07:00' });
    n.onRecord(state('a2', 'dead'));
    await n.idle();
    expect(hook.bodies).toHaveLength(1);
  });

  it('a failing webhook is retried, then journaled as failed', async () => {
    const hook = await server(() => 500);
    const { n, journal } = notifier([webhookChannel({ url: hook.url, retries: 2, backoffMs: 1 })], { 'run.failed': ['webhook'] });
    n.onRecord({ seq: ++seq, ts: Date.now(), type: 'run.finished', payload: { runId: 'r9', outcome: 'failed', durationMs: 5 } });
    await n.idle();
    expect(hook.bodies).toHaveLength(3);
    expect(journal.recs).toHaveLength(1);
    expect(journal.recs[0]?.type).toBe('notify.failed');
    expect(journal.recs[0]?.payload).toMatchObject({ channel: 'webhook', event: 'run.failed', attempts: 3 });
    expect(String(journal.recs[0]?.payload.error)).toContain('answered 500');
  });

  it('a command gets the notice in its environment, once per change', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'miyabi-fbn-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const out = join(dir, 'got.txt');
    const cmd = commandChannel(processShell, `printf '%s|%s\\n' "$MIYABI_NOTIFY_KIND" "$MIYABI_NOTIFY_TEXT" >> ${out}`, process.env, dir);
    const { n, journal } = notifier([cmd], { 'run.escalated': ['command'] });
    const esc = { runId: 'r1', pipeline: 'p', stage: 'test', attempts: 3, error: 'boom', next: null };
    n.onRecord({ seq: ++seq, ts: Date.now(), type: 'stage.escalated', payload: esc });
    n.onRecord({ seq: ++seq, ts: Date.now(), type: 'stage.escalated', payload: esc }); // within the dedupe window
    await n.idle();
    expect(readFileSync(out, 'utf8')).toBe('run.escalated|run r1 (p): stage test escalated after 3 tries: boom\n');
    expect(journal.recs.map((r) => r.type)).toEqual(['notify.sent']);
  });

  it('a channel the config lacks is journaled failed as not configured', async () => {
    const { n, journal } = notifier([], { 'agent.dead': ['desktop'] });
    n.onRecord(state('a3', 'dead'));
    await n.idle();
    expect(journal.recs[0]).toMatchObject({ type: 'notify.failed', payload: { channel: 'desktop' } });
    expect(String(journal.recs[0]?.payload.error)).toContain('not configured');
  });

  it('tmux: a message and a bell on an attached client, and the count in @miyabi_notices', async () => {
    const t = privateTmux('miyabi-fbn');
    cleanups.push(() => t.reap());
    t.tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'fb', '-x', '100', '-y', '20', 'sh');
    let screen = '';
    const client = pty.spawn('tmux', ['-L', t.socket, 'attach', '-t', 'fb'], { name: 'xterm-256color', cols: 100, rows: 20, env: { ...process.env, TMUX: '' } as Record<string, string> });
    client.onData((d) => (screen += d));
    cleanups.push(() => client.kill());
    await until(() => t.tmux('list-clients', '-t', 'fb').trim() !== '', 'the client attached');
    const ch = tmuxChannel(new Tmux({ socket: t.socket }), 'fb');
    const { n, journal } = notifier([ch], { 'agent.waiting': ['tmux'] });
    n.onRecord(state('a1', 'waiting-for-input'));
    await n.idle();
    await until(() => screen.includes('miyabi: agent a1 is waiting for input'), 'the message on the client');
    await until(() => screen.includes('\x07'), 'the bell on the client');
    expect(t.tmux('show-options', '-v', '-t', 'fb', '@miyabi_notices').trim()).toBe('1');
    expect(journal.recs.map((r) => r.type)).toEqual(['notify.sent']);
  });
});
