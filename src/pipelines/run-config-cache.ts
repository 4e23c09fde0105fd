/**
 * The loaded pipeline and skills of a run, kept while none of their files changed: loading and
 * validating every skill file costs tens of milliseconds, which a trigger firing many times a
 * second (or an event's < 10 ms activation target) cannot pay each time. The key is every file's
 * path, inode, size and mtime, plus the folders' listing, so an edit, a new skill or a removed one
 * loads afresh; a stat of each file is all a hit costs.
 */
import { statSync } from 'node:fs';
import { skillDirs, yamlFilesIn } from '../config/load-skill.js';
import { resolvePipelineRef } from '../config/load-pipeline.js';
import type { Pipeline } from '../config/pipeline-schema.js';
import type { SkillRegistry } from '../config/skill-schema.js';

interface Entry {
  key: string;
  value: { pipeline: Pipeline; skills: SkillRegistry };
}

const cache = new Map<string, Entry>();
const MAX = 64;

function keyOf(root: string, ref: string): string | null {
  const file = resolvePipelineRef(ref, root);
  if (!file.ok) return null;
  const files = [...skillDirs({ projectRoot: root }).flatMap(yamlFilesIn), file.value];
  try {
    return files.map((f) => {
      const s = statSync(f);
      return `${f}\0${s.ino}\0${s.size}\0${s.mtimeMs}`;
    }).join('\n');
  } catch {
    return null;
  }
}

export function cachedRunConfig(root: string, ref: string, load: () => { pipeline: Pipeline; skills: SkillRegistry }): { pipeline: Pipeline; skills: SkillRegistry } {
  const id = `${root}\0${ref}`;
  const key = keyOf(root, ref);
  const hit = cache.get(id);
  if (key !== null && hit?.key === key) return hit.value;
  const value = load();
  if (key !== null) {
    if (cache.size >= MAX) cache.delete(cache.keys().next().value as string);
    cache.set(id, { key, value });
  }
  return value;
}
