/**
 * Maps between field paths and source positions in a parsed YAML document: a zod issue's path →
 * `line:col` (the field's value, or its key), and a YAML error's offset → the field path it sits in.
 * Works like `doc.getIn(path, true)` walking up until a node has a range, but also matches keys that
 * YAML typed as numbers or booleans (zod sees them as strings) and follows aliases to their anchors.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter } from 'yaml';
import type { PathSegment } from './config-issue.js';

export interface Position {
  line: number;
  col: number;
}

type Range = readonly [number, number, number];

function rangeOf(node: unknown): Range | undefined {
  const r = (node as { range?: Range | null } | null | undefined)?.range;
  return r ?? undefined;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  if (typeof key === 'string' || typeof key === 'number') return String(key);
  return undefined;
}

/** The source offset of the field at `path`: its value (default) or its key; the nearest parent when absent. */
export function offsetOf(doc: Document, path: readonly PathSegment[], at: 'key' | 'value' = 'value'): number {
  let node: unknown = doc.contents;
  let best = rangeOf(node)?.[0] ?? 0;
  for (let i = 0; i < path.length; i++) {
    if (isAlias(node)) node = node.resolve(doc);
    const seg = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => keyText(p.key) === String(seg));
      if (pair === undefined) break;
      const keyStart = rangeOf(pair.key)?.[0];
      if (last && at === 'key' && keyStart !== undefined) return keyStart;
      node = pair.value;
      // An empty value (`name:`) has a zero-width range at the end of the line; the key reads better.
      const valueStart = isScalar(node) && node.value === null ? undefined : rangeOf(node)?.[0];
      best = valueStart ?? keyStart ?? best;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      const start = rangeOf(node)?.[0];
      if (start === undefined) break;
      best = start;
    } else {
      break;
    }
  }
  return best;
}

export function positionOf(
  doc: Document,
  lc: LineCounter,
  path: readonly PathSegment[],
  at: 'key' | 'value' = 'value',
): Position {
  const { line, col } = lc.linePos(offsetOf(doc, path, at));
  return { line, col };
}

function end(r: Range | undefined): number {
  return r === undefined ? -1 : Math.max(r[2], r[0] + 1);
}

/**
 * The path of the deepest field whose key or value covers `offset` (for YAML syntax errors). A tag
 * or anchor in front of a value belongs to that value, so spans run from the key (or the end of the
 * previous item) to the end of the value.
 */
export function pathAtOffset(doc: Document, offset: number): PathSegment[] {
  const path: PathSegment[] = [];
  let node: unknown = doc.contents;
  for (let depth = 0; depth < 1000; depth++) {
    if (isMap(node)) {
      const pair = node.items.find((p) => {
        const start = rangeOf(p.key)?.[0];
        return start !== undefined && offset >= start && offset < Math.max(end(rangeOf(p.value)), end(rangeOf(p.key)));
      });
      const key = pair === undefined ? undefined : keyText(pair.key);
      if (pair === undefined || key === undefined) break;
      path.push(key);
      if (offset < end(rangeOf(pair.key))) break;
      node = pair.value;
    } else if (isSeq(node)) {
      const seqRange = rangeOf(node);
      if (seqRange === undefined || offset < seqRange[0]) break;
      const index = node.items.findIndex((item) => offset < end(rangeOf(item)));
      if (index < 0) break;
      path.push(index);
      node = node.items[index];
    } else {
      break;
    }
  }
  return path;
}
