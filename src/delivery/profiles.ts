/**
 * How to type into one kind of program and how to tell it took the text. Data, not code: agent
 * CLIs change their screens often, and a changed screen should mean a changed profile only. The
 * data is each CLI's profile (src/agents/profiles/*.json, `delivery`), which also holds its state
 * patterns; the controller hands each recipient its profile, so delivery imports no registry.
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
  /**
   * Where its input is read: `cursor`, the line the cursor is on (a shell, a line program);
   * `screen`, the last row of the whole screen `inputLine` matches, down to the next blank or
   * rule row (a full-screen agent draws its input box above a footer, the cursor elsewhere).
   * A pane on the alternate screen is read as a screen whatever its profile says.
   */
  inputArea: 'cursor' | 'screen';
  /** Screen text that says a turn is running: seen newly after the submit key, it was taken. */
  busy?: RegExp;
  /**
   * How long a program may take to show a paste before it counts as unresponsive and the message
   * is reported not delivered. Meanwhile nothing is typed again: the paste may still arrive.
   */
  readLimitMs: number;
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
