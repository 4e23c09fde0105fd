/**
 * Values built on first use, not when the module loads (issue #17). zod builds each schema with
 * dozens of closures: the controller's start-up built every schema of the event catalogue, the
 * IPC protocol and the agent profiles to use a handful on `up`'s path (1,722 zod constructions
 * when the controller's bundle loaded; 609 with these built on first use).
 */

/** Each key's value made by its thunk on first read, then kept; keys enumerable as usual. */
export function lazily<const T extends Record<string, () => unknown>>(defs: T): { readonly [K in keyof T]: ReturnType<T[K]> } {
  const out = {};
  for (const [k, make] of Object.entries(defs)) {
    let made: { v: unknown } | undefined;
    Object.defineProperty(out, k, { enumerable: true, get: () => (made ??= { v: make() }).v });
  }
  return out as { readonly [K in keyof T]: ReturnType<T[K]> };
}

type Both<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** One object with every key of each, read through (a spread would build every schema at once). */
export function joined<const L extends readonly object[]>(...parts: L): Both<L[number]> {
  const out = {};
  for (const p of parts) Object.defineProperties(out, Object.getOwnPropertyDescriptors(p));
  return out as Both<L[number]>;
}
