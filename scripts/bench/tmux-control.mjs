// A tmux control-mode client (`tmux -C attach`) for benches that time what a pane shows: keys go in
// and screens come back over one pipe, with no process started per key or per look, and every
// byte a pane writes arrives as a `%output` line stamped on arrival. So a key's latency is measured
// from writing the key to the output that carried its answer, not to the next poll of capture-pane.
import { spawn } from 'node:child_process';

export class TmuxControl {
  /** Opens a control client on `session` of the server at `-L socket`, sized cols×rows. */
  static async open(socket, session, cols, rows) {
    const c = new TmuxControl(socket, session);
    await c.ready;
    await c.command(`refresh-client -C ${cols},${rows}`);
    return c;
  }

  constructor(socket, session) {
    this.proc = spawn('tmux', ['-L', socket, '-C', 'attach-session', '-t', session], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.replies = []; // resolvers, in the order the commands were written
    this.block = null; // lines of the reply being read
    this.outputs = new Map(); // pane id → arrival times (performance.now()) of its %output lines
    this.waiters = [];
    this.buf = '';
    let first;
    this.ready = new Promise((r) => (first = r));
    this.proc.stdout.setEncoding('utf8');
    this.proc.stdout.on('data', (chunk) => {
      const at = performance.now();
      this.buf += chunk;
      let nl;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        this.line(line, at, first);
      }
    });
  }

  line(line, at, first) {
    if (this.block) {
      if (/^%(end|error) /.test(line)) {
        const lines = this.block;
        const counts = this.blockCounts;
        this.block = null;
        // The attach's own reply (flags 0) answers no command of ours.
        if (line.endsWith(' 0')) return first();
        this.replies.shift()?.({ ok: line.startsWith('%end'), lines, at, counts });
      } else this.block.push(line);
      return;
    }
    if (line.startsWith('%begin ')) {
      // Which outputs came before the command ran: a capture in this reply includes them.
      this.blockCounts = new Map([...this.outputs].map(([p, t]) => [p, t.length]));
      return void (this.block = []);
    }
    const out = /^%output (%\d+) /.exec(line);
    if (!out) return;
    const times = this.outputs.get(out[1]) ?? [];
    times.push(at);
    this.outputs.set(out[1], times);
    for (const w of this.waiters.splice(0)) w();
  }

  /** Runs a tmux command; resolves with its reply lines and when the reply arrived. */
  command(text) {
    return new Promise((resolve, reject) => {
      this.replies.push((r) => (r.ok ? resolve(r) : reject(new Error(`tmux ${text}: ${r.lines.join(' ')}`))));
      this.proc.stdin.write(`${text}\n`);
    });
  }

  /** How many %output lines the pane has sent so far. */
  outputCount(pane) {
    return this.outputs.get(pane)?.length ?? 0;
  }

  /** Resolves when the pane has sent more than `count` %output lines. */
  async outputAfter(pane, count, deadline) {
    while (this.outputCount(pane) <= count) {
      if (performance.now() > deadline) throw new Error(`tmux-control: no output from ${pane}`);
      await new Promise((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  /**
   * Writes `keys` to the pane, then reads the screen after each output until `answered(screen)`.
   * Returns ms from writing the keys to the arrival of the last output before the screen that
   * showed the answer (an upper bound on when the answer's bytes arrived), and to the first output.
   */
  async press(pane, keys, answered, timeoutMs = 10_000) {
    const deadline = performance.now() + timeoutMs;
    const seen = this.outputCount(pane);
    const t0 = performance.now();
    this.proc.stdin.write(`send-keys -t ${pane} ${keys}\n`);
    const sent = new Promise((resolve, reject) => this.replies.push((r) => (r.ok ? resolve() : reject(new Error(r.lines.join(' '))))));
    for (let looked = seen; ; ) {
      await this.outputAfter(pane, looked, deadline);
      const shot = await this.command(`capture-pane -p -t ${pane}`);
      // Outputs announced before the reply began were read by tmux before it drew the capture.
      const times = this.outputs.get(pane) ?? [];
      looked = shot.counts.get(pane) ?? 0;
      if (looked > seen && answered(shot.lines)) {
        await sent;
        return { answer: (times[looked - 1] ?? shot.at) - t0, first: (times[seen] ?? shot.at) - t0 };
      }
    }
  }

  paneId(target) {
    return this.command(`display-message -p -t ${target} '#{pane_id}'`).then((r) => r.lines[0]);
  }

  close() {
    this.proc.stdin.end();
    this.proc.kill();
  }
}
