/**
 * `up` returns before the controller's parts start (issue #17), so the inboxes a sender needs right
 * after it (`scripts/miyabi-send.sh` refuses a recipient with no inbox) are made while the session
 * is prepared, not when delivery starts: the load test's shell writers met "unknown recipient".
 */
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadLayout } from '../../../src/config/load-layout.js';
import { projectPaths } from '../../../src/core/paths.js';
import { messagingPart } from '../../../src/controller/parts/messaging.js';

let root = '';
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('the messaging part prepares the inboxes', () => {
  it('makes every agent and shell pane an inbox before the session is built, and none for the people panes', async () => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'miyabi-prep-')));
    writeFileSync(
      join(root, 'l.yaml'),
      'session: s\nwindows:\n  - name: w\n    panes:\n      - {role: conductor}\n      - {role: agent, name: a1, command: bash}\n      - {role: shell, name: sh1}\n',
    );
    const loaded = loadLayout({ ref: join(root, 'l.yaml'), projectRoot: root, miyabiBin: 'miyabi', env: process.env });
    if (!loaded.ok) throw loaded.error;
    const paths = projectPaths(root, { ...process.env, XDG_STATE_HOME: join(root, 'state') });
    const out = await messagingPart.prepare!(loaded.value, { paths, miyabiBin: 'miyabi' });
    expect(out).toBe(loaded.value);
    for (const name of ['a1', 'sh1']) for (const d of ['new', 'tmp']) expect(existsSync(join(paths.bus, name, d)), `${name}/${d}`).toBe(true);
    expect(existsSync(join(paths.bus, 'conductor'))).toBe(false);
  });
});
