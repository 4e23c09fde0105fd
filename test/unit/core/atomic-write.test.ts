import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../src/core/atomic-write.js';
import { MiyabiError } from '../../../src/core/errors.js';
import { FaultyFs } from '../../../src/core/faulty-fs.js';
import { useTmpRoot } from './tmp-root.js';

const tmp = useTmpRoot();

describe('writeFileAtomic', () => {
  it('replaces the file whole, with its mode, and leaves no temp file', () => {
    const f = join(tmp.path, 'state.json');
    writeFileSync(f, 'old');
    expect(writeFileAtomic(f, 'new text')).toBe(8);
    expect(readFileSync(f, 'utf8')).toBe('new text');
    expect(statSync(f).mode & 0o777).toBe(0o600);
    writeFileAtomic(f, 'x', { mode: 0o644, durable: false });
    expect(statSync(f).mode & 0o777).toBe(0o644);
    expect(readdirSync(tmp.path)).toEqual(['state.json']);
  });

  it('a fault at any step leaves the old file or the new one, never a mix, and cleans up', () => {
    const f = join(tmp.path, 'state.json');
    let completed = false;
    for (let n = 1; n < 30 && !completed; n++) {
      writeFileSync(f, 'old');
      const fs = new FaultyFs(undefined, { failAt: n });
      try {
        writeFileAtomic(f, 'new', { fs, what: 'test state' });
        completed = !fs.fired;
      } catch (e) {
        expect(e).toBeInstanceOf(MiyabiError);
        expect((e as Error).message).toMatch(/^test state: .*injected fault/);
      }
      expect(fs.openFds.size).toBe(0);
      expect(['old', 'new']).toContain(readFileSync(f, 'utf8'));
      expect(readdirSync(tmp.path)).toEqual(['state.json']);
    }
    expect(completed).toBe(true);
  });
});
