/** Finding layouts by NAME or PATH, the built-in default, and the layouts shipped in layouts/. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUILTIN_DEFAULT_SOURCE, defaultLayout } from '../../../src/config/default-layout.js';
import { BUILTIN_LAYOUTS_DIR, listLayouts, loadLayout } from '../../../src/config/load-layout.js';
import { MIYABI_BIN, tempProject, testEnv, writeFile } from './temp-project.js';

const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SHIPPED = path.join(PACKAGE_ROOT, 'layouts');
const TINY = 'windows:\n  - name: main\n    panes: [~]\n';

function base(root: string) {
  return { projectRoot: root, cwd: root, miyabiBin: MIYABI_BIN, env: testEnv() };
}

describe('the built-in default layout', () => {
  it('is used when no layout is named: conductor, dashboard and two shell agents in the project root', () => {
    const root = tempProject('Web App-');
    const r = loadLayout(base(root));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const layout = r.value;
    expect(layout.source).toBe(BUILTIN_DEFAULT_SOURCE);
    expect(layout.session).toMatch(/^web-app-[a-z0-9]+$/);
    expect(layout.root).toBe(root);
    expect(layout.windows.map((w) => [w.name, w.arrangement])).toEqual([['main', 'tiled']]);
    expect(layout.windows[0]?.panes.map((p) => [p.name, p.role, p.command.argv, p.cwd])).toEqual([
      ['conductor', 'conductor', [process.execPath, MIYABI_BIN, 'conductor'], root],
      ['dashboard', 'dashboard', [process.execPath, MIYABI_BIN, 'dashboard'], root],
      ['agent-1', 'agent', ['/bin/bash'], root],
      ['agent-2', 'agent', ['/bin/bash'], root],
    ]);
  });

  it('is exactly what layouts/default.yaml says', () => {
    const root = tempProject();
    const fromFile = loadLayout({ ...base(root), ref: 'default', builtinLayoutsDir: SHIPPED });
    expect(fromFile.ok).toBe(true);
    if (!fromFile.ok) return;
    const builtIn = defaultLayout(base(root));
    expect({ ...fromFile.value, source: '' }).toEqual({ ...builtIn, source: '' });
  });
});

describe('layouts shipped with miyabi', () => {
  it('are found next to the package, from src/ and from dist/ alike', () => {
    expect(path.resolve(BUILTIN_LAYOUTS_DIR)).toBe(path.resolve(SHIPPED));
    const fromDist = new URL('../../layouts/', pathToFileURL(path.join(PACKAGE_ROOT, 'dist/config/load-layout.js')));
    expect(path.resolve(fileURLToPath(fromDist))).toBe(path.resolve(SHIPPED));
  });

  const files = fs.readdirSync(SHIPPED).filter((f) => /\.ya?ml$/.test(f));

  it('include default, quad and claude-pair', () => {
    expect(files).toEqual(expect.arrayContaining(['default.yaml', 'quad.yaml', 'claude-pair.yaml']));
  });

  it.each(files)('%s is valid, without warnings', (file) => {
    const root = tempProject();
    const r = loadLayout({ ...base(root), ref: path.join(SHIPPED, file) });
    expect(r.ok ? [] : r.issues).toEqual([]);
    expect(r.warnings).toEqual([]);
  });

  it('quad has four agents, a conductor and a dashboard in two windows', () => {
    const r = loadLayout({ ...base(tempProject()), ref: 'quad' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const roles = r.value.windows.flatMap((w) => w.panes.map((p) => p.role));
    expect(r.value.windows).toHaveLength(2);
    expect(roles.sort()).toEqual(['agent', 'agent', 'agent', 'agent', 'conductor', 'dashboard']);
  });

  it('claude-pair runs claude in two agent panes', () => {
    const r = loadLayout({ ...base(tempProject()), ref: 'claude-pair' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const agents = r.value.windows.flatMap((w) => w.panes).filter((p) => p.role === 'agent');
    expect(agents.map((p) => p.command)).toEqual([
      { kind: 'shell', argv: ['/bin/sh', '-c', 'claude'] },
      { kind: 'shell', argv: ['/bin/sh', '-c', 'claude'] },
    ]);
  });
});

describe('finding a layout by NAME or PATH', () => {
  it('prefers the project layouts/ folder over the shipped one, and accepts .yml', () => {
    const root = tempProject();
    writeFile(root, 'layouts/quad.yaml', 'session: mine\n' + TINY);
    writeFile(root, 'layouts/solo.yml', 'session: solo\n' + TINY);
    const quad = loadLayout({ ...base(root), ref: 'quad' });
    expect(quad.ok && quad.value.session).toBe('mine');
    const solo = loadLayout({ ...base(root), ref: 'solo' });
    expect(solo.ok && solo.value.source).toBe(path.join(root, 'layouts/solo.yml'));
    const shipped = loadLayout({ ...base(root), ref: 'claude-pair' });
    expect(shipped.ok && shipped.value.source).toBe(path.join(SHIPPED, 'claude-pair.yaml'));
  });

  it('names every path tried and the layouts available when a NAME is missing', () => {
    const root = tempProject();
    const builtin = tempProject('miyabi-builtin-');
    writeFile(builtin, 'one.yaml', TINY);
    writeFile(root, 'layouts/two.yaml', TINY);
    const r = loadLayout({ ...base(root), ref: 'nope', builtinLayoutsDir: builtin });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]).toMatchObject({ file: 'nope', line: 0, col: 0, path: '' });
    expect(r.issues[0]?.message).toBe(
      `file not found: no layout named "nope"; tried ${root}/layouts/nope.yaml, ${root}/layouts/nope.yml, ` +
        `${builtin}/nope.yaml, ${builtin}/nope.yml; available: two, one`,
    );
    expect(listLayouts({ projectRoot: root, builtinLayoutsDir: builtin }).map((l) => l.name)).toEqual(['two', 'one']);
  });

  it('treats anything else as a path relative to the working folder', () => {
    const root = tempProject();
    const work = path.join(root, 'sub');
    writeFile(work, 'mine.yaml', 'session: here\n' + TINY);
    const r = loadLayout({ ...base(root), cwd: work, ref: 'mine.yaml' });
    expect(r.ok && r.value.session).toBe('here');
  });

  it('says a bare word is not a valid NAME when no such file exists', () => {
    const root = tempProject();
    const r = loadLayout({ ...base(root), ref: 'Dev' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => [i.file, i.message])).toEqual([
      ['Dev', `file not found: ${root}/Dev (a layout name must be a lowercase letter, then up to 31 of a-z 0-9 _ - (e.g. "agent-1"))`],
    ]);
  });

  it('refuses a folder given as a layout file', () => {
    const root = tempProject();
    writeFile(root, 'dir.yaml/.keep', '');
    const r = loadLayout({ ...base(root), ref: 'dir.yaml' });
    expect(r.ok ? [] : r.issues.map((i) => i.message)).toEqual([`is not a regular file (${root}/dir.yaml); expected a YAML file`]);
  });

  it('shows files outside the working folder by their absolute path', () => {
    const root = tempProject();
    const elsewhere = tempProject('miyabi-elsewhere-');
    const file = writeFile(elsewhere, 'x.yaml', 'windows: 1\n');
    const r = loadLayout({ ...base(root), ref: file });
    expect(r.ok ? [] : r.issues.map((i) => [i.file, i.line, i.path])).toEqual([[file, 1, 'windows']]);
  });
});
