import { createConnection, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IpcClient } from '../../../src/ipc/client.js';
import type { StatusResult } from '../../../src/ipc/protocol.js';
import { makeProject, type TestProject } from '../../helpers/project.js';

let project: TestProject;
let ipcPath: string;

beforeAll(async () => {
  project = makeProject();
  project.write('l.yaml', 'session: ipc\nrecovery: {enabled: false}\nwindows:\n  - name: w\n    panes:\n      - role: agent\n        name: a1\n        command: [sleep, "3600"]\n');
  const r = await project.miyabi(['up', '--layout', 'l.yaml', '--json']);
  expect(r.exitCode).toBe(0);
  ipcPath = (JSON.parse(r.stdout) as StatusResult).controller.ipcPath;
});
afterAll(async () => project.cleanup());

function raw(): Promise<{ s: Socket; lines: () => string[] }> {
  return new Promise((resolve, reject) => {
    const s = createConnection(ipcPath);
    let buf = '';
    s.on('data', (d) => (buf += d.toString()));
    s.once('connect', () => resolve({ s, lines: () => buf.split('\n').filter(Boolean) }));
    s.once('error', reject);
  });
}

async function waitLines(c: { lines: () => string[] }, n: number): Promise<Record<string, unknown>[]> {
  await expect.poll(() => c.lines().length, { timeout: 5000 }).toBeGreaterThanOrEqual(n);
  return c.lines().map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function stillServes(): Promise<void> {
  const c = await IpcClient.connect(ipcPath);
  expect(await c.request('ping')).toHaveProperty('pid');
  c.close();
}

describe('controller IPC under bad input (RELIABILITY B10)', () => {
  it('answers junk, unknown types and bad payloads with errors and keeps serving', async () => {
    const c = await raw();
    c.s.write(Buffer.from([0xff, 0x00, 0x13, 0x37, 0x0a]));
    c.s.write('{"id": "x"}\n');
    c.s.write('{"id": 7, "type": "no-such-thing"}\n');
    c.s.write('{"id": 8, "type": "status", "payload": {"bogus": 1}}\n');
    c.s.write('{"id": 9, "type": "__proto__"}\n');
    c.s.write('{"id": 10, "type": "ping"}\n');
    const replies = await waitLines(c, 6);
    expect(replies[0]).toMatchObject({ id: null, ok: false, error: { code: 'IPC' } });
    expect(replies[1]).toMatchObject({ ok: false, error: { code: 'IPC' } });
    expect(replies[2]).toMatchObject({ id: 7, ok: false, error: { code: 'USAGE' } });
    expect(String((replies[2]?.error as { message: string }).message)).toContain('known: ');
    expect(replies[3]).toMatchObject({ id: 8, ok: false, error: { code: 'USAGE' } });
    expect(replies[4]).toMatchObject({ id: 9, ok: false });
    expect(replies[5]).toMatchObject({ id: 10, ok: true });
    c.s.destroy();
    await stillServes();
  });

  it('refuses an oversized frame and stays in sync for the next one', async () => {
    const c = await raw();
    c.s.write('x'.repeat(2 * 1024 * 1024) + '\n{"id": 1, "type": "ping"}\n');
    const replies = await waitLines(c, 2);
    expect(replies[0]).toMatchObject({ ok: false, error: { message: expect.stringContaining('too large') } });
    expect(replies[1]).toMatchObject({ id: 1, ok: true });
    c.s.destroy();
  });

  it('survives a partial frame then a disconnect, and 100 idle clients', async () => {
    const c = await raw();
    c.s.write('{"id": 1, "type": "pi');
    c.s.destroy();
    const idle = await Promise.all(Array.from({ length: 100 }, () => raw()));
    await stillServes();
    for (const i of idle) i.s.destroy();
    await stillServes();
  });

  it('streams journal events to a subscriber', async () => {
    const sub = await IpcClient.connect(ipcPath);
    const seen: string[] = [];
    await sub.subscribe((e) => seen.push(e.type));
    const st = JSON.parse((await project.miyabi(['status', '--json'])).stdout) as StatusResult;
    process.kill(st.panes[0]!.pid, 'SIGTERM');
    await expect.poll(() => seen, { timeout: 5000 }).toContain('pane.died');
    const after = JSON.parse((await project.miyabi(['status', '--json'])).stdout) as StatusResult;
    expect(after.panes[0]).toMatchObject({ alive: false });
    sub.close();
  });
});
