import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryProfile } from '../../../src/delivery/profiles.js';
import { SubmitDelays } from '../../../src/delivery/submit-delays.js';

const profile = { name: 'codex', submitDelayMs: 50 } as DeliveryProfile;

describe('the learned wait before the submit key', () => {
  it('grows when the first key was missed, and only grows while keys are missed', () => {
    const d = new SubmitDelays();
    expect(d.get('a', profile)).toBeUndefined();
    d.learn('a', profile, { attempts: 2, delayMs: 700, outcome: 'submitted' });
    expect(d.get('a', profile)).toBe(700);
    d.learn('a', profile, { attempts: 3, delayMs: 400, outcome: 'submitted' });
    expect(d.get('a', profile)).toBe(700);
  });

  it("eases back to the profile's after first keys taken, so one slow start does not stay", () => {
    const d = new SubmitDelays();
    d.learn('a', profile, { attempts: 2, delayMs: 700, outcome: 'submitted' });
    d.learn('a', profile, { attempts: 1, outcome: 'submitted' });
    expect(d.get('a', profile)).toBe(525);
    for (let i = 0; i < 20 && d.get('a', profile) !== undefined; i++) d.learn('a', profile, { attempts: 1, outcome: 'submitted' });
    expect(d.get('a', profile)).toBeUndefined();
  });

  it('learns nothing from a message that was not confirmed, and keeps agents apart', () => {
    const d = new SubmitDelays();
    d.learn('a', profile, { attempts: 2, delayMs: 600, outcome: 'submitted' });
    d.learn('a', profile, { attempts: 1, outcome: 'unconfirmed' });
    expect(d.get('a', profile)).toBe(600);
    expect(d.get('b', profile)).toBeUndefined();
  });
});

describe('the learned wait across controller restarts', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const fresh = (): string => {
    dir = mkdtempSync(join(tmpdir(), 'miyabi-delays-'));
    return join(dir, 'submit-delays.json');
  };

  it('is read back by the next controller, for the same program only', () => {
    const file = fresh();
    new SubmitDelays(file).learn('a', profile, { attempts: 2, delayMs: 800, outcome: 'submitted' });
    const next = new SubmitDelays(file);
    expect(next.get('a', profile)).toBe(800);
    // The layout now runs another program in that pane: its wait is not this one's.
    expect(next.get('a', { name: 'claude' })).toBeUndefined();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ version: 1, agents: { a: { profile: 'codex', delayMs: 800 } } });
  });

  it('keeps the eased value, and forgets a wait eased back to the profile’s', () => {
    const file = fresh();
    const d = new SubmitDelays(file);
    d.learn('a', profile, { attempts: 2, delayMs: 100, outcome: 'submitted' });
    d.learn('a', profile, { attempts: 1, outcome: 'submitted' });
    expect(new SubmitDelays(file).get('a', profile)).toBe(75);
    d.learn('a', profile, { attempts: 1, outcome: 'submitted' });
    expect(new SubmitDelays(file).get('a', profile)).toBe(56);
    d.learn('a', profile, { attempts: 1, outcome: 'submitted' });
    expect(new SubmitDelays(file).get('a', profile)).toBeUndefined();
  });

  it('writes nothing while nothing is learned (a shell: every first key taken)', () => {
    const file = fresh();
    const d = new SubmitDelays(file);
    for (let i = 0; i < 5; i++) d.learn('sh', { name: 'shell', submitDelayMs: 0 } as DeliveryProfile, { attempts: 1, delayMs: 0, outcome: 'submitted' });
    expect(existsSync(file)).toBe(false);
  });

  it('says which file and what is wrong with it, and starts afresh', () => {
    const file = fresh();
    const errors: string[] = [];
    writeFileSync(file, '{"version":1,"agents":{"a":{"profile":"codex","delayMs":');
    expect(new SubmitDelays(file, (e) => errors.push(e)).get('a', profile)).toBeUndefined();
    expect(errors).toEqual([expect.stringMatching(new RegExp(`^${file}: not JSON .*start afresh$`))]);

    errors.length = 0;
    writeFileSync(file, JSON.stringify({ version: 1, agents: { a: { profile: 'codex', delayMs: 'soon' }, b: { profile: 'codex', delayMs: 90000 }, c: { profile: 'codex', delayMs: 300 } } }));
    const d = new SubmitDelays(file, (e) => errors.push(e));
    expect(errors).toEqual([expect.stringContaining(`${file}: agents.a: expected`), expect.stringContaining(`${file}: agents.b: expected`)]);
    expect(d.get('c', profile)).toBe(300);

    errors.length = 0;
    writeFileSync(file, '[]');
    new SubmitDelays(file, (e) => errors.push(e));
    expect(errors).toEqual([expect.stringContaining(`${file}: expected {"version":1`)]);
  });

  it('says so when the file cannot be written, and goes on learning in memory', () => {
    const errors: string[] = [];
    const file = join(fresh(), 'missing-folder', 'submit-delays.json');
    const d = new SubmitDelays(file, (e) => errors.push(e));
    d.learn('a', profile, { attempts: 2, delayMs: 400, outcome: 'submitted' });
    expect(d.get('a', profile)).toBe(400);
    expect(errors).toEqual([expect.stringMatching(new RegExp(`^${file}: not saved .*`))]);
  });
});
