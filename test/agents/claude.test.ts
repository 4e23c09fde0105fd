import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startClaude, type ClaudePane } from '../helpers/agents/claude-pane.js';
import { CLAUDE_SCREEN, inputText, isBusy, isReady } from '../helpers/agents/claude-screen.js';
import { ensureClaude } from '../helpers/agents/install.js';
import { deliver, submitTurn as submit, waitReady as ready } from '../helpers/agents/turns.js';
import { startModelServer, type ModelServer } from '../helpers/agents/model-server.js';

/**
 * A real Claude Code (test/helpers/agents/install.ts pins the version) in a private tmux pane,
 * against the fake model server: what is pasted reaches the model as one user turn, byte for byte,
 * exactly once. Runs only in `npm run test:agents`. See FINDINGS.md for what was learnt.
 */
const RUN = process.env.MIYABI_AGENT_TESTS === '1';

/** Strings that arrive unchanged with the recipe (paste-buffer -p, then Enter at once). */
const CORPUS: string[] = [
  'hello world',
  'line one\nline two\n\nline four',
  `echo "double" 'single' $(touch /tmp/miyabi-should-not-exist) \${HOME} $PATH`,
  'run `ls -la` and ``nested`` backticks',
  'ends with a semicolon;',
  'a;b; c \\; d;',
  'back\\slash\\\\double\\ inside',
  'emoji 🎉👩‍💻 and CJK 日本語 雅',
  'RTL: שלום עולם مرحبا بالعالم end',
  '-starts with a dash --flag',
  'Enter',
  'C-c',
  '  two leading spaces',
  '\n\nleading and trailing newlines\n\n',
  '? a question mark first',
  '# a hash first',
  '@nofile a mention first',
  '/tmp/a/path first is not a command',
  '<b>markup</b> & entities &amp; <session>x</session>',
];

