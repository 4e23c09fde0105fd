import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLAUDE_SCREEN, inputText, isBusy, isReady } from '../helpers/agents/claude-screen.js';

/**
 * The screen patterns against the recorded fixtures (record-fixtures.test.ts). No agent runs
 * here. These fixtures are what later state-detection code should be tested on.
 */
const RUN = process.env.MIYABI_AGENT_TESTS === '1';
const DIR = join(import.meta.dirname, 'fixtures');
const text = (name: string) => readFileSync(join(DIR, `claude-${name}.txt`), 'utf8');
const ansi = (name: string) => readFileSync(join(DIR, `claude-${name}.ansi`), 'utf8');

interface Expect {
  ready: boolean;
  busy: boolean;
  /** inputText of the .ansi capture (undefined: there is none). */
  input?: string | null;
  matches?: RegExp[];
  notMatches?: RegExp[];
}

const CASES: Record<string, Expect> = {
  idle: { ready: true, busy: false, input: '', matches: [CLAUDE_SCREEN.idle] },
  'idle-after-turn': { ready: true, busy: false, input: '', matches: [CLAUDE_SCREEN.idle, CLAUDE_SCREEN.turnEnd] },
  'half-typed': { ready: true, busy: false, input: 'half typed, not sent', notMatches: [CLAUDE_SCREEN.idle] },
  'pasted-fold': {
    ready: true,
    busy: false,
    input: '[Pasted text #1 +300 lines]',
    matches: [CLAUDE_SCREEN.pasted, /^ {2}paste again to expand/m],
  },
  busy: { ready: false, busy: true, input: '', matches: [CLAUDE_SCREEN.busy, CLAUDE_SCREEN.spinner] },
  // Text in the input line while busy: the footer goes blank, only the spinner says busy.
  'busy-typing': { ready: false, busy: true, input: 'typed while busy', notMatches: [CLAUDE_SCREEN.busy] },
  queued: {
    ready: false,
    busy: true,
    input: '',
    matches: [CLAUDE_SCREEN.queued, /^ {2}❯ typed while busy$/m],
  },
  'shell-mode': { ready: true, busy: false, input: 'echo from shell mode', matches: [CLAUDE_SCREEN.shellMode] },
  trust: {
    ready: false,
    busy: false,
    input: null,
    matches: [CLAUDE_SCREEN.trustPrompt, /^ Accessing workspace:$/m, /Enter to confirm · Esc to cancel/],
  },
  'api-key': {
    ready: false,
    busy: false,
    input: null,
    matches: [CLAUDE_SCREEN.apiKeyPrompt, /ANTHROPIC_API_KEY: sk-ant-\.\.\.\w{20}$/m, /❯ 2\. No \(recommended\)/],
  },
  'not-logged-in': { ready: true, busy: false, input: '', matches: [/⎿\s+Not logged in · Please run \/login/] },
  'no-config-exit': {
    ready: false,
    busy: false,
    matches: [/Unable to connect to Anthropic services/, /Failed to connect to api\.anthropic\.com: ENOTFOUND/],
  },
};

describe.skipIf(!RUN)('Claude Code screen fixtures', () => {
  it.each(Object.entries(CASES))('%s', (name, want) => {
    const screen = text(name);
    expect(isReady(screen)).toBe(want.ready);
    expect(isBusy(screen)).toBe(want.busy);
    for (const re of want.matches ?? []) expect(screen).toMatch(re);
    for (const re of want.notMatches ?? []) expect(screen).not.toMatch(re);
    if (want.input !== undefined) expect(inputText(ansi(name))).toBe(want.input);
    else expect(existsSync(join(DIR, `claude-${name}.ansi`))).toBe(false);
  });

  it('tells placeholder from typed text only with attributes: the plain capture looks the same', () => {
    expect(text('queued')).toMatch(/^❯\u00a0Press up to edit queued messages$/m);
    // `❯` NBSP, reverse-video cursor on `P`, then dim (SGR 2) `ress up to edit queued messages`.
    expect(ansi('queued')).toMatch(/❯\u00a0\x1b\[7m\x1b\[39mP\x1b\[0;2m\x1b\[39m\x1b\[49mress up to edit queued messages/);
    expect(text('half-typed')).toMatch(/^❯\u00a0half typed, not sent$/m);
    expect(ansi('half-typed')).toMatch(/❯\u00a0half typed, not sent\x1b\[7m$/m);
  });
});
