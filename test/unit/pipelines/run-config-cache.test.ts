/** The run config cache: loaded once while no file changed; an edited, added or removed skill loads afresh. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cachedRunConfig } from '../../../src/pipelines/run-config-cache.js';
import { loadRunConfig } from '../../../src/pipelines/runs-host.js';
import { tempProject, writeFile } from '../config/temp-project.js';

describe('cachedRunConfig', () => {
  it('loads again only when a skill or the pipeline file changes', () => {
    const root = tempProject();
    writeFile(root, 'skills/note.yaml', 'name: note\nactions:\n  ok: "true"\n');
    writeFile(root, 'pipelines/note.yaml', 'name: note\nstages:\n  - name: one\n    skill: note\n    actions: [ok]\n');
    let loads = 0;
    const get = () => cachedRunConfig(root, 'note', () => (loads++, loadRunConfig(root, 'note')));
    const a = get();
    expect(get()).toBe(a);
    expect(loads).toBe(1);
    writeFile(root, 'skills/note.yaml', 'name: note\nactions:\n  ok: "true"\n  two: "false"\n');
    expect(get().skills.get('note')?.actions.has('two')).toBe(true);
    writeFile(root, 'skills/more.yaml', 'name: more\nactions:\n  x: "true"\n');
    expect(get().skills.has('more')).toBe(true);
    fs.rmSync(path.join(root, 'skills', 'more.yaml'));
    expect(get().skills.has('more')).toBe(false);
    writeFile(root, 'pipelines/note.yaml', 'name: note\nstages:\n  - name: uno\n    skill: note\n    actions: [ok]\n');
    expect(get().pipeline.stages[0]?.name).toBe('uno');
    expect(loads).toBe(5);
  });
});
