import type { DeliveryProfile } from './profiles.js';

/** Each first-key success takes this share of the learned wait before the submit key. */
const EASE = 0.75;

/**
 * Per agent, the wait before the submit key learned from a paste window that ate one. It grows
 * when a key was missed, and eases back towards the profile's each time the first key is taken,
 * so one slow moment (a program still starting) does not slow every later message; a key missed
 * again costs a second key, never a second paste.
 */
export class SubmitDelays {
  private readonly learned = new Map<string, number>();

  get(agent: string): number | undefined {
    return this.learned.get(agent);
  }

  learn(agent: string, profile: DeliveryProfile, res: { attempts: number; delayMs?: number; outcome: string }): void {
    const known = this.learned.get(agent);
    if (res.delayMs !== undefined && res.attempts > 1) {
      this.learned.set(agent, Math.max(known ?? 0, res.delayMs));
    } else if (known !== undefined && res.attempts === 1 && res.outcome !== 'unconfirmed') {
      const eased = Math.round(known * EASE);
      if (eased <= profile.submitDelayMs) this.learned.delete(agent);
      else this.learned.set(agent, eased);
    }
  }
}
