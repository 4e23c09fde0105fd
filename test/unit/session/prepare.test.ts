/**
 * What happens before a session is built, whoever builds it (`up` itself, or a controller). `up`
 * returns before the controller's parts start (issue #17), so the inboxes a sender needs right
 * after it (`scripts/miyabi-send.sh` refuses a recipient with no inbox) are made while the session
 * is prepared, not when delivery starts: the load test's shell writers met "unknown recipient".
 */
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadLayout } from '../../../src/config/load-layout.js';
import { projectPaths } from '../../../src/core/paths.js';
import { checkBeforeBuild, prepareSession } from '../../../src/session/prepare.js';

let root = '';
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('a session is prepared before it is built', () => {
  it('makes every agent and shell pane an inbox before the session is built, and none for the people panes', async () => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'miyabi-prep-')));
    writeFileSync(
      join(root, 'l.yaml'),
      'session: s\nwindows:\n  - name: w\n    panes:\n      - {role: conductor}\n      - {role: agent, name: a1, command: bash}\n      - {role: shell, name: sh1}\n',
    );
    const loaded = loadLayout({ ref: join(root, 'l.yaml'), projectRoot: root, miyabiBin: 'miyabi', env: process.env });
    if (!loaded.ok) throw loaded.error;
    const paths = projectPaths(root, { ...process.env, XDG_STATE_HOME: join(root, 'state') });
    const { layout, built } = await prepareSession(loaded.value, { paths, miyabiBin: 'miyabi' });
    for (const name of ['a1', 'sh1']) for (const d of ['new', 'tmp']) expect(existsSync(join(paths.bus, name, d)), `${name}/${d}`).toBe(true);
    expect(existsSync(join(paths.bus, 'conductor'))).toBe(false);
    // Nothing to place or resume for a plain command: every pane as the layout has it, no conversation given.
    expect(layout.windows[0]?.panes.map((p) => p.command.argv)).toEqual(loaded.value.windows[0]?.panes.map((p) => p.command.argv));
    expect(Object.keys(built.placed).sort()).toEqual(['a1', 'conductor', 'sh1']);
    expect(built.placed.a1?.cwd).toBe(root);
    expect(built.conversations).toEqual({});
    expect(built.launched).toEqual([]);
  });

  it('refuses, before anything is made, a program that is not installed and a feedback.yaml that does not load', () => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'miyabi-prep-')));
    writeFileSync(join(root, 'l.yaml'), 'session: s\nwindows:\n  - name: w\n    panes:\n      - {role: agent, name: a1, command: [no-such-program-here]}\n');
    const bad = loadLayout({ ref: join(root, 'l.yaml'), projectRoot: root, miyabiBin: 'miyabi', env: process.env });
    if (!bad.ok) throw bad.error;
    expect(() => checkBeforeBuild(bad.value, root)).toThrow(/not found on PATH: a1: no-such-program-here/);
    writeFileSync(join(root, 'l.yaml'), 'session: s\nwindows:\n  - name: w\n    panes:\n      - {role: agent, name: a1, command: [sleep, "1"]}\n');
    const good = loadLayout({ ref: join(root, 'l.yaml'), projectRoot: root, miyabiBin: 'miyabi', env: process.env });
    if (!good.ok) throw good.error;
    expect(() => checkBeforeBuild(good.value, root)).not.toThrow();
    writeFileSync(join(root, 'feedback.yaml'), 'notify: [1, 2\n');
    expect(() => checkBeforeBuild(good.value, root)).toThrow(/feedback\.yaml/);
    expect(existsSync(join(root, '.miyabi'))).toBe(false);
  });
});
