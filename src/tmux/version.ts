import { MiyabiError } from '../core/errors.js';
import type { TmuxVersion } from './port.js';
import { missingError } from './errors.js';
import { runProcess } from './spawn.js';

/** Oldest tmux miyabi runs on: 3.2 brought `pause-after` and `paste-buffer -p` (RELIABILITY 12). */
export const MIN_VERSION = { major: 3, minor: 2 } as const;

/** Builds without a release number ("master", "openbsd-7.5") are taken as newer than any release. */
const UNNUMBERED = 999;

/**
 * Parses `tmux -V` output: "tmux 3.3a", "tmux 3.4", "tmux next-3.5", "tmux 3.3-rc",
 * "tmux master", "tmux openbsd-7.5". Throws TMUX_VERSION when it cannot be read.
 */
export function parseTmuxVersion(output: string): TmuxVersion {
  const raw = output.trim();
  const m = /^tmux\s+(?:next-)?(\d+)\.(\d+)[a-z]?(?:-rc\d*)?$/.exec(raw);
  if (m) return { raw, major: Number(m[1]), minor: Number(m[2]) };
  if (/^tmux\s+(master|openbsd-[\d.]+)$/.test(raw)) return { raw, major: UNNUMBERED, minor: 0 };
  throw new MiyabiError('TMUX_VERSION', `cannot read the tmux version from ${JSON.stringify(raw)}`, {
    hint: `miyabi needs tmux ${MIN_VERSION.major}.${MIN_VERSION.minor} or newer`,
  });
}

export function versionAtLeast(v: TmuxVersion, major: number, minor: number): boolean {
  return v.major > major || (v.major === major && v.minor >= minor);
}

export function assertSupported(v: TmuxVersion): TmuxVersion {
  if (!versionAtLeast(v, MIN_VERSION.major, MIN_VERSION.minor)) {
    throw new MiyabiError(
      'TMUX_VERSION',
      `${v.raw} is too old: miyabi needs tmux ${MIN_VERSION.major}.${MIN_VERSION.minor} or newer`,
      { hint: 'upgrade tmux (Debian 12 and Ubuntu 22.04 ship 3.2a or newer)', detail: { version: v.raw } },
    );
  }
  return v;
}

/** Runs `tmux -V` (no server needed). Throws TMUX_MISSING when tmux is not installed. */
export async function readTmuxVersion(timeoutMs = 3000): Promise<TmuxVersion> {
  const r = await runProcess('tmux', ['-V'], { timeoutMs });
  if (r.spawnError?.code === 'ENOENT') throw missingError(r.spawnError);
  if (r.exitCode !== 0 || r.spawnError) {
    throw new MiyabiError('TMUX_VERSION', `\`tmux -V\` failed: ${(r.stderr || r.spawnError?.message || '').trim()}`, {
      hint: 'check that tmux is installed and runs',
      cause: r,
    });
  }
  return parseTmuxVersion(r.stdout);
}
