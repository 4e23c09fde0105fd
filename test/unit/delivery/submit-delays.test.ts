import { describe, expect, it } from 'vitest';
import type { DeliveryProfile } from '../../../src/delivery/profiles.js';
import { SubmitDelays } from '../../../src/delivery/submit-delays.js';

const profile = { submitDelayMs: 50 } as DeliveryProfile;

describe('the learned wait before the submit key', () => {
  it('grows when the first key was missed, and only grows while keys are missed', () => {
    const d = new SubmitDelays();
    expect(d.get('a')).toBeUndefined();
    d.learn('a', profile, { attempts: 2, delayMs: 700, outcome: 'submitted' });
    expect(d.get('a')).toBe(700);
    d.learn('a', profile, { attempts: 3, delayMs: 400, outcome: 'submitted' });
    expect(d.get('a')).toBe(700);
  });

  it("eases back to the profile's after first keys taken, so one slow start does not stay", () => {
    const d = new SubmitDelays();
    d.learn('a', profile, { attempts: 2, delayMs: 700, outcome: 'submitted' });
    d.learn('a', profile, { attempts: 1, outcome: 'submitted' });
    expect(d.get('a')).toBe(525);
    for (let i = 0; i < 20 && d.get('a') !== undefined; i++) d.learn('a', profile, { attempts: 1, outcome: 'submitted' });
    expect(d.get('a')).toBeUndefined();
  });

  it('learns nothing from a message that was not confirmed, and keeps agents apart', () => {
    const d = new SubmitDelays();
    d.learn('a', profile, { attempts: 2, delayMs: 600, outcome: 'submitted' });
    d.learn('a', profile, { attempts: 1, outcome: 'unconfirmed' });
    expect(d.get('a')).toBe(600);
    expect(d.get('b')).toBeUndefined();
  });
});
