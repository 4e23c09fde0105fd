import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FaultyFs } from '../../../src/core/faulty-fs.js';
import { O, fsyncDir, ioError, writeAll } from '../../../src/core/fs-port.js';
import { useTmpRoot } from './tmp-root.js';

const tmp = useTmpRoot();

describe('FaultyFs', () => {
  it('counts calls and fails exactly the Nth one with an EIO-like error', () => {
    const fs = new FaultyFs(undefined, { failAt: 2 });
    const p = join(tmp.path, 'a');
    const fd = fs.openSync(p, O.O_RDWR | O.O_CREAT, 0o600);
    expect(() => writeAll(fs, fd, Buffer.from('hello'), 0)).toThrow(/EIO: injected fault at op 2, writeSync/);
    writeAll(fs, fd, Buffer.from('hello'), 0); // op 3 succeeds: single failure
    fs.closeSync(fd);
    expect(readFileSync(p, 'utf8')).toBe('hello');
    expect(fs.fired).toBe(true);
    expect(fs.calls).toMatchObject({ openSync: 1, writeSync: 2, closeSync: 1 });
    expect(fs.openFds.size).toBe(0);
  });

  it('persistent mode keeps failing; a failing close still releases the descriptor', () => {
    const fs = new FaultyFs(undefined, { failAt: 2, persistent: true });
    const fd = fs.openSync(join(tmp.path, 'b'), O.O_RDWR | O.O_CREAT, 0o600);
    expect(() => fs.fsyncSync(fd)).toThrow(/op 2/);
    expect(() => fs.fsyncSync(fd)).toThrow(/op 3/);
    expect(() => fs.closeSync(fd)).toThrow(/op 4, closeSync/);
    expect(fs.openFds.size).toBe(0);
    expect(() => fs.closeSync(fd)).toThrow(); // really closed: EBADF or injected
  });

  it('partialWrites tears the write in half before failing', () => {
    const fs = new FaultyFs(undefined, { failAt: 2, partialWrites: true, only: ['openSync', 'writeSync'] });
    const p = join(tmp.path, 'c');
    const fd = fs.openSync(p, O.O_RDWR | O.O_CREAT, 0o600);
    expect(() => writeAll(fs, fd, Buffer.from('12345678'), 0)).toThrow();
    fs.closeSync(fd);
    expect(readFileSync(p, 'utf8')).toBe('1234');
  });

  it('fsyncDir and ioError name the path and keep the errno', () => {
    fsyncDir(new FaultyFs(), tmp.path);
    const fs = new FaultyFs(undefined, { failAt: 1, code: 'ENOSPC' });
    writeFileSync(join(tmp.path, 'd'), 'x');
    try {
      fs.renameSync(join(tmp.path, 'd'), join(tmp.path, 'e'));
      expect.unreachable();
    } catch (e) {
      const err = ioError('test: renaming', join(tmp.path, 'd'), e);
      expect(err.code).toBe('IO');
      expect(err.message).toContain(join(tmp.path, 'd'));
      expect(err.hint).toMatch(/free some disk space/);
      expect(err.detail).toMatchObject({ errno: 'ENOSPC' });
    }
  });
});
