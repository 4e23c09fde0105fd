import { cells, plain } from '../../../src/delivery/screen-cells.js';
/**
 * What Claude Code 2.1.197 shows on its screen (tmux capture-pane), as seen in
 * test/agents/FINDINGS.md and the fixtures in test/agents/fixtures/. Plain-text patterns work on
 * `capture-pane -p`; `inputText` needs `capture-pane -p -e` (it tells placeholder text, which is
 * dim, from typed text).
 */
export const CLAUDE_SCREEN = {
  /**
   * The input line: `❯` and a NO-BREAK SPACE (U+00A0) in column 0, right under a rule; `!` + NBSP
   * in shell mode (text that starts with `!`: the `!` becomes the prompt).
   */
  promptLine: /^─+\n[❯!]\u00a0/m,
  /** Footer in shell mode. */
  shellMode: /^ {2}! for shell mode/m,
  /** Footer when idle with an empty input line. */
  idle: /^ {2}\? for shortcuts/m,
  /** Footer while a reply is pending (gone while text is being typed into the input line). */
  busy: /^ {2}esc to interrupt/m,
  /** The spinner line of a pending turn: `✢ Levitating…` (the glyph cycles). */
  spinner: /^[·✢✳✶✻✽*] [^\s…]+…/m,
  /** The line that ends a turn: `✻ Baked for 0s`, `✻ Worked for 3s`. */
  turnEnd: /^✻ \S+ for \d+[smh]/m,
  /** The input line's placeholder while submitted text waits for the turn to end. */
  queued: /^❯\u00a0Press up to edit queued messages$/m,
  /** A long or multi-line paste is folded into the input line. */
  pasted: /\[Pasted text #\d+(?: \+\d+ lines)?\]/,
  /** First run, folder not trusted. Enter picks the highlighted `1.`. */
  trustPrompt: /Yes, I trust this folder/,
  /** First run, key not approved: `2. No (recommended)` is highlighted; Up then Enter approves. */
  apiKeyPrompt: /Do you want to use this API key\?/,
} as const;

/** A reply is pending: the spinner line or the busy footer is on the screen. */
export function isBusy(screen: string): boolean {
  return CLAUDE_SCREEN.spinner.test(screen) || CLAUDE_SCREEN.busy.test(screen);
}

/**
 * Ready for the next message: the input line is on the screen and no reply is pending. (The
 * footer is not enough: after a paste it says `paste again to expand` for a while, not
 * `? for shortcuts`.) Whether the input line is empty needs `inputText` on an `-e` capture.
 */
export function isReady(screen: string): boolean {
  return CLAUDE_SCREEN.promptLine.test(screen) && !isBusy(screen);
}

// Reading SGR attributes cell by cell is the same job miyabi's delivery does: one implementation.


/**
 * The text in Claude Code's input line, from `capture-pane -p -e` output: '' when the line is
 * empty or shows only a placeholder (dim text, its first letter under the reverse-video cursor,
 * e.g. `Press up to edit queued messages`); null when no input line is on the screen (a menu, a
 * first-run prompt). A folded paste reads as its label, `[Pasted text #1 +248 lines]`. In shell
 * mode the leading `!` is the prompt, so `!echo hi` reads as `echo hi`. Rows are joined with
 * `\n`, so a long line that wraps on the screen reads as several lines.
 */
export function inputText(ansiScreen: string): string | null {
  const lines = ansiScreen.split('\n').map(cells);
  let start = -1;
  for (let i = 1; i < lines.length; i++) {
    const prev = lines[i - 1] ?? [];
    if (/^[❯!]\u00a0/.test(plain(lines[i] ?? [])) && plain(prev).startsWith('─')) start = i;
  }
  if (start < 0) return null;
  const rows: string[] = [];
  for (let i = start; i < lines.length; i++) {
    const row = lines[i] ?? [];
    if (i > start && plain(row).startsWith('─')) break;
    const body = row.slice(2); // `❯`/`!` + NBSP, or the two-space indent of a continuation line
    const kept = body.filter((c, k) => !c.dim && !(c.reverse && body[k + 1]?.dim));
    rows.push(plain(kept).trimEnd());
  }
  return rows.join('\n').trimEnd();
}
