import { basename } from 'node:path';

/**
 * How to type into one kind of program and how to tell it took the text. Data, not code: agent
 * CLIs change their screens often, and a changed screen should mean a changed profile only.
 */
export interface DeliveryProfile {
  name: string;
  /** tmux key name sent after the paste, as its own send-keys. */
  submitKey: string;
  /** Wait between the paste and the submit key (Codex treats Enter inside a paste burst as newline). */
  submitDelayMs: number;
  /** The pane must have printed nothing for this long before a message goes in. */
  settleMs: number;
  /**
   * How long a new pane may go without showing a prompt (`inputLine`) before messages go in
   * anyway: a program starting up drops or mangles what is typed too early (tmuxinator#371).
   * Infinity: never before a prompt. A message typed before any prompt counts as delivered only
   * once a prompt shows after it (readiness.ts), never on the echo alone.
   */
  readyGraceMs: number;
  /** Applied to the cursor line; the `input` group is what a person has typed and not sent. */
  inputLine?: RegExp;
  /** Screen text that says the program queued the input behind a running turn. */
  queued?: RegExp;
  /**
   * Text the program would not take as a message when it comes first: Claude Code runs a leading
   * `!` as a shell command and a leading `/word` as a slash command. Such a message goes in only
   * behind a header; without one it is failed with the reason rather than typed.
   */
  commandStart?: RegExp;
  /** Whether messages carry the `[from … #id]` header by default (a shell would run it). */
  header: boolean;
  /** How long to wait for each sign of delivery before trying again. */
  confirmTimeoutMs: number;
  /** Typing attempts before the message is marked failed. */
  maxAttempts: number;
}

const shell: DeliveryProfile = {
  name: 'shell',
  submitKey: 'Enter',
  submitDelayMs: 0,
  settleMs: 150,
  // A shell whose rc file is slow echoes typed text (the tty does) long before it reads it, and
  // a shell killed meanwhile never reads it at all: wait for its prompt, however long it takes.
  readyGraceMs: Number.POSITIVE_INFINITY,
  // A prompt ends in one of these and a space (which capture-pane trims from an empty line);
  // what follows on the line is typed input.
  inputLine: /^.*?[$#%>❯›](?:$| (?<input>.*)$)/,
  header: false,
  confirmTimeoutMs: 2000,
  maxAttempts: 3,
};

const claude: DeliveryProfile = {
  name: 'claude',
  submitKey: 'Enter',
  submitDelayMs: 80,
  settleMs: 400,
  readyGraceMs: 30_000,
  inputLine: /^[│ ]*❯\s?(?<input>.*?)[│ ]*$/,
  queued: /Press up to edit queued messages/,
  commandStart: /^\s*[!/]/,
  header: true,
  confirmTimeoutMs: 5000,
  maxAttempts: 3,
};

const codex: DeliveryProfile = {
  name: 'codex',
  submitKey: 'Enter',
  // Codex's paste-burst window is 120 ms (codex-rs paste_burst.rs): Enter inside it is a newline.
  submitDelayMs: 200,
  settleMs: 400,
  readyGraceMs: 30_000,
  inputLine: /^[│ ]*›\s?(?<input>.*?)[│ ]*$/,
  header: true,
  confirmTimeoutMs: 5000,
  maxAttempts: 3,
};

const aider: DeliveryProfile = { ...shell, name: 'aider', header: true, settleMs: 400, readyGraceMs: 10_000, inputLine: /^.*?>(?:$| (?<input>.*)$)/, confirmTimeoutMs: 5000 };
const gemini: DeliveryProfile = { ...claude, name: 'gemini', inputLine: /^[│ ]*>\s?(?<input>.*?)[│ ]*$/, queued: undefined };

export const PROFILES: Readonly<Record<string, DeliveryProfile>> = { shell, claude, codex, aider, gemini };

/** The profile a command most likely needs: by the program's name, else a plain shell. */
export function profileFor(argv: readonly string[], explicit?: string): DeliveryProfile {
  if (explicit && PROFILES[explicit]) return PROFILES[explicit];
  // `/bin/sh -c "claude --foo"`: look at the first word of the shell text too.
  const words = argv[0] === '/bin/sh' && argv[1] === '-c' ? (argv[2] ?? '').trim().split(/\s+/) : argv;
  const prog = basename(words[0] ?? '');
  return PROFILES[prog] ?? shell;
}
