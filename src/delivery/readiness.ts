import type { ParsedMessage } from '../bus/format.js';
import type { OutputTracker } from './output-tracker.js';
import type { DeliveryProfile } from './profiles.js';
import { squeeze } from './render.js';
import { inputArea, typedInArea } from './screen.js';
import type { PaneState, Typist } from './typist.js';

/**
 * Where typing would start (an absolute line), or why the pane cannot take a message now.
 * `blind`: the program has shown no prompt yet and its profile lets messages in anyway after
 * `readyGraceMs`; such a message counts as delivered only once a prompt shows after it (see
 * promptAfter), since a program still starting may drop what was typed, or be killed first.
 */
export type Readiness = { reason: string; retryMs: number } | { line: number; blind: boolean };

export async function readiness(typist: Typist, tracker: OutputTracker, profile: DeliveryProfile, paneId: string, msg: ParsedMessage): Promise<Readiness> {
  const st = await typist.state(paneId);
  if (st.gone) return { reason: 'pane is gone', retryMs: 1000 };
  if (st.dead) return { reason: 'pane is dead; waiting for it to be restarted', retryMs: 500 };
  const line = st.historySize + st.cursorY;
  if (!msg.flags.includes('now')) {
    const quiet = Date.now() - tracker.lastOutputAt(paneId);
    if (quiet < profile.settleMs) return { reason: `agent busy (output ${quiet} ms ago)`, retryMs: profile.settleMs - quiet + 5 };
  }
  if (profile.inputArea === 'screen' && profile.inputLine) return screenReadiness(typist, tracker, profile, paneId, st, line);
  if (st.alt) {
    // A full-screen program miyabi has no screen profile for: its prompt cannot be read, so it
    // gets a settled screen, some time to start, and never counts as submitted on what is seen.
    if (tracker.age(paneId) < UNKNOWN_TUI_START_MS) return { reason: 'waiting for the full-screen program to start', retryMs: 100 };
    const quiet = Date.now() - tracker.lastOutputAt(paneId);
    if (quiet < UNKNOWN_TUI_SETTLE_MS) return { reason: `agent busy (output ${quiet} ms ago)`, retryMs: UNKNOWN_TUI_SETTLE_MS - quiet + 5 };
    return { line, blind: false };
  }
  if (!profile.inputLine) return { line, blind: false };
  const prompt = profile.inputLine.exec(await typist.cursorLine(paneId, st));
  if (!prompt) {
    if (tracker.age(paneId) < profile.readyGraceMs) return { reason: 'waiting for the prompt (the program has not shown one yet)', retryMs: 100 };
    return { line, blind: true };
  }
  const input = prompt.groups?.input;
  if (input !== undefined && input.trim() !== '') return { reason: 'input line holds unsent text', retryMs: 500 };
  return { line, blind: false };
}

const UNKNOWN_TUI_START_MS = 1000;
const UNKNOWN_TUI_SETTLE_MS = 300;

/** A full-screen agent's prompt is the last row its input pattern matches, wherever the cursor is. */
async function screenReadiness(typist: Typist, tracker: OutputTracker, profile: DeliveryProfile, paneId: string, st: PaneState, line: number): Promise<Readiness> {
  const re = profile.inputLine as RegExp;
  const shot = await typist.shot(paneId, st);
  const area = inputArea(shot.rows, re);
  if (!area) {
    if (tracker.age(paneId) < profile.readyGraceMs) return { reason: 'waiting for the prompt (the program has not shown one yet)', retryMs: 100 };
    return { line, blind: true };
  }
  if (typedInArea(shot.rows, re, area).trim() !== '') return { reason: 'input line holds unsent text', retryMs: 500 };
  return { line, blind: false };
}

/**
 * After a message typed before any prompt: true once the program shows its prompt with the text
 * no longer in it (it started and read its input), false if no prompt comes within the profile's
 * confirmation time.
 */
export async function promptAfter(typist: Typist, tracker: OutputTracker, profile: DeliveryProfile, paneId: string, probe: string): Promise<boolean> {
  const re = profile.inputLine;
  if (!re) return true;
  const deadline = Date.now() + profile.confirmTimeoutMs;
  for (;;) {
    const mark = tracker.mark(paneId);
    const m = re.exec(await typist.cursorLine(paneId));
    if (m && !(probe !== '' && squeeze(m.groups?.input ?? '').includes(probe))) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    await tracker.waitFor(paneId, () => tracker.mark(paneId) > mark, left);
  }
}
