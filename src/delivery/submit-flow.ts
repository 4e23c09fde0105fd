import { echoed, waitSubmitted } from './confirm.js';
import type { OutputTracker } from './output-tracker.js';
import type { DeliveryProfile } from './profiles.js';
import { promptAfter } from './readiness.js';
import { countText, findText, flat, holds, inputArea, PASTE_PLACEHOLDER, type Shot, type Span } from './screen.js';
import type { Typist } from './typist.js';

export interface FlowDeps {
  typist: Typist;
  tracker: OutputTracker;
  closed(): boolean;
  /** Says why the message is still in hand (for `inbox`), or clears it with null. */
  note(reason: string | null): void;
  sleep?(ms: number): Promise<void>;
  /** The agent's own hook said it took a prompt holding `probe` since `since` (epoch ms). */
  hookSaw?(probe: string, since: number): boolean;
}

export interface FlowInput {
  paneId: string;
  profile: DeliveryProfile;
  text: string;
  probe: string;
  /** Absolute pane line where typing begins. */
  line: number;
  /** Typed before the program showed a prompt (readiness.ts). */
  blind: boolean;
  /** The pane is on the alternate screen (readiness has just looked). */
  alt: boolean;
  /** The wait between the paste being drawn and the submit key that worked last time. */
  delayMs: number;
}

export type Outcome = 'submitted' | 'queued' | 'typed' | 'unconfirmed';
export interface FlowResult {
  outcome: Outcome;
  reason?: string;
  attempts: number;
  /** The wait before the submit key that worked (to learn), when one did. */
  delayMs?: number;
}

/** A full-screen program with no profile for its screen waits this long before the submit key. */
export const UNKNOWN_TUI_DELAY_MS = 400;
/** The screen must have been still this long before the submit key (the program took the paste). */
const STILL_MS = 40;
/** After the submit key: the text still in the input area, and nothing drawn for this long: not taken. */
const HELD_QUIET_MS = 250;
export const MAX_DELAY_MS = 3000;
/** How long a last submit key may wait for the agent's own hook to say it took the prompt. */
const HOOK_GRACE_MS = 3000;

/**
 * Pastes `text` once, and never again: tmux has handed it to the pane, and a program that has
 * not drawn it yet (busy, stalled) will read it later, so typing it again would double it. Then
 * waits for the program to show it, waits out its paste window, and sends the submit key (only
 * the key, never the text, on a retry) until the input area no longer holds it.
 */
export async function pasteAndSubmit(d: FlowDeps, f: FlowInput): Promise<FlowResult> {
  const sleep = d.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const { typist, tracker } = d;
  const { paneId, profile, probe } = f;
  // A pane on the alternate screen is read as a screen; without a profile for it, by where the text was drawn.
  const known = profile.inputArea === 'screen';
  const screenMode = known || f.alt;
  const inputLine = known ? profile.inputLine : undefined;
  const before = screenMode ? await typist.shot(paneId) : null;
  const countBefore = before ? countText(before.rows, probe) : 0;
  const placeholdersBefore = before ? countText(before.rows, '[Pasted') : 0;

  const mark = tracker.mark(paneId);
  await typist.paste(paneId, f.text);
  const pastedAt = Date.now();

  // 1. Wait for the program to draw it: as long as the profile lets it take, typing nothing again.
  let drawn: Span | null = null;
  let last: Shot | null = before;
  let lastMark = mark;
  const look = async (): Promise<boolean> => {
    if (!screenMode) return echoed(tracker, paneId, mark, probe);
    lastMark = tracker.mark(paneId);
    last = await typist.shot(paneId);
    if (inputLine) {
      if (!holds(last, probe, { inputLine })) return false;
      drawn = inputArea(last.rows, inputLine);
      return true;
    }
    const placeholder = countText(last.rows, '[Pasted') > placeholdersBefore && PASTE_PLACEHOLDER.test(last.rows.join('\n'));
    if (countText(last.rows, probe) <= countBefore && !placeholder) return false;
    drawn = findText(last.rows, probe) ?? placeholderRow(last.rows);
    return drawn !== null;
  };
  let seen = -1;
  let shown = await look();
  while (!shown && !d.closed()) {
    const waited = Date.now() - pastedAt;
    if (waited >= profile.readLimitMs) break;
    if (waited >= profile.confirmTimeoutMs) d.note(`agent unresponsive: pasted ${Math.round(waited / 1000)} s ago and not shown yet; waiting up to ${Math.round(profile.readLimitMs / 1000)} s, typing nothing again`);
    seen = tracker.mark(paneId);
    const s = seen;
    await tracker.waitFor(paneId, () => tracker.mark(paneId) > s, Math.min(500, profile.readLimitMs - waited));
    shown = await look();
  }
  d.note(null);
  if (!shown && !screenMode) shown = flat(await typist.screenSince(paneId, f.line)).includes(flat(probe));
  if (!shown) {
    const secs = Math.round((Date.now() - pastedAt) / 1000);
    return { outcome: 'unconfirmed', attempts: 1, reason: `pasted once; the agent did not show it within ${secs} s (unresponsive); not typed again` };
  }

  // 2. The submit key, after the program has taken the paste; again (the key only) while it holds it.
  let delay = screenMode && !known ? Math.max(f.delayMs, UNKNOWN_TUI_DELAY_MS) : f.delayMs;
  const drawnAt = Date.now();
  let firstKeyAt = 0;
  for (let attempt = 1; attempt <= profile.maxAttempts && !d.closed(); attempt++) {
    if (screenMode) {
      await stillFor(tracker, paneId, STILL_MS, sleep);
      const wait = drawnAt + delay - Date.now();
      if (wait > 0) await sleep(wait);
    } else if (delay > 0) await sleep(delay);
    // The screen as the key finds it: what the program draws in answer to the key is told from it.
    if (screenMode && tracker.mark(paneId) > lastMark) {
      lastMark = tracker.mark(paneId);
      last = await typist.shot(paneId);
    }
    const keyMark = tracker.mark(paneId);
    const busyBefore = profile.busy && last ? profile.busy.test(last.rows.join('\n')) : false;
    await typist.submit(paneId, { ...profile, submitDelayMs: 0 }, attempt > 1);
    firstKeyAt ||= Date.now();
    const usedDelay = Date.now() - (screenMode ? drawnAt : pastedAt);
    if (screenMode) {
      const v = await screenVerdict(d, f, { inputLine, drawn, busyBefore, keyMark, keyScreen: last?.rows.join('\n') ?? null, last: attempt === profile.maxAttempts });
      if (v !== 'held') return { outcome: known || v === 'queued' ? v : 'typed', attempts: attempt, delayMs: usedDelay };
    } else {
      const v = await waitSubmitted(typist, tracker, paneId, profile, probe, keyMark);
      if (v !== 'not-submitted') {
        if (f.blind && !(await promptAfter(typist, tracker, profile, paneId, probe))) {
          return { outcome: 'unconfirmed', attempts: attempt, reason: 'typed before the program showed its prompt, and no prompt came after it' };
        }
        return { outcome: v, attempts: attempt, delayMs: delay };
      }
    }
    // Taken as a newline (a paste window longer than the wait), or missed: wait longer, key again.
    delay = Math.min(MAX_DELAY_MS, Math.max(200, delay * 2));
  }
  // A hook runs a process of its own and may come after the screen settled: the last word is its.
  if (screenMode && d.hookSaw && firstKeyAt > 0) {
    const until = Date.now() + Math.min(profile.confirmTimeoutMs, HOOK_GRACE_MS);
    while (Date.now() < until && !d.hookSaw(probe, firstKeyAt)) await sleep(100);
    if (d.hookSaw(probe, firstKeyAt)) return { outcome: 'submitted', attempts: profile.maxAttempts };
  }
  return { outcome: 'unconfirmed', attempts: profile.maxAttempts, reason: `still in the input area after ${profile.maxAttempts} submit keys; left there, not typed again` };
}

