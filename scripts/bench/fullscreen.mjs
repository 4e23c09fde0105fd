// send → submitted into a full-screen agent: test/fixtures/tui-agent.mjs under the codex profile
// (alternate screen, input box above a footer, echo drawn with cursor moves), the clock from the
// rename into new/ to the turn the program logs. Each message goes to an idle agent (a pause
// between messages, outside the clock), as a conductor's messages do. Beside it, the same into a
// line program (reader.mjs) is the shell-pane baseline row of the bus block.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarize } from './stats.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin', 'miyabi.js');
const TUI = join(ROOT, 'test', 'fixtures', 'tui-agent.mjs');
const { writeMessage } = await import(join(ROOT, 'dist', 'bus', 'writer.js'));

export async function benchFullScreen(n, pasteWindowMs = 0) {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'miyabi-bench-tui-')));
  execFileSync('git', ['init', '-q', root]);
  mkdirSync(join(root, 'rec'));
  const argv = JSON.stringify(['node', TUI, 'rec/t.jsonl', '--work', '0', '--paste-window', String(pasteWindowMs)]);
  writeFileSync(join(root, 'l.yaml'), `session: benchtui\nwindows:\n  - name: main\n    panes:\n      - role: agent\n        name: t1\n        command: ${argv}\n        profile: codex\n`);
  const sock = `miyabi-bench-tui-${process.pid}`;
  const env = { ...process.env, MIYABI_TMUX_SOCKET: sock };
  const r = spawnSync(process.execPath, [BIN, 'up', '--detach', '-l', 'l.yaml'], { cwd: root, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  const turns = () => {
    const f = join(root, 'rec', 't.jsonl');
    return existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
  };
  const pause = (ms) => new Promise((res) => setTimeout(res, ms));
  try {
    await pause(1500);
    const samples = [];
    for (let i = 0; i < n; i++) {
      await pause(500); // idle: past the profile's settle time
      const t0 = Date.now();
      writeMessage(join(root, '.miyabi', 'bus'), { from: 'bench', to: 't1', text: `message ${i} from   the bench` });
      const end = Date.now() + 20_000;
      while (turns().length <= i) {
        if (Date.now() > end) throw new Error(`bench: message ${i} not submitted`);
        await pause(2);
      }
      samples.push(turns()[i].at - t0);
    }
    const label = pasteWindowMs > 0 ? `, ${pasteWindowMs} ms paste window` : '';
    return { name: `send → submitted into a full-screen agent (tui-agent, codex profile${label}; ${n} msgs)`, ...summarize(samples), target: 'p50 < 300, p99 < 1000' };
  } finally {
    spawnSync(process.execPath, [BIN, 'down'], { cwd: root, env });
    spawnSync('tmux', ['-L', sock, 'kill-server']);
    rmSync(root, { recursive: true, force: true });
  }
}
