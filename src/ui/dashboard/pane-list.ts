import blessed from 'blessed';
import type { DashboardModel } from './model.js';
import { columnHeaderLine, emptyListText, rowLines } from './view.js';

/**
 * The pane table: a bordered box holding a one-line column header and a blessed list. The list
 * does not handle keys itself (the app owns navigation through the model); it is told which row is
 * selected, highlights it, and scrolls to keep it in view.
 */
export class PaneList {
  readonly box: blessed.Widgets.BoxElement;
  private readonly header: blessed.Widgets.BoxElement;
  private readonly list: blessed.Widgets.ListElement;

  constructor(parent: blessed.Widgets.Node, position: { top: number | string; height: number | string }) {
    this.box = blessed.box({
      parent,
      top: position.top,
      left: 0,
      width: '100%',
      height: position.height,
      border: { type: 'line' },
      label: ' panes ',
      tags: false,
    });
    this.header = blessed.box({
      parent: this.box,
      top: 0,
      left: 0,
      right: 0,
      height: 1,
      tags: false,
      style: { bold: true },
    });
    this.list = blessed.list({
      parent: this.box,
      top: 1,
      left: 0,
      right: 0,
      bottom: 0,
      keys: false,
      mouse: false,
      vi: false,
      tags: false,
      style: { selected: { inverse: true }, item: {} },
    });
  }

  /** Inner width available to one line of text. */
  private innerWidth(): number {
    const w = typeof this.box.width === 'number' ? this.box.width : Number(this.box.width);
    return Number.isFinite(w) ? Math.max(0, w - 2) : 200;
  }

  update(m: DashboardModel): void {
    const width = this.innerWidth();
    const empty = emptyListText(m);
    this.header.setContent(columnHeaderLine(m.rows, width));
    if (empty !== undefined) {
      this.list.setItems([empty]);
      this.list.select(0);
      this.list.style.selected = {};
      return;
    }
    this.list.style.selected = { inverse: true };
    this.list.setItems(rowLines(m, width));
    this.list.select(m.selected);
  }
}
