import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';

/** A fresh temporary folder per test, removed afterwards. Read `.path` inside tests. */
export function useTmpRoot(prefix = 'miyabi-core-'): { path: string } {
  const box = { path: '' };
  beforeEach(() => {
    box.path = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(() => {
    rmSync(box.path, { recursive: true, force: true });
  });
  return box;
}
