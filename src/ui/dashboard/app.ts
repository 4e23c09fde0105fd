import { watch, type FSWatcher } from 'node:fs';
import { agentOutputLog } from '../../core/paths.js';
import { agentDetail, scrollTop, tableHeader, tableLines } from './agent-table.js';
import { filterRows, type AgentRow } from './agents.js';
import { DashboardData } from './data.js';
import { diffPanel } from './diffs.js';
import { busLines, journalLines, recoveryLines, triggerLines } from './feed.js';
import { tailLines } from './files.js';
import { actionFor, helpLines, keyLine, type Action } from './keys.js';
import { shortId } from '../../core/short-ids.js';
import { headerLine } from './header.js';
import { geometry, nextTab, shownTab, tabBar, TABLE_CHROME, type Geometry, type Tab } from './layout.js';
import { ControllerLink, type LinkClient } from './link.js';
import type { ConnectionState } from './model.js';
import { LineInput } from './line-input.js';
import { runPanelLines, taskLines } from './panels.js';
import { cut, makeWidgets, place, window, type Widgets } from './widgets.js';

export interface DashboardOptions {
  /** The controller's IPC socket (projectPaths(root).socket). */
  socketPath: string;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** Status poll period (uptime); default 2000 ms. */
  pollMs?: number;
  /** For tests: how to open a connection. */
  connect?: (socketPath: string) => Promise<LinkClient>;
  /** Inside the session's own pane, `q` detaches the person instead of ending the pane. */
  inSession?: boolean;
}

/**
 * The blessed dashboard: agents first (one row each, waiting-for-you on top), panels below (tabs
 * when the pane is small, preview beside them when it is large), every key in keys.ts. Resolves
 * when the person leaves, after the terminal is restored. Losing the controller is shown, never fatal.
 */