describe.skipIf(!RUN)('real Claude Code in a private tmux pane', () => {
  let server: ModelServer;
  let pane: ClaudePane;

  beforeAll(async () => {
    await ensureClaude();
    server = await startModelServer({ reply: 'OK from the test model' });
    pane = await startClaude({ baseUrl: server.url });
  });

  afterAll(async () => {
    await pane?.stop();
    await server?.close();
  });

  it('reaches its idle prompt with an empty input line', async () => {
    const s = await pane.waitForScreen(CLAUDE_SCREEN.idle);
    expect(s).toMatch(CLAUDE_SCREEN.promptLine);
    expect(isBusy(s)).toBe(false);
    expect(inputText(pane.screenWithAttributes())).toBe('');
    expect(server.requests().some((r) => r.kind === 'probe')).toBe(true);
  });

  it.each(CORPUS.map((text) => [JSON.stringify(text), text]))('delivers %s as one user turn, byte for byte', async (_, text) => {
    expect(await submit(pane, server, text)).toEqual([text]);
  });

  it('delivers 16 KiB whole; the input line shows it folded as [Pasted text #N +M lines]', async () => {
    let big = '';
    for (let i = 0; Buffer.byteLength(big) < 16 * 1024; i++) big += `line ${i}: the quick brown fox «jumps» over the lazy dog 🐕\n`;
    big = big.slice(0, 16 * 1024 - 4) + 'END.';
    await ready(pane);
    const before = server.turns().length;
    pane.paste(big, { enter: false });
    await vi.waitFor(() => expect(inputText(pane.screenWithAttributes())).toMatch(/^\[Pasted text #\d+ \+\d+ lines\]$/));
    pane.keys('Enter');
    await vi.waitFor(() => expect(server.turns().length).toBe(before + 1), { timeout: 20_000 });
    await ready(pane);
    expect(server.turns().slice(before)).toEqual([big]);
    expect(await submit(pane, server, `${big}\nagain`)).toEqual([`${big}\nagain`]);
  });

  it('half-typed text shows in the input line; C-u empties it; nothing is sent', async () => {
    await ready(pane);
    const before = server.requests().length;
    pane.paste('half typed, not sent', { enter: false });
    await vi.waitFor(() => expect(inputText(pane.screenWithAttributes())).toBe('half typed, not sent'));
    expect(pane.screen()).toMatch(/^❯\u00a0half typed, not sent$/m);
    pane.keys('C-u');
    await ready(pane);
    expect(server.requests().length).toBe(before);
  });

  it('is busy while the reply is held; text sent meanwhile is queued and reaches the model once after release', async () => {
    await ready(pane);
    const before = server.turns().length;
    server.hold();
    try {
      await deliver(pane, 'please hold');
      await vi.waitFor(() => expect(server.pending()).toBe(1), { timeout: 20_000 });
      // The spinner line (`✢ Levitating…`) is the sign; the footer says `esc to interrupt` only
      // when no hint (`paste again to expand`, for some seconds after a long paste) takes its place.
      const busy = await pane.waitForScreen(CLAUDE_SCREEN.spinner);
      expect(isBusy(busy)).toBe(true);
      expect(isReady(busy)).toBe(false);

      await deliver(pane, 'queued while busy');
      const queued = await pane.waitForScreen(CLAUDE_SCREEN.queued);
      expect(queued).toMatch(/^ {2}❯ queued while busy$/m);
      expect(inputText(pane.screenWithAttributes())).toBe('');
      expect(server.turns().slice(before)).toEqual(['please hold']);
    } finally {
      server.release();
    }
    await vi.waitFor(() => expect(server.turns().length).toBe(before + 2), { timeout: 20_000 });
    await ready(pane);
    expect(pane.screen()).toMatch(CLAUDE_SCREEN.turnEnd);
    expect(server.turns().slice(before)).toEqual(['please hold', 'queued while busy']);
  });

  it('two messages queued during one turn reach the model as ONE turn of two blocks', async () => {
    await ready(pane);
    const before = server.turns().length;
    server.hold();
    try {
      await deliver(pane, 'hold again');
      await vi.waitFor(() => expect(server.pending()).toBe(1), { timeout: 20_000 });
      await deliver(pane, 'queued B');
      await pane.waitForScreen(/^ {2}❯ queued B$/m);
      await deliver(pane, 'queued C');
      await pane.waitForScreen(/^ {2}❯ queued B\n {2}❯ queued C$/m);
    } finally {
      server.release();
    }
    await vi.waitFor(() => expect(server.turns().length).toBe(before + 2), { timeout: 20_000 });
    await ready(pane);
    expect(server.turnBlocks().slice(before)).toEqual([['hold again'], ['queued B\n', 'queued C']]);
  });
});

describe.skipIf(!RUN)('real Claude Code on its first run', () => {
  let server: ModelServer;
  let pane: ClaudePane;

  beforeAll(async () => {
    server = await startModelServer();
    pane = await startClaude({ baseUrl: server.url, firstRun: true });
  });

  afterAll(async () => {
    await pane?.stop();
    await server?.close();
  });

  it('asks to trust the folder, then whether to use the API key, then reaches its prompt', async () => {
    const trust = await pane.waitForScreen(CLAUDE_SCREEN.trustPrompt);
    expect(trust).toContain(pane.cwd);
    expect(trust).toMatch(/❯ 1\. Yes, I trust this folder$/m);
    expect(inputText(pane.screenWithAttributes())).toBeNull();
    pane.keys('Enter');
    const key = await pane.waitForScreen(CLAUDE_SCREEN.apiKeyPrompt);
    expect(key).toMatch(/❯ 2\. No \(recommended\)$/m);
    expect(key).toContain(`ANTHROPIC_API_KEY: sk-ant-...${pane.apiKey.slice(-20)}`);
    // One key at a time, each once the screen shows it: an Enter sent right behind Up can act on
    // the old choice (seen: `2. No` taken, then `Not logged in · Please run /login`).
    pane.keys('Up');
    await pane.waitForScreen(/❯ 1\. Yes$/m);
    pane.keys('Enter');
    await ready(pane);
    expect(await submit(pane, server, 'first turn after first run')).toEqual(['first turn after first run']);
  });
});
