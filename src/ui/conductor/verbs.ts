/**
 * The CLI's verbs as the conductor knows them. The CLI hands over its own command definitions
 * (cli/verbs/ui.ts walks commander's `program.commands`), so a verb added to the CLI is in the
 * conductor the next time it starts: one table, no second list to drift.
 */
import type { CommandTable, ConductorCommand } from './commands.js';

export interface VerbSpec {
  name: string;
  aliases: string[];
  summary: string;
  /** `<agent>`, `[names...]`, as commander names them. */
  args: string[];
  /** Every long and short flag (`--json`, `-f`). */
  flags: string[];
}

/** Runs one verb line as the CLI would (in this process, its output on this terminal); its exit code. */
export type RunVerb = (argv: string[]) => Promise<number>;

/** Verbs that make no sense typed into the session's own conductor. */
export const NOT_IN_CONDUCTOR: ReadonlySet<string> = new Set(['conductor', 'dashboard', 'attach', 'up']);

export function verbCommands(specs: VerbSpec[], runVerb: RunVerb): CommandTable {
  const table: CommandTable = {};
  for (const s of specs) {
    if (NOT_IN_CONDUCTOR.has(s.name)) continue;
    const cmd: ConductorCommand = {
      summary: s.summary,
      usage: [...s.args, ...(s.flags.length ? ['[flags]'] : [])].join(' ') || undefined,
      run: async (args, ctx) => {
        const code = await runVerb([s.name, ...args]);
        if (code !== 0) ctx.print(`(exit ${code})`);
      },
    };
    table[s.name] = cmd;
    for (const a of s.aliases) table[a] = cmd;
  }
  return table;
}

/** Edit distance, for "did you mean". */
export function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] as number;
      row[j] = Math.min(cur + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length] as number;
}

/** The closest name within a third of its length (at least one edit), or undefined. */
export function didYouMean(given: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const n of names) {
    const d = n.startsWith(given) && given.length >= 2 ? 0.5 : distance(given.toLowerCase(), n.toLowerCase());
    if (d < bestD) [best, bestD] = [n, d];
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}