export function runDashboard(opts: DashboardOptions): Promise<void> {
  return new Promise<void>((resolve) => {
    const w: Widgets = makeWidgets(opts);
    let rows: AgentRow[] = [];
    let selectedName: string | undefined;
    let filter = '';
    let focus: Tab = 'agents';
    let lastPanel: Tab = 'preview';
    let scroll = 0;
    let listTop = 0;
    let runSel = 0;
    let drill: string | null = null;
    let connection: ConnectionState = { kind: 'connecting' };
    let notice = '';
    let left = false;
    let geo: Geometry = geometry(80, 24, 0);
    const input = new LineInput();
    let confirm: { question: string; yes: () => void } | null = null;

    let data!: DashboardData;
    const paths = () => data.paths();
    const selectedIndex = () => Math.max(0, rows.findIndex((r) => r.name === selectedName));
    const selected = () => rows[selectedIndex()];

    const rebuild = () => {
      rows = filterRows(data.all, filter);
      if (!rows.some((r) => r.name === selectedName)) selectedName = rows[0]?.name;
    };

    const panelText = (tab: Tab, height: number): string[] => {
      const p = paths();
      switch (tab) {
        case 'preview': {
          const r = selected();
          const head = agentDetail(r);
          const log = r && p ? tailLines(agentOutputLog(p.logs, r.name), Math.max(1, height - head.length - 3)) : [];
          return [...head, '\u2500'.repeat(20), ...(log.length ? log : ['(no output recorded yet)'])];
        }
        case 'diff': return diffPanel(selected(), data.diffs);
        case 'tasks': return taskLines(data.tasks);
        case 'runs': return runPanelLines(data.runs, data.runRows, runSel, drill, p ? p.runs : null);
        case 'triggers': return triggerLines(data.feed);
        case 'recovery': return recoveryLines(data.feed);
        case 'events': return journalLines(data.feed);
        case 'bus': return busLines(data.feed);
        default: return [];
      }
    };

    const header = (cols: number): string => headerLine({
      status: data.status, agents: rows.length, waiting: rows.filter((r) => r.state === 'waiting-for-input').length, filter, connection,
    }, cols);

    // The preview is live: the selected agent's log is watched (no polling), and only that one.
    let watched: { name: string; w: FSWatcher | null; at: number } | null = null;
    const watchSelected = () => {
      const r = selected();
      const p = paths();
      // An agent with no log yet is tried again a second later, not on every frame.
      if (!r || !p || (watched?.name === r.name && (watched.w || Date.now() - watched.at < 1000))) return;
      watched?.w?.close();
      let fw: FSWatcher | null = null;
      try {
        fw = watch(agentOutputLog(p.logs, r.name), () => renderSoon());
        fw.on('error', () => undefined);
      } catch {
        // No log yet.
      }
      watched = { name: r.name, w: fw, at: Date.now() };
    };

    const render = () => {
      if (left) return;
      watchSelected();
      try {
        const cols = (w.screen.width as number) || 80;
        const height = (w.screen.height as number) || 24;
        geo = geometry(cols, height, rows.length);
        w.header.setContent(header(cols));
        place(w.table, geo.table);
        const inner = geo.table.width - 2;
        w.table.setLabel(focus === 'agents' ? ' [agents] ' : ' agents ');
        w.tableHead.setContent(tableHeader(inner, rows));
        const room = Math.max(1, geo.table.height - TABLE_CHROME);
        listTop = scrollTop(listTop, selectedIndex(), rows.length, room);
        const shown = rows.slice(listTop, listTop + room);
        w.list.setItems(rows.length ? tableLines(shown, selectedIndex() - listTop, inner, Date.now(), rows) : [data.status ? 'no agents (n spawns one)' : 'waiting for the controller\u2026']);
        w.list.select(selectedIndex() - listTop);
        place(w.preview, geo.preview);
        if (geo.preview) {
          w.preview.setLabel(focus === 'preview' ? ' [preview] ' : ' preview ');
          w.preview.setContent(cut(window(panelText('preview', geo.preview.height), geo.preview.height, focus === 'preview' ? scroll : 0), geo.preview.width));
        }
        place(w.tabs, geo.tabs);
        const tab = shownTab(geo.mode, focus, lastPanel);
        w.tabs.setLabel(tabBar(tab, geo.mode, geo.tabs.width));
        w.tabs.setContent(cut(window(panelText(tab, geo.tabs.height), geo.tabs.height, focus === tab ? scroll : 0), geo.tabs.width));
        // What the last action did shows on the key line until the next key (the header is too full at 80 columns).
        w.footer.setContent(input.active ? input.line(cols) : confirm ? `${confirm.question} (y/n)` : notice ? notice.slice(0, cols) : keyLine(cols));
        w.screen.render();
      } catch {
        // A render hiccup (a resize mid-draw) must not take the dashboard down; the next one heals.
      }
    };
    // Records can come by the hundred a second: draw at most every 100 ms for them; keys draw at once.
    let pending: NodeJS.Timeout | undefined;
    const renderSoon = () => {
      pending ??= setTimeout(() => {
        pending = undefined;
        render();
      }, 100);
    };

    const link = new ControllerLink({
      socketPath: opts.socketPath,
      pollMs: opts.pollMs,
      connect: opts.connect,
      onStatus: (st) => data.onStatus(st),
      onConnection: (c) => {
        connection = c;
        render();
        if (c.kind !== 'connected') return;
        void data.refreshRuns();
        void data.refreshTasks();
        void data.refreshUsage();
      },
      onEvent: (e) => data.onEvent(e),
      onError: (msg) => {
        notice = `error: ${msg}`;
        render();
      },
    });

    data = new DashboardData(link, () => {
      rebuild();
      renderSoon();
    });

    const leave = () => {
      if (left) return;
      left = true;
      link.stop();
      watched?.w?.close();
      clearTimeout(pending);
      data.stop();
      process.off('SIGTERM', leave);
      w.screen.destroy();
      resolve();
    };

    const say = (text: string) => {
      notice = text;
      render();
    };
    const ask = (label: string, done: (text: string) => Promise<string>) => {
      input.open(label, (text) => {
        if (!text.trim()) return render();
        done(text.trim()).then(say, (err: unknown) => say(`error: ${err instanceof Error ? err.message : String(err)}`));
      });
      render();
    };

    const act = (a: Action) => {
      if (!w.help.hidden && (a === 'down' || a === 'up' || a === 'first' || a === 'last')) {
        if (a === 'first' || a === 'last') w.help.setScrollPerc(a === 'first' ? 0 : 100);
        else w.help.scroll(a === 'down' ? 1 : -1);
        return render();
      }
      const r = selected();
      const inTable = focus === 'agents';
      switch (a) {
        case 'down':
        case 'up': {
          const d = a === 'down' ? 1 : -1;
          if (inTable) selectedName = rows[Math.min(rows.length - 1, Math.max(0, selectedIndex() + d))]?.name;
          else if (shownTab(geo.mode, focus, lastPanel) === 'runs' && !drill) runSel = Math.min(Math.max(0, data.runs.length - 1), Math.max(0, runSel + d));
          else scroll = Math.max(0, scroll + d);
          break;
        }
        case 'first': if (inTable) selectedName = rows[0]?.name; else scroll = 0; break;
        case 'last': if (inTable) selectedName = rows.at(-1)?.name; else scroll = 1e6; break;
        case 'next-panel':
        case 'prev-panel':
          focus = nextTab(focus, a === 'next-panel' ? 1 : -1);
          if (focus !== 'agents') lastPanel = focus;
          scroll = 0;
          break;
        case 'tab-left':
        case 'tab-right': {
          if (inTable) break;
          let t = nextTab(focus, a === 'tab-right' ? 1 : -1);
          if (t === 'agents') t = nextTab(t, a === 'tab-right' ? 1 : -1);
          focus = lastPanel = t;
          scroll = 0;
          break;
        }
        case 'enter':
          if (inTable && r) {
            link.request('focus', { paneId: r.paneId, zoom: true })
              .then((f) => say(`showing ${r.name} (${f.paneId}, window ${f.window}${f.zoomed ? ', zoomed' : ''})`), (e: unknown) => say(`error: ${String((e as Error).message ?? e)}`));
          } else if (shownTab(geo.mode, focus, lastPanel) === 'runs') drill = data.runs[runSel]?.runId ?? null;
          break;
        case 'back': drill = null; w.help.hide(); if (filter) { filter = ''; rebuild(); } break;
        case 'filter':
          input.open('filter: ', (text) => { filter = text.trim(); rebuild(); render(); }, filter);
          break;
        case 'message':
          if (r) ask(`message to ${r.name}: `, async (text) => `queued ${shortId((await link.request('send', { to: r.name, text, from: 'dashboard' })).id)} for ${r.name}`);
          break;
        case 'task':
          if (r) ask(`task for ${r.name}: `, async (text) => `task ${(await link.request('task.add', { text, agent: r.name })).id} queued for ${r.name}`);
          break;
        case 'spawn':
          ask('spawn (name [command]): ', async (text) => {
            const [name = '', ...cmd] = text.split(/\s+/);
            const s = await link.request('spawn', { name, ...(cmd.length ? { command: cmd.join(' ') } : {}) });
            selectedName = s.name;
            return `spawned ${s.name} in ${s.paneId}`;
          });
          break;
        case 'kill':
          if (r) confirm = { question: `kill ${r.name}?`, yes: () => void link.request('kill', { name: r.name }).then(() => say(`killed ${r.name}`), (e: unknown) => say(`error: ${(e as Error).message}`)) };
          break;
        case 'restart':
          if (r) confirm = { question: `restart ${r.name}?`, yes: () => void link.request('restart', { name: r.name }).then((x) => say(`restarted ${x.name} (pid ${x.pid}, ${x.durationMs} ms)`), (e: unknown) => say(`error: ${(e as Error).message}`)) };
          break;
        case 'refresh': link.refresh(); void data.refreshTasks(); void data.refreshRuns(); void data.refreshUsage(); data.diffs.touchAll(); break;
        case 'help':
          if (w.help.hidden) { w.help.setContent(helpLines().join('\n')); w.help.setScroll(0); w.help.show(); w.help.setFront(); } else w.help.hide();
          break;
        case 'quit':
          if (!opts.inSession) return leave();
          link.request('detach', {}).then(() => say('detached; the dashboard keeps running'), (e: unknown) => say(`error: ${(e as Error).message}`));
          break;
      }
      render();
    };

    w.screen.on('keypress', (ch: string | undefined, key: { full?: string; name?: string; ctrl?: boolean } | undefined) => {
      if (left) return;
      if (input.active) {
        input.key(ch, key);
        return render();
      }
      if (confirm) {
        const c = confirm;
        confirm = null;
        if (ch === 'y' || ch === 'Y') c.yes();
        return render();
      }
      const a = actionFor(key, ch);
      notice = '';
      if (a) act(a);
      else render();
    });
    w.screen.on('resize', render);
    process.once('SIGTERM', leave);
    // No SIGHUP handler: a hangup means the terminal (its tmux pane) is gone, with nothing left to
    // restore, and node's default ends the process at once. The graceful leave (blessed's restore,
    // node's exit) made tmux's kill-session of a session with a dashboard ~20 ms slower per
    // dashboard (tmux kill-session, 2 runs each), and so `miyabi down` (issue #17).

    render();
    link.start();
  });
}
