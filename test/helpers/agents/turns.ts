import { expect, vi } from 'vitest';
import type { ClaudePane } from './claude-pane.js';
import { inputText, isReady } from './claude-screen.js';
import type { ModelServer } from './model-server.js';

/** Waits until the agent is ready for a message: prompt on screen, nothing pending, input line empty. */
export async function waitReady(pane: ClaudePane, timeoutMs = 20_000): Promise<void> {
  await vi.waitFor(
    () => {
      const s = pane.screen();
      if (!isReady(s) || inputText(pane.screenWithAttributes()) !== '') throw new Error(`not ready:\n${s}`);
    },
    { timeout: timeoutMs, interval: 50 },
  );
}

const input = (pane: ClaudePane) => inputText(pane.screenWithAttributes());

/**
 * The delivery recipe that held up (FINDINGS.md): paste (load-buffer from stdin, paste-buffer
 * -p -d); wait until the input line shows it (the text, or `[Pasted text #N …]`); press Enter;
 * wait until the input line is empty again (submitted, or queued while busy); if it is not,
 * press Enter again, at most `enters` times. Claude Code drops an Enter that comes before it has
 * taken in the paste, which happens in the first few hundred ms after its prompt appears.
 * Returns how many Enters it took.
 */
export async function deliver(pane: ClaudePane, text: string, { enters = 3, settleMs = 5_000, submitMs = 1_500 } = {}): Promise<number> {
  pane.paste(text, { enter: false });
  await vi.waitFor(
    () => {
      if (!input(pane)) throw new Error(`paste not shown in the input line:\n${pane.screen()}`);
    },
    { timeout: settleMs, interval: 20 },
  );
  for (let n = 1; n <= enters; n++) {
    pane.keys('Enter');
    try {
      await vi.waitFor(
        () => {
          if (input(pane) !== '') throw new Error(`input line still holds text after Enter #${n}:\n${pane.screen()}`);
        },
        { timeout: submitMs, interval: 20 },
      );
      return n;
    } catch (e) {
      if (n === enters) throw e;
    }
  }
  return enters;
}

/**
 * Waits until ready, delivers `text` (deliver(), or with `raw` the bare recipe: paste then Enter
 * at once), waits until the model server has seen a new turn and the agent is ready again.
 * Returns the turns that arrived (exactly one, when delivery worked).
 */
export async function submitTurn(pane: ClaudePane, server: ModelServer, text: string, { raw = false } = {}): Promise<string[]> {
  await waitReady(pane);
  const before = server.turns().length;
  if (raw) pane.paste(text);
  else await deliver(pane, text);
  await vi.waitFor(() => expect(server.turns().length).toBeGreaterThan(before), { timeout: 20_000, interval: 50 });
  await waitReady(pane);
  return server.turns().slice(before);
}
