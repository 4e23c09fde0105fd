/**
 * Test double for FsPort: counts every call and can fail the Nth one, as SQLite's I/O error tests
 * do ("fail at op N", then N+1, … until the operation completes). With `persistent`, every call
 * from the Nth on fails too, which also models a crash at that point: nothing after it happens,
 * not even the caller's cleanup.
 *
 * Failures look like real fs errors (`code: 'EIO'` by default). Two details follow Linux:
 * a failing `closeSync` still releases the descriptor, and with `partialWrites` a failing
 * `writeSync` first writes half of its bytes (a torn write), so callers must undo it.
 */
import type { Stats } from 'node:fs';
import { type FsPort, realFs } from './fs-port.js';

export type FsOp = keyof FsPort;

export interface FaultyFsOptions {
  /** 1-based index of the counted call that fails; undefined = never fail (a counting wrapper). */
  failAt?: number;
  /** Fail every counted call from `failAt` on (a crash, or a disk that stays broken). */
  persistent?: boolean;
  /** Count only these operations (default: all). */
  only?: readonly FsOp[];
  /** errno code of the injected error (default 'EIO'). */
  code?: string;
  /** A failing writeSync writes half of its bytes before throwing. */
  partialWrites?: boolean;
}

export class FaultyFs implements FsPort {
  /** Counted calls so far. */
  count = 0;
  /** Calls per operation (all calls, counted or not). */
  readonly calls: Partial<Record<FsOp, number>> = {};
  /** Number of injected failures so far. */
  failures = 0;
  /** Descriptors opened through this port and not closed yet (leak check). */
  readonly openFds = new Map<number, string>();
  /** Every call as "op arg", for debugging a failing iteration. */
  readonly log: string[] = [];

  constructor(
    private readonly inner: FsPort = realFs,
    private readonly options: FaultyFsOptions = {},
  ) {}

  /** True once the injected failure has fired. */
  get fired(): boolean {
    return this.failures > 0;
  }

  private gate(op: FsOp, arg: string | number, onFail?: () => void): void {
    this.calls[op] = (this.calls[op] ?? 0) + 1;
    this.log.push(`${op} ${arg}`);
    const { failAt, persistent, only } = this.options;
    if (only && !only.includes(op)) return;
    this.count += 1;
    if (failAt === undefined) return;
    if (this.count === failAt || (persistent === true && this.count > failAt)) {
      this.failures += 1;
      onFail?.();
      const code = this.options.code ?? 'EIO';
      const err = new Error(`${code}: injected fault at op ${this.count}, ${op} ${arg}`);
      throw Object.assign(err, { code, syscall: op, injected: true });
    }
  }

  openSync(path: string, flags: number, mode?: number): number {
    this.gate('openSync', path);
    const fd = this.inner.openSync(path, flags, mode);
    this.openFds.set(fd, path);
    return fd;
  }

  closeSync(fd: number): void {
    this.gate('closeSync', fd, () => {
      // Like Linux: the descriptor is gone even when close reports an error.
      this.openFds.delete(fd);
      this.inner.closeSync(fd);
    });
    this.openFds.delete(fd);
    this.inner.closeSync(fd);
  }

  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number {
    this.gate('readSync', fd);
    return this.inner.readSync(fd, buffer, offset, length, position);
  }

  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number {
    this.gate('writeSync', fd, () => {
      if (this.options.partialWrites && length > 1) {
        this.inner.writeSync(fd, buffer, offset, Math.floor(length / 2), position);
      }
    });
    return this.inner.writeSync(fd, buffer, offset, length, position);
  }

  fsyncSync(fd: number): void {
    this.gate('fsyncSync', fd);
    this.inner.fsyncSync(fd);
  }

  ftruncateSync(fd: number, length: number): void {
    this.gate('ftruncateSync', fd);
    this.inner.ftruncateSync(fd, length);
  }

  fstatSync(fd: number): Stats {
    this.gate('fstatSync', fd);
    return this.inner.fstatSync(fd);
  }

  fchmodSync(fd: number, mode: number): void {
    this.gate('fchmodSync', fd);
    this.inner.fchmodSync(fd, mode);
  }

  renameSync(from: string, to: string): void {
    this.gate('renameSync', `${from} -> ${to}`);
    this.inner.renameSync(from, to);
  }

  unlinkSync(path: string): void {
    this.gate('unlinkSync', path);
    this.inner.unlinkSync(path);
  }

  mkdirSync(path: string, options: { recursive?: boolean; mode?: number }): void {
    this.gate('mkdirSync', path);
    this.inner.mkdirSync(path, options);
  }

  readdirSync(path: string): string[] {
    this.gate('readdirSync', path);
    return this.inner.readdirSync(path);
  }

  readFileSync(path: string): Buffer {
    this.gate('readFileSync', path);
    return this.inner.readFileSync(path);
  }

  statSync(path: string): Stats {
    this.gate('statSync', path);
    return this.inner.statSync(path);
  }

  lstatSync(path: string): Stats {
    this.gate('lstatSync', path);
    return this.inner.lstatSync(path);
  }

  readlinkSync(path: string): string {
    this.gate('readlinkSync', path);
    return this.inner.readlinkSync(path);
  }
}
