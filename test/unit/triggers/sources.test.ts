/**
 * Event sources: the bus's events folder (a malformed file quarantined, the rest go on), the shell
 * emitter writing what the node one writes, journal records as events, error lines in agent output,
 * and the webhook's signature check on a real loopback server.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventsPaths, pendingEvents, readEvent, writeEvent } from '../../../src/bus/events.js';
import { EventInbox } from '../../../src/triggers/event-inbox.js';
import { JournalFacts } from '../../../src/triggers/facts.js';
import type { TriggerEvent } from '../../../src/triggers/match.js';
import { OutputErrors } from '../../../src/triggers/output-errors.js';
import { signature, Webhook } from '../../../src/triggers/webhook.js';
import { tempProject } from '../config/temp-project.js';
import { FakeClock, Sink } from './fakes.js';

const EMIT_SH = path.join(import.meta.dirname, '..', '..', '..', 'scripts', 'miyabi-emit.sh');

describe('events on the bus', () => {
  it('a malformed event file is quarantined with its reason and the events after it are taken', () => {
    const bus = path.join(tempProject(), 'bus');
    const first = writeEvent(bus, { type: 'git.push', data: { branch: 'main' } });
    fs.writeFileSync(path.join(eventsPaths(bus).new, '1800000000000000000.junk.000000.1'), '{"miyabi-event":1,"type":"Bad Type"}');
    fs.writeFileSync(path.join(eventsPaths(bus).new, '1800000000000000001.junk.000000.1'), 'not json');
    const last = writeEvent(bus, { type: 'issue.created', data: { number: 7 }, id: 'gh-7' });
    const sink = new Sink();
    const got: string[] = [];
    const inbox = new EventInbox(bus, sink, (ev) => got.push(`${ev.type}:${ev.id}`));
    inbox.scan();
    expect(got).toEqual([`git.push:${first.id}`, 'issue.created:gh-7']);
    expect(sink.of('event.quarantined').map((q) => q['reason'])).toEqual([expect.stringMatching(/not an event type/), expect.stringMatching(/not JSON/)]);
    expect(pendingEvents(bus)).toEqual([]);
    expect(fs.readdirSync(eventsPaths(bus).quarantine).filter((n) => n.endsWith('.reason'))).toHaveLength(2);
    expect(last.name).toMatch(/^\d{19}\.emit\./);
  });

  it('miyabi-emit.sh writes the event the node emitter writes, with no node', () => {
    const bus = path.join(tempProject(), 'bus');
    const id = execFileSync(EMIT_SH, ['--id', 'x-1', 'git.push', 'branch=feat/a "b"', 'msg=line1\nline2\tt'], { env: { PATH: process.env.PATH ?? '', MIYABI_BUS: bus }, encoding: 'utf8' }).trim();
    expect(id).toBe('x-1');
    const [name] = pendingEvents(bus);
    const r = readEvent(bus, name as string);
    expect(r && 'event' in r ? r.event : r).toMatchObject({ id: 'x-1', type: 'git.push', source: 'emit', data: { branch: 'feat/a "b"', msg: 'line1\nline2\tt' } });
    expect(() => execFileSync(EMIT_SH, ['Git..Push'], { env: { MIYABI_BUS: bus, PATH: process.env.PATH ?? '' }, stdio: 'pipe' })).toThrow(/not an event type/);
  });
});

describe('journal records as events', () => {
  it('agent state changes become agent.idle / agent.waiting; the queue filling becomes queue.not-empty', () => {
    let queued = 0;
    const f = new JournalFacts(() => queued);
    const rec = (seq: number, type: string, payload: unknown) => ({ seq, ts: seq * 1000, type, payload });
    const types = (evs: TriggerEvent[]) => evs.map((e) => e.type);
    expect(types(f.events(rec(1, 'agent.state', { name: 'a1', state: 'idle', signal: 'screen', reason: 'prompt' })))).toEqual(['agent.state', 'agent.idle']);
    expect(f.events(rec(2, 'agent.state', { name: 'a1', state: 'waiting-for-input', signal: 'screen', reason: 'y/n' }))[1]).toMatchObject({ type: 'agent.waiting', data: { agent: 'a1' } });
    queued = 1;
    expect(types(f.events(rec(3, 'task.added', { id: 't1' })))).toEqual(['task.added', 'queue.not-empty']);
    queued = 2;
    expect(types(f.events(rec(4, 'task.added', { id: 't2' })))).toEqual(['task.added']);
    expect(f.events(rec(5, 'trigger.fired', {}))).toEqual([]);
    f.events(rec(6, 'agent.state', { name: 'a1', state: 'unresponsive', signal: 'timer', reason: 'quiet' }));
    expect(f.unresponsiveSeconds('a1', 16_000)).toBe(10);
    f.events(rec(7, 'run.started', { runId: 'r1', pipeline: 'dev' }));
    f.events(rec(8, 'stage.finished', { runId: 'r1', stage: 'test', outcome: 'failed' }));
    expect(f.stageFailed('test', 'dev')).toBe(1);
  });
});

describe('error lines in agent output', () => {
  it('emit error.detected with the agent and the line, once per cooldown per pattern', async () => {
    const clock = new FakeClock();
    const got: TriggerEvent[] = [];
    const e = new OutputErrors({ patterns: ['^BOOM'], cooldownMs: 1000 }, (ev) => got.push(ev), clock);
    e.panes([{ paneId: '%1', agent: 'w1', startCommand: 'bash', currentCommand: 'bash' } as never]);
    e.output('%1', Buffer.from('ok\r\n\x1b[31mthread main panicked at src/x.rs:1\x1b[0m\r\nmore panicked at'));
    e.output('%1', Buffer.from(' y\nBOOM here\n'));
    expect(got.map((g) => g.data)).toMatchObject([{ agent: 'w1', line: 'thread main panicked at src/x.rs:1' }, { line: 'BOOM here' }]);
    await clock.advance(1001);
    e.output('%1', Buffer.from('again panicked at z\n'));
    expect(got).toHaveLength(3);
    e.output('%2', Buffer.from('panicked at\n'));
    expect(got).toHaveLength(3);
  });
});

describe('webhook', () => {
  it('a delivery with a good signature becomes an event; a bad one is refused (401) and journaled', async () => {
    const sink = new Sink();
    const got: TriggerEvent[] = [];
    const hook = new Webhook({ port: 0, secret: 's3cret', secretEnv: 'S', sink, emit: (ev) => got.push(ev) });
    await hook.start();
    try {
      const post = (body: string, sig: string, kind = 'push') =>
        fetch(`http://127.0.0.1:${hook.port}/`, { method: 'POST', body, headers: { 'x-github-event': kind, 'x-hub-signature-256': sig, 'x-github-delivery': 'd-1' } });
      const push = JSON.stringify({ ref: 'refs/heads/main', after: 'abc', repository: { full_name: 'o/r' } });
      expect((await post(push, signature('s3cret', push))).status).toBe(202);
      expect(got).toMatchObject([{ id: 'd-1', type: 'git.push', source: 'webhook', data: { branch: 'main', sha: 'abc', repo: 'o/r' } }]);
      expect((await post(push, signature('wrong', push))).status).toBe(401);
      const merged = JSON.stringify({ action: 'closed', number: 4, pull_request: { merged: true, head: { ref: 'f' }, base: { ref: 'main' } } });
      expect((await post(merged, signature('s3cret', merged), 'pull_request')).status).toBe(202);
      expect(got.map((g) => g.type)).toEqual(['git.push', 'pr.merged']);
      expect(sink.of('trigger.refused')).toMatchObject([{ source: 'webhook', reason: expect.stringMatching(/bad signature/) }]);
    } finally {
      await hook.stop();
    }
  });

  it('with no secret set, every delivery is refused as not configured', async () => {
    const sink = new Sink();
    const hook = new Webhook({ port: 0, secret: undefined, secretEnv: 'MIYABI_WEBHOOK_SECRET', sink, emit: () => {} });
    await hook.start();
    try {
      const r = await fetch(`http://127.0.0.1:${hook.port}/`, { method: 'POST', body: '{}', headers: { 'x-github-event': 'push' } });
      expect(r.status).toBe(503);
      expect(await r.text()).toMatch(/not configured: set MIYABI_WEBHOOK_SECRET/);
    } finally {
      await hook.stop();
    }
  });
});
