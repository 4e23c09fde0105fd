/**
 * Issue #11, items 4 and 5, on a real tmux server and real processes: a start that fails late
 * leaves no session (F17), doctor and up judge the journal and snapshot alike (F18), a foreign
 * program on the socket (B16), a bad tmux server name (B17), an endless standard input (B18) and
 * an argument that is not UTF-8 (B19).
 */
import { appendFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureInbox } from '../../../src/bus/layout.js';
import { inspectState } from '../../../src/core/state-trust.js';
import { makeProject, type TestProject } from '../../helpers/project.js';

const BIN = join(import.meta.dirname, '..', '..', '..', 'bin', 'miyabi.js');
const LAYOUT = `session: hard
windows:
  - name: main
    panes:
      - role: agent
        name: agent-1
        command: [sleep, "3600"]
`;

let project: TestProject | undefined;
const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) s.close();
  await project?.cleanup();
  project = undefined;
});

function sessions(p: TestProject): string[] {
  try {
    return p.tmux.tmux('list-sessions', '-F', '#{session_name}').split('\n').filter(Boolean);
  } catch {
    return []; // no server
  }
}

/** A project with its own (trusted) .miyabi/, as a first `up` would leave it. */
function trustedProject(): TestProject {
  const p = makeProject('miyabi-hard');
  expect(inspectState(p.root, { create: true }).state).toBe('trusted');
  return p;
}

/** Runs the CLI through sh, for what execa cannot pass: raw bytes, an endless pipe. */
function viaShell(p: TestProject, script: string, timeout = 30_000) {
  return execa('sh', ['-c', script], { cwd: p.root, env: { MIYABI: `${process.execPath} ${BIN}`, MIYABI_TMUX_SOCKET: p.tmux.socket }, reject: false, timeout });
}

describe('F17: an up that fails after the session is built', () => {
  it('leaves no session behind, and down after it finds nothing left', async () => {
    project = trustedProject();
    project.write('layout.yaml', LAYOUT);
    // The IPC socket cannot be bound (a folder is in its place): the start fails after the build.
    mkdirSync(join(project.root, '.miyabi', 'run', 'ctl.sock'), { recursive: true, mode: 0o700 });
    const up = await project.miyabi(['up', '--layout', 'layout.yaml', '--detach']);
    expect(up.exitCode).toBe(1);
    expect(up.stderr).toContain('ctl.sock exists and is not a socket');
    expect(sessions(project)).toEqual([]);
    // Not vacuous: the session was built (with its pane) before the start failed, and the
    // failed start is what ended it.
    const types = readFileSync(join(project.root, '.miyabi', 'journal', 'events.jsonl'), 'utf8')
      .trim().split('\n').map((l) => (JSON.parse(l) as { type: string; payload: { session?: string } }))
      .filter((r) => r.type.startsWith('session.') || r.type.startsWith('controller.')).map((r) => `${r.type} ${r.payload.session ?? ''}`.trim());
    expect(types).toEqual(['session.created hard', 'session.killed hard', 'controller.start-failed']);
    const down = await project.miyabi(['down']);
    expect(down.exitCode).toBe(0);
    expect(sessions(project)).toEqual([]);
  }, 90_000);

  it('down ends a session tagged with this project even when no controller.json was written', async () => {
    project = makeProject('miyabi-hard');
    const t = project.tmux;
    t.tmux('new-session', '-d', '-s', 'orphan', 'sleep 600');
    t.tmux('set-option', '-t', 'orphan', '@miyabi_root', project.root);
    t.tmux('new-session', '-d', '-s', 'other', 'sleep 600');
    t.tmux('set-option', '-t', 'other', '@miyabi_root', '/somewhere/else');
    const down = await project.miyabi(['down']);
    expect(down.exitCode).toBe(0);
    expect(down.stdout).toContain('ended session orphan');
    expect(sessions(project)).toEqual(['other']);
  });
});

describe('F18: doctor judges the journal and the snapshot as up does', () => {
  it('a torn journal is not "intact", and a corrupt snapshot fails doctor with the reason up gives', async () => {
    project = makeProject('miyabi-hard');
    project.write('layout.yaml', LAYOUT);
    expect((await project.miyabi(['up', '--layout', 'layout.yaml', '--detach'])).exitCode).toBe(0);
    expect((await project.miyabi(['down'])).exitCode).toBe(0);
    const journal = join(project.root, '.miyabi', 'journal', 'events.jsonl');
    appendFileSync(journal, '{"seq":999,"ty');
    const torn = await project.miyabi(['doctor']);
    expect(torn.stdout).not.toContain('journal intact');
    expect(torn.stdout).toMatch(/warn {2}journal has a torn last record: .*events\.jsonl:\d+: incomplete record/);

    writeFileSync(join(project.root, '.miyabi', 'state', 'snapshot.json'), '{"lastSeq": 3, oops');
    const doctor = await project.miyabi(['doctor']);
    expect(doctor.exitCode).toBe(1);
    expect(doctor.stdout).toMatch(/fail {2}.*snapshot\.json: not valid JSON/);
    const up = await project.miyabi(['up', '--layout', 'layout.yaml', '--detach']);
    expect(up.exitCode).toBe(1);
    expect(up.stderr).toMatch(/snapshot\.json: not valid JSON/);
  }, 120_000);
});

