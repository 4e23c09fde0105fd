import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCodexServer, type CodexServer } from '../helpers/agents/codex-server.js';
import { codexLayout } from '../helpers/agents/miyabi-codex.js';
import { makeProject, until, type TestProject } from '../helpers/project.js';

/**
 * miyabi's own delivery (the bus, the deliverer, the codex profile) into a real Codex in a miyabi
 * session: each message is one submitted user turn, byte for byte (the header aside), pasted
 * once. A 4 KiB message, which Codex shows as `[Pasted Content N chars]`, is submitted too. With
 * `hooks: true` Codex's own UserPromptSubmit hook tells the controller what it took.
 */
const RUN = process.env.MIYABI_AGENT_TESTS === '1';

const CORPUS = [
  'hello world',
  'line one\nline two\n\nline four',
  `echo "double" 'single' $(touch /tmp/miyabi-should-not-exist) \${HOME} $PATH`,
  'run `ls -la` and ``nested`` backticks',
  'plain      words   spaced out',
  'back\\slash\\\\double\\ inside',
  'emoji 🎉👩‍💻 and CJK 日本語 雅',
  '-starts with a dash --flag',
  'Enter',
  '#{session_name} #(touch /tmp/miyabi-pwned)',
  `four KiB: ${'z'.repeat(4096)}`,
];

const HEADER = /^\[from tester #[0-9a-f]{8}\] /;

describe.skipIf(!RUN)('miyabi delivers into a real Codex', () => {
  let server: CodexServer;
  let p: TestProject;
  const journal = () => readFileSync(join(p.root, '.miyabi', 'journal', 'events.jsonl'), 'utf8');

  beforeAll(async () => {
    server = await startCodexServer();
    p = makeProject('miyabi-codex');
    await codexLayout(p, server.url, 'cx', [['codex'], ['hooked', '        hooks: true\n']]);
    const up = await p.miyabi(['up', '-l', 'codex.yaml', '--detach']);
    expect(up.exitCode, up.stderr).toBe(0);
  }, 11 * 60_000);

  afterAll(async () => {
    await p?.cleanup();
    await server?.close();
  });

  it('each message is one user turn, byte for byte, pasted once and confirmed submitted', async () => {
    for (const text of CORPUS) {
      const before = server.turns().length;
      const r = await p.miyabi(['send', 'codex', '--from', 'tester', '--stdin', '--wait', '--timeout', '60'], { input: text });
      expect(r.stdout, r.stderr).toMatch(/^delivered .* \(submitted\)$/m);
      await until(() => server.turns().length > before, `the model to see ${JSON.stringify(text.slice(0, 20))}`, 30_000);
      const turn = server.turns()[before]!;
      expect(turn).toMatch(HEADER);
      expect(turn.replace(HEADER, '')).toBe(text);
    }
    expect(server.turns()).toHaveLength(CORPUS.length);
    // Pasted once each: one `delivering` per message, and no record of a second paste.
    const records = journal().split('\n').filter((l) => l.includes('"to":"codex"'));
    expect(records.filter((l) => l.includes('"message.delivering"'))).toHaveLength(CORPUS.length);
    expect(records.filter((l) => l.includes('"message.failed"'))).toHaveLength(0);
  }, 10 * 60_000);

  it("with hooks: true, Codex's UserPromptSubmit hook hands the controller the prompt it took", async () => {
    const before = server.turns().length;
    const from = journal().length;
    const r = await p.miyabi(['send', 'hooked', '--from', 'tester', 'hello hooks', '--wait', '--timeout', '60']);
    expect(r.stdout, r.stderr).toMatch(/^delivered .* \(submitted\)$/m);
    await until(() => server.turns().length > before, 'the model to see it', 30_000);
    const turn = server.turns()[before]!;
    expect(turn.replace(HEADER, '')).toBe('hello hooks');
    // Codex's hook handed the controller the very prompt it submitted (journaled by its length).
    const record = `"agent.prompt","payload":{"name":"hooked","chars":${[...turn].length}}`;
    await until(() => journal().slice(from).includes(record), 'the prompt hook to reach the controller', 30_000);
  }, 120_000);
});
