/**
 * Tab completion for the conductor: verbs first, then the verb's flags, agent names (and
 * `@agent`), pipelines, run ids and task ids where the verb takes them. Pure: what completes is
 * unit-tested; the REPL fetches the names (completion-source.ts) and hands them here.
 */
import type { VerbSpec } from './verbs.js';

export interface Names {
  verbs: string[];
  specs: VerbSpec[];
  agents: string[];
  pipelines: string[];
  runs: string[];
  tasks: string[];
}

/** What the word at `index` (0 = the verb) of `verb` should complete from. */
function kindFor(verb: string, index: number, words: string[]): keyof Omit<Names, 'verbs' | 'specs'> | null {
  switch (verb) {
    case 'send': case 'tail': case 'kill': case 'inbox': case 'restart': case 'recover':
      return index === 1 ? 'agents' : null;
    case 'assign': return index === 1 ? 'agents' : index === 2 ? 'tasks' : null;
    case 'run': return index === 1 ? 'pipelines' : null;
    case 'logs': case 'cancel': return index === 1 ? 'runs' : null;
    case 'task': return words[1] === 'cancel' && index === 2 ? 'tasks' : null;
    case 'done': return index === 1 ? 'tasks' : null;
    default: return null;
  }
}

/** readline's completer answer: the candidates, and the part of the line they replace. */
export function complete(line: string, n: Names): [string[], string] {
  const words = line.split(/\s+/);
  const word = words.at(-1) ?? '';
  const index = words.length - 1;
  const pick = (from: string[], prefix = '') =>
    [...new Set(from)].filter((c) => c.startsWith(word.slice(prefix.length))).map((c) => prefix + c).sort();
  if (index === 0) {
    if (word.startsWith('@')) return [pick(n.agents, '@').map((a) => a + ' '), word];
    return [pick(n.verbs).map((v) => v + ' '), word];
  }
  const verb = words[0] ?? '';
  if (word.startsWith('-')) {
    const spec = n.specs.find((s) => s.name === verb || s.aliases.includes(verb));
    return [pick(spec?.flags ?? []), word];
  }
  if (verb === 'help' && index === 1) return [pick(n.verbs), word];
  const kind = kindFor(verb, index, words);
  return kind ? [pick(n[kind]).map((c) => c + ' '), word] : [[], word];
}
