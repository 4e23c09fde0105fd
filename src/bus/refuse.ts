import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { MiyabiError } from '../core/errors.js';
import { writeFileNoFollow } from '../core/no-follow.js';

/**
 * A recipient's rule for text it must not be given, kept beside its inbox by the controller (as
 * `cap` is) so that `send` refuses such a message at once, with exit 2 and the reason, instead of
 * the deliverer failing it later: an agent with no header whose CLI runs a leading `!` or `/`.
 */
export interface RefuseRule {
  profile: string;
  /** A regular expression source: text it matches would be run as a command. */
  commandStart: string;
}

const FILE = 'refuse.json';

export function writeRefuseRule(inboxRoot: string, rule: RefuseRule | null): void {
  if (rule) writeFileNoFollow(join(inboxRoot, FILE), `${JSON.stringify(rule)}\n`);
  else rmSync(join(inboxRoot, FILE), { force: true });
}

export function commandStartReason(profile: string): string {
  return `starts with a character ${profile} runs as a command; turn the header on for this agent or reword it`;
}

/** Throws USAGE (exit 2) when the recipient's rule refuses `text`; a missing or unreadable rule refuses nothing. */
export function checkRefuseRule(inboxRoot: string, to: string, text: string): void {
  const file = join(inboxRoot, FILE);
  if (!existsSync(file)) return;
  let rule: RefuseRule;
  try {
    rule = JSON.parse(readFileSync(file, 'utf8')) as RefuseRule;
    if (!new RegExp(rule.commandStart).test(text)) return;
  } catch {
    return; // the deliverer checks again
  }
  throw new MiyabiError('USAGE', `message to ${to} ${commandStartReason(rule.profile)}`, {
    hint: `set \`messages: { header: "[from {from} #{id}]" }\` for ${to} in the layout, or start the text with another character`,
  });
}
