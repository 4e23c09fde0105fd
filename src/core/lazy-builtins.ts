/**
 * Node built-ins that the quick verbs' modules may need but mostly do not, loaded on first use
 * (issue #17): node:crypto or node:child_process at start cost a verb about 7–10 % of a node
 * start each. Loaded with require(), never import(): in the verbs' CommonJS bundles a dynamic
 * import() starts node's ESM loader, another 10 %.
 */
import { createRequire } from 'node:module';

const req = createRequire(import.meta.url);

export const lazyNet = (): typeof import('node:net') => req('node:net') as typeof import('node:net');
export const lazyCrypto = (): typeof import('node:crypto') => req('node:crypto') as typeof import('node:crypto');
export const lazyChildProcess = (): typeof import('node:child_process') => req('node:child_process') as typeof import('node:child_process');

/** `bytes` random bytes as hex (temp-file names, tokens). */
export function randomHex(bytes: number): string {
  return lazyCrypto().randomBytes(bytes).toString('hex');
}
