import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { BUILTIN_LAYOUTS_DIR, listLayouts } from '../../config/load-layout.js';
import { findProjectRoot } from '../../core/paths.js';
import { table } from '../table.js';

/** The first sentence of a layout file's opening comment: what it is for (it may run over lines). */
export function aboutText(text: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith('#'));
  if (start < 0) return '';
  let out = '';
  for (const l of lines.slice(start)) {
    if (!l.startsWith('#')) break;
    const part = l.replace(/^#\s*/, '').trim();
    if (!part) break;
    out = out ? `${out} ${part}` : part;
    const end = /^.*?[.!?](?=\s|$)/.exec(out);
    if (end) return end[0];
  }
  return out;
}

function about(file: string): string {
  try {
    return aboutText(readFileSync(file, 'utf8'));
  } catch {
    return '';
  }
}

/** `miyabi layouts`: every layout `up --layout NAME` finds, the project's first. */
export async function layouts(o: { json?: boolean }): Promise<number> {
  const root = findProjectRoot();
  const all = listLayouts({ projectRoot: root }).map((l) => ({
    name: l.name,
    where: dirname(l.path) === BUILTIN_LAYOUTS_DIR.replace(/\/$/, '') ? 'built-in' : 'project',
    path: l.path,
    about: about(l.path),
  }));
  if (o.json) {
    process.stdout.write(JSON.stringify(all, null, 2) + '\n');
    return 0;
  }
  process.stdout.write(table(['NAME', 'WHERE', 'ABOUT'], all.map((l) => [l.name, l.where, l.about])) + '\n');
  process.stdout.write('\nstart one with: miyabi up --layout NAME   (miyabi init writes layouts/default.yaml for this project)\n');
  return 0;
}
