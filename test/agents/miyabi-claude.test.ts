import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claudeLayout } from '../helpers/agents/miyabi-claude.js';
import { startModelServer, type ModelServer } from '../helpers/agents/model-server.js';
import { makeProject, until, type TestProject } from '../helpers/project.js';

/**
 * miyabi's own delivery (the bus, the deliverer, the claude profile) into a real Claude Code in a
 * miyabi session: each message is one submitted user turn, byte for byte (the header aside);
 * one sent while Claude is busy is "queued by the agent", then reaches the model exactly once.
 */
const RUN = process.env.MIYABI_AGENT_TESTS === '1';

const CORPUS = [
  'hello world',
  'line one\nline two\n\nline four',
  `echo "double" 'single' $(touch /tmp/miyabi-should-not-exist) \${HOME} $PATH`,
  'run `ls -la` and ``nested`` backticks',
  'ends with a semicolon;',
  'back\\slash\\\\double\\ inside',
  'emoji 🎉👩‍💻 and CJK 日本語 雅',
  'RTL: שלום עולם مرحبا بالعالم end',
  '-starts with a dash --flag',
  'Enter',
  'C-c',
  '#{session_name} #(touch /tmp/miyabi-pwned)',
  'x'.repeat(4000),
];

const HEADER = /^\[from tester #[0-9a-f]{8}\] /;

describe.skipIf(!RUN)('miyabi delivers into a real Claude Code', () => {
  let server: ModelServer;
  let p: TestProject;

  beforeAll(async () => {
    server = await startModelServer({ reply: 'OK from the test model' });
    p = makeProject('miyabi-claude');
    await claudeLayout(p, server, 'cl', [['claude', p.root]]);
    const up = await p.miyabi(['up', '-l', 'claude.yaml', '--detach']);
    expect(up.exitCode, up.stderr).toBe(0);
  }, 11 * 60_000);

  afterAll(async () => {
    await p?.cleanup();
    await server?.close();
  });

  it('each message is one user turn, byte for byte, exactly once', async () => {
    for (const text of CORPUS) {
      const before = server.turns().length;
      const r = await p.miyabi(['send', 'claude', '--from', 'tester', '--stdin', '--wait', '--timeout', '60'], { input: text });
      expect(r.stdout, r.stderr).toMatch(/^delivered .* \(submitted\)$/m);
      await until(() => server.turns().length > before, `the model to see ${JSON.stringify(text.slice(0, 20))}`, 30_000);
      const turn = server.turns()[before]!;
      expect(turn).toMatch(HEADER);
      expect(turn.replace(HEADER, '')).toBe(text);
      await until(async () => (await p.miyabi(['inbox', 'claude', '--json'])).stdout.includes('"delivered"'), 'inbox');
    }
    expect(server.turns()).toHaveLength(CORPUS.length);
  }, 10 * 60_000);

  it('a message sent while Claude is busy is queued by the agent, then reaches the model once', async () => {
    const before = server.turns().length;
    server.hold();
    const first = await p.miyabi(['send', 'claude', '--from', 'tester', 'keep busy', '--wait', '--now'], {});
    expect(first.stdout).toContain('delivered');
    await until(() => server.pending() > 0, 'the first reply to be held');
    const second = await p.miyabi(['send', 'claude', '--from', 'tester', 'while you were busy', '--wait', '--now']);
    expect(second.stdout).toMatch(/delivered .* \(queued by the agent\)/);
    server.release();
    await until(() => server.turns().length >= before + 2, 'the queued turn', 60_000);
    const turns = server.turns().slice(before).map((t) => t.replace(HEADER, ''));
    expect(turns.filter((t) => t === 'while you were busy')).toHaveLength(1);
    expect(turns.filter((t) => t === 'keep busy')).toHaveLength(1);
  }, 5 * 60_000);
});
