/**
 * A cheap guard run before the YAML parser, which recurses once per nesting level: about a thousand
 * `[` overflow its stack, slowly. Config files need a handful of levels, so anything past the limit
 * is refused with its position instead. It counts flow brackets that open a node (after `:`, `-`,
 * `,`, `[`, `{`, `?` or at a line start; not `echo [x` inside a plain scalar), skipping quoted text and
 * comments, and the `- - - x` compact sequences at a line start. Indentation-only nesting costs
 * quadratic space, so the size cap bounds it; a stack overflow that still happens is caught.
 */
export const MAX_NESTING = 64;

const OPENS_NODE = new Set([':', '-', ',', '[', '{', '?', '\n']);

/** Offset of the first place nested deeper than `max`, or -1. */
export function tooDeepAt(text: string, max = MAX_NESTING): number {
  let depth = 0;
  let quote: '"' | "'" | null = null;
  let prev = '\n'; // last significant (non-blank) character
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (quote !== null) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) [quote, prev] = [null, c];
      continue;
    }
    if (prev === '\n' && c !== '\n') {
      let dashes = 0;
      let j = i;
      while (text[j] === ' ') j++;
      while (text[j] === '-' && (text[j + 1] === ' ' || text[j + 1] === '\t')) {
        if (++dashes > max) return j;
        j += 2;
        while (text[j] === ' ' || text[j] === '\t') j++;
      }
    }
    if (c === ' ' || c === '\t' || c === '\r') continue;
    if ((c === '"' || c === "'") && OPENS_NODE.has(prev)) quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1] ?? ''))) {
      const nl = text.indexOf('\n', i);
      if (nl < 0) break;
      i = nl - 1;
      continue;
    } else if ((c === '[' || c === '{') && OPENS_NODE.has(prev)) {
      if (++depth > max) return i;
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
    prev = c;
  }
  return -1;
}

/** 1-based line and column of `offset` in `text`. */
export function lineColAt(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: offset - start + 1 };
}
