import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import codex from '../../../src/agents/profiles/codex.json' with { type: 'json' };
import { idFromOpenFiles } from '../../../src/recovery/open-files.js';
import { withConversations, type Launched, type RecoverySnapshot } from '../../../src/recovery/specs.js';
import type { SessionLayout } from '../../../src/config/layout-types.js';
import { until } from '../../helpers/project.js';

const RE = new RegExp(codex.recovery.conversation.learnOpenFile);
const ID = '01a23598-afe0-7da0-9d31-098cd4e26eef';
let kids: ChildProcess[] = [];
afterEach(() => {
  // Each in its own group: the launcher's child goes with it.
  for (const k of kids) if (k.pid) process.kill(-k.pid, 'SIGKILL');
  kids = [];
});

/** A launcher (sh) whose child (node) holds `file` open, as Codex's npm wrapper and binary do. */
function holder(file: string): ChildProcess {
  const k = spawn('/bin/sh', ['-c', `node -e "require('fs').openSync(process.argv[1], 'a'); setInterval(() => {}, 1e6)" '${file}'; :`], { stdio: 'ignore', detached: true });
  kids.push(k);
  return k;
}

describe.skipIf(process.platform !== 'linux')('a conversation id told by an open file', () => {
  it("is found in a descendant of the pane's process, and only there", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'of-'));
    const file = join(dir, `rollout-2026-12-02T07-12-08-${ID}.jsonl`);
    writeFileSync(file, '');
    const k = holder(file);
    expect(await until(() => idFromOpenFiles(k.pid!, RE), 'the id from the open rollout file')).toBe(ID);
    const other = spawn('sleep', ['30'], { stdio: 'ignore', detached: true });
    kids.push(other);
    expect(idFromOpenFiles(other.pid!, RE)).toBeNull();
    expect(idFromOpenFiles(process.pid, /never-opened-anywhere-\d{40}/)).toBeNull();
  });
});

describe('conversations at the session build', () => {
  const layout = (): SessionLayout => ({
    source: 't', session: 's', root: '/p', env: {},
    windows: [{ name: 'main', panes: [{ name: 'c', role: 'agent', cwd: '/p', env: { HOME: '/nowhere' }, command: { kind: 'argv', argv: ['claude'] } } as never] }],
  } as unknown as SessionLayout);
  const argvOf = (l: SessionLayout) => (l.windows[0]!.panes[0]!.command as { argv: string[] }).argv;

  it('a session built again after a crash gives each agent its own id back; a first build (or after down) a new one', () => {
    const state: RecoverySnapshot = { placed: {}, conversations: { c: 'kept-id' } };
    const launched: Launched[] = [];
    expect(argvOf(withConversations(layout(), state, { resume: true, launched }))).toEqual(['claude', '--session-id', 'kept-id']);
    expect(launched).toMatchObject([{ agent: 'c', cli: 'claude', mode: 'new', sessionId: 'kept-id' }]);
    const fresh: RecoverySnapshot = { placed: {}, conversations: { c: 'kept-id' } };
    const argv = argvOf(withConversations(layout(), fresh, { resume: false }));
    expect(argv[1]).toBe('--session-id');
    expect(argv[2]).not.toBe('kept-id');
    expect(fresh.conversations.c).toBe(argv[2]);
  });
});
