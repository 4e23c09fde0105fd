/**
 * A thin `miyabi up` and a spare controller (spare/serve.ts) speak one JSON line each way, then
 * one more from the spare:
 *
 *   up → spare   SpareRequest: the arguments, and the caller's folder, environment, umask, and
 *                whether it has a terminal;
 *   spare → up   { taken: true } once it runs the request, or a SpareDecline (not for it: the
 *                caller runs `up` itself, as if there were no spare);
 *   spare → up   SpareAnswer: what `up` says on each stream, and its exit code; for an `up` in a
 *                terminal, the session the caller then attaches to itself.
 *
 * A connection that ends before the answer is a decline too: `up` is safe to run again (a second
 * `up` adds nothing), so the caller runs it itself.
 */
export interface SpareRequest {
  args: string[];
  cwd: string;
  env: Record<string, string>;
  umask: number;
  /** The caller's stdin and stdout are a terminal: a plain `up` attaches it. */
  tty: boolean;
}

export type SpareDecline = { declined: string };
export type SpareAnswer = { out: string; err: string; code: number; attach?: { socket: string; session: string } };
export type SpareReply = { taken: true } | SpareDecline | SpareAnswer;

/** The longest request line a spare reads (an environment is a few KB; 1 MB is generous). */
export const MAX_SPARE_REQUEST = 1 << 20;

/** The request, or why it is not one. */
export function parseSpareRequest(line: string): SpareRequest | string {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return 'not JSON';
  }
  const r = v as Partial<SpareRequest> | null;
  if (!r || typeof r !== 'object') return 'not an object';
  if (!Array.isArray(r.args) || !r.args.every((a) => typeof a === 'string')) return 'args: not a list of strings';
  if (typeof r.cwd !== 'string' || !r.cwd.startsWith('/')) return 'cwd: not an absolute path';
  if (!r.env || typeof r.env !== 'object' || !Object.values(r.env).every((x) => typeof x === 'string')) return 'env: not a map of strings';
  if (typeof r.umask !== 'number' || !Number.isInteger(r.umask) || r.umask < 0 || r.umask > 0o777) return 'umask: not a mode';
  if (typeof r.tty !== 'boolean') return 'tty: not a boolean';
  return r as SpareRequest;
}
