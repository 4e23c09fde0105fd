/**
 * A one-line editor on the dashboard's key line (filter, message, task, spawn): printable keys
 * type, Backspace deletes, Enter submits, Esc or C-c cancels. Kept apart from blessed's textbox,
 * whose own key grabbing fights the screen's; pure enough to unit-test with key events.
 */
export class LineInput {
  private label = '';
  private text = '';
  private submit: ((text: string) => void) | null = null;

  get active(): boolean {
    return this.submit !== null;
  }

  open(label: string, submit: (text: string) => void, initial = ''): void {
    this.label = label;
    this.text = initial;
    this.submit = submit;
  }

  /** One key while open. */
  key(ch: string | undefined, key: { name?: string; ctrl?: boolean; full?: string } | undefined): void {
    const name = key?.name;
    if (name === 'escape' || key?.full === 'C-c') {
      this.submit = null;
      return;
    }
    // blessed reports \r as both `return` and `enter`: one of them only.
    if (name === 'return') return;
    if (name === 'enter') {
      const done = this.submit;
      this.submit = null;
      done?.(this.text);
      return;
    }
    if (name === 'backspace') {
      this.text = this.text.slice(0, -1);
      return;
    }
    if (key?.full === 'C-u') {
      this.text = '';
      return;
    }
    if (ch && !key?.ctrl && ch >= ' ' && ch !== '\x7f') this.text += ch;
  }

  /** The key line while open: label, text and a cursor, the text's end kept in view. */
  line(width: number): string {
    const room = Math.max(1, width - this.label.length - 1);
    const shown = this.text.length > room ? this.text.slice(-room) : this.text;
    return `${this.label}${shown}_`;
  }
}
