import { MiyabiError } from '../../core/errors.js';

/**
 * Splits a conductor line into words the way a POSIX shell would, minus expansion:
 * - blanks (space, tab, newline) separate words;
 * - '…' keeps everything literally;
 * - "…" keeps everything, except that a backslash escapes `"`, `\`, `$` and `` ` ``;
 * - outside quotes a backslash makes the next character literal;
 * - quotes join with what touches them (`a"b c"d` is one word), and `""` is an empty word.
 * An unterminated quote or a trailing backslash is a USAGE error naming the column.
 */
export function splitArgs(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const ch = line[i] as string;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
      continue;
    }
    inWord = true;
    if (ch === '\\') {
      if (i + 1 >= line.length) throw usage('a trailing backslash escapes nothing', i);
      word += line[i + 1];
      i += 2;
      continue;
    }
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) throw usage('unterminated single quote', i);
      word += line.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (ch === '"') {
      let j = i + 1;
      for (;;) {
        if (j >= line.length) throw usage('unterminated double quote', i);
        const c = line[j] as string;
        if (c === '"') break;
        if (c === '\\' && j + 1 < line.length && '"\\$`'.includes(line[j + 1] as string)) {
          word += line[j + 1];
          j += 2;
          continue;
        }
        word += c;
        j++;
      }
      i = j + 1;
      continue;
    }
    word += ch;
    i++;
  }
  if (inWord) words.push(word);
  return words;
}

function usage(what: string, index: number): MiyabiError {
  return new MiyabiError('USAGE', `${what} (at column ${index + 1})`, {
    hint: 'quote with \'…\' or "…", and escape a quote inside with a backslash',
  });
}
