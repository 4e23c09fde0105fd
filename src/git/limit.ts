/**
 * Two small concurrency tools for git work on one repository.
 *
 * Git takes its own locks (`packed-refs.lock`, `config.lock`, `<ref>.lock`) and fails instead of
 * waiting when another git process holds one: two `git branch -D` at once can fail on
 * `.git/config.lock`. So everything that writes refs or config goes through `serialize(key)`,
 * while the heavy parts (status, building archive trees, deleting folders) run in parallel under
 * `mapLimit`.
 */

const chains = new Map<string, Promise<unknown>>();

/** Runs `fn` after every earlier call with the same key has settled (a per-key FIFO mutex). */
export function serialize<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const prev = chains.get(key) ?? Promise.resolve();
  const run = prev.then(fn, fn);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  chains.set(key, tail);
  void tail.then(() => {
    if (chains.get(key) === tail) chains.delete(key);
  });
  return run;
}

/** Maps `items` through `fn` with at most `limit` calls in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}