describe('agents --json with no controller', () => {
  it('says so on stderr and exits as status --json does, by the quick entry and the full CLI alike', async () => {
    project = trustedProject();
    const st = await project.miyabi(['status', '--json']);
    expect(st.exitCode).not.toBe(0);
    for (const args of [['agents', '--json'], ['ls', '--json'], ['agents', '--json', '--socket', project.tmux.socket]]) {
      const r = await project.miyabi(args);
      expect([r.exitCode, r.stdout], args.join(' ')).toEqual([st.exitCode, '']);
      expect(r.stderr).toContain('no controller is running');
    }
  });
});

describe('B16: a foreign program listening on the socket path', () => {
  const peers: Record<string, (line: string) => string> = {
    'an error reply with no error': () => '{"id":1,"ok":false}\n',
    'a reply of the wrong shape': () => '{"id":1,"ok":true,"result":{}}\n',
    'garbage, then hangs up': () => 'HTTP/1.1 400 Bad Request\r\n\r\n',
  };
  for (const [what, answer] of Object.entries(peers)) {
    it(`up and status say so clearly (${what})`, async () => {
      project = trustedProject();
      const sock = join(project.root, '.miyabi', 'run', 'ctl.sock');
      mkdirSync(join(project.root, '.miyabi', 'run'), { mode: 0o700 });
      const server = createServer((c) => {
        c.on('data', (d) => {
          const reply = answer(String(d));
          if (reply.startsWith('HTTP')) c.end(reply);
          else c.write(reply);
        });
        c.on('error', () => undefined);
      });
      servers.push(server);
      await new Promise<void>((r) => server.listen(sock, r));
      for (const verb of [['status'], ['up', '--detach'], ['agents', '--json'], ['agents']]) {
        const r = await project.miyabi(verb);
        expect(r.stderr).not.toContain('TypeError');
        expect(r.stderr).toContain(`something else is listening on ${sock}`);
        expect([r.exitCode, r.stdout]).toEqual([1, '']);
      }
      // inbox still lists the bus, and says the controller did not answer rather than nothing.
      const inbox = await project.miyabi(['inbox']);
      expect(inbox.stderr).not.toContain('TypeError');
      expect(inbox.stdout).toMatch(/^\(the controller did not answer: .+; why queued messages wait is not known\)$/m);
      expect(sessions(project)).toEqual([]);
    });
  }
});

describe('B17: a tmux server name that is not one', () => {
  it('--socket -f/tmp/x and a bad MIYABI_TMUX_SOCKET exit 2 saying what is allowed, before anything starts', async () => {
    project = makeProject('miyabi-hard');
    for (const args of [['--socket', '-f/tmp/x', 'up', '--detach'], ['--socket', 'a/b', 'status']]) {
      const r = await project.miyabi(args);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain('is not a tmux server name miyabi accepts');
      expect(r.stderr).toContain('allowed: a letter, digit or _');
    }
    const env = await project.miyabi(['status'], { env: { MIYABI_TMUX_SOCKET: '../x' } });
    expect(env.exitCode).toBe(2);
    expect(env.stderr).toContain('MIYABI_TMUX_SOCKET "../x"');
    expect(readdirSync(project.root)).not.toContain('.miyabi');
  });
});

describe('B18/B19: send refuses what it cannot deliver faithfully, early', () => {
  it('B18: an endless standard input is refused once it passes the 64 KiB limit (exit 2), not read to the end', async () => {
    project = trustedProject();
    ensureInbox(join(project.root, '.miyabi', 'bus'), 'agent-1');
    const r = await viaShell(project, 'yes miyabi | $MIYABI send agent-1; echo "exit=$?" >&2');
    expect(r.timedOut).toBe(false);
    expect(r.stderr).toContain('standard input is over the limit of 65536 bytes');
    expect(r.stderr).toContain('exit=2');
    expect(readdirSync(join(project.root, '.miyabi', 'bus', 'agent-1', 'new'))).toEqual([]);
  });

  it('B19: an argument whose bytes are not UTF-8 is refused (exit 2), not sent with U+FFFD', async () => {
    project = trustedProject();
    ensureInbox(join(project.root, '.miyabi', 'bus'), 'agent-1');
    const r = await viaShell(project, `$MIYABI send agent-1 "caf$(printf '\\351') ok"`);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('an argument is not valid UTF-8');
    expect(readdirSync(join(project.root, '.miyabi', 'bus', 'agent-1', 'new'))).toEqual([]);
    // A real U+FFFD typed on purpose is still text like any other.
    const ok = await viaShell(project, `$MIYABI send agent-1 "a \u{FFFD} b"`);
    expect(ok.stderr).not.toContain('not valid UTF-8');
    expect(ok.exitCode).toBe(0);
  });
});
