import type { OutputTracker } from './output-tracker.js';
import type { DeliveryProfile } from './profiles.js';
import { squeeze } from './render.js';
import { flat, PASTE_PLACEHOLDER as PLACEHOLDER } from './screen.js';
import type { Typist } from './typist.js';

export type Submitted = 'submitted' | 'queued' | 'not-submitted';


/** The typed text still sits in the input line (or the program's placeholder for it does). */
export function stillTyped(line: string, probe: string): boolean {
  return PLACEHOLDER.test(line) || (probe !== '' && (line.includes(probe) || flat(line).includes(flat(probe))));
}

/** True once the pane has echoed the probe (or shown the profile's paste placeholder) since `mark`. */
export function echoed(tracker: OutputTracker, paneId: string, mark: number, probe: string): boolean {
  const seen = tracker.since(paneId, mark);
  // Flat: a program that draws spaces as cursor moves (`from\x1b[9Gconductor`) prints no spaces.
  return probe === '' ? squeeze(seen).length > 0 : flat(seen).includes(flat(probe)) || PLACEHOLDER.test(seen);
}

/**
 * After the submit key: the text has left the input line (submitted), or the program says it
 * queued it behind a running turn (queued). Checked on each burst of output until the deadline.
 */
export async function waitSubmitted(
  typist: Typist,
  tracker: OutputTracker,
  paneId: string,
  profile: DeliveryProfile,
  probe: string,
  mark: number,
): Promise<Submitted> {
  const deadline = Date.now() + profile.confirmTimeoutMs;
  let seenMark = mark;
  while (Date.now() < deadline) {
    const moved = await tracker.waitFor(paneId, () => tracker.mark(paneId) > seenMark, deadline - Date.now());
    seenMark = tracker.mark(paneId);
    if (!moved && seenMark === mark) break;
    const st = await typist.state(paneId);
    if (st.gone || st.dead) return 'not-submitted';
    const line = squeeze(await typist.cursorLine(paneId, st));
    if (stillTyped(line, probe)) continue;
    // A queued notice left from an earlier message counts only once this text has left the line.
    if (profile.queued && profile.queued.test(await typist.screen(paneId))) return 'queued';
    return 'submitted';
  }
  // Output may have ended before we looked: judge the screen as it stands.
  const line = squeeze(await typist.cursorLine(paneId));
  if (stillTyped(line, probe) || tracker.mark(paneId) === mark) return 'not-submitted';
  return profile.queued && profile.queued.test(await typist.screen(paneId)) ? 'queued' : 'submitted';
}