/** After the submit key: the input area let go of the text (or a turn began), or it still holds it. */
async function screenVerdict(
  d: FlowDeps,
  f: FlowInput,
  o: { inputLine: RegExp | undefined; drawn: Span | null; busyBefore: boolean; keyMark: number; keyScreen: string | null; last: boolean },
): Promise<'submitted' | 'queued' | 'held'> {
  const { typist, tracker } = d;
  const keyAt = Date.now();
  const deadline = keyAt + f.profile.confirmTimeoutMs;
  for (;;) {
    if (d.hookSaw?.(f.probe, keyAt)) return 'submitted';
    const shot = await typist.shot(f.paneId);
    const screen = shot.rows.join('\n');
    const held = holds(shot, f.probe, o.inputLine ? { inputLine: o.inputLine } : o.drawn ? { drawn: o.drawn } : {});
    if (!held) return f.profile.queued?.test((shot.all ?? shot.rows).join('\n')) ? 'queued' : 'submitted';
    if (o.inputLine && f.profile.busy && !o.busyBefore && f.profile.busy.test(screen)) return 'submitted';
    const now = Date.now();
    const quiet = now - Math.max(tracker.lastOutputAt(f.paneId), keyAt);
    // Held once the program changed its screen after the key and went still with the text in
    // place (an Enter taken as a newline grows the box). One that has changed nothing yet (busy,
    // slow under load, or only redrawing the cursor as Codex does while it starts a turn) is
    // given the whole confirmation time, and so is the last key: a second key there is wasted,
    // and would teach a delay the program never needed.
    const reacted = tracker.mark(f.paneId) > o.keyMark && (o.keyScreen === null || screen !== o.keyScreen);
    if ((reacted && !o.last && quiet >= HELD_QUIET_MS) || now >= deadline) return 'held';
    const m = tracker.mark(f.paneId);
    // Past the quiet time with nothing changed, new output (or the hook, looked at each 50 ms) is
    // all there is to wait for: no capture-pane in a tight loop.
    await tracker.waitFor(f.paneId, () => tracker.mark(f.paneId) > m, Math.min(Math.max(HELD_QUIET_MS - quiet + 5, 50), deadline - now));
  }
}

async function stillFor(tracker: OutputTracker, paneId: string, ms: number, sleep: (ms: number) => Promise<void>): Promise<void> {
  const cap = Date.now() + 1000;
  for (;;) {
    const quiet = Date.now() - tracker.lastOutputAt(paneId);
    if (quiet >= ms || Date.now() >= cap) return;
    await sleep(ms - quiet);
  }
}

function placeholderRow(rows: readonly string[]): Span | null {
  for (let y = rows.length - 1; y >= 0; y--) if (PASTE_PLACEHOLDER.test(rows[y] ?? '')) return { start: y, end: y };
  return null;
}
