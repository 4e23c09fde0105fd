/** Loads `feedback.yaml` (feedback-schema.ts) from the project root; absent means all defaults. */
import fs from 'node:fs';
import path from 'node:path';
import { failed, ok, type ConfigResult } from './config-issue.js';
import { type FeedbackFile, feedbackSchema } from './feedback-schema.js';
import { loadYamlSource } from './load-yaml.js';
import { displayPath } from './paths.js';
import { readConfigFile } from './yaml-source.js';

export const FEEDBACK_FILE = 'feedback.yaml';

export function loadFeedback(root: string, cwd = process.cwd()): ConfigResult<FeedbackFile & { file: string | null }> {
  const abs = path.join(root, FEEDBACK_FILE);
  if (!fs.existsSync(abs)) return ok({ file: null });
  return loadFeedbackFile(abs, cwd);
}

/** One feedback file (`miyabi validate` names it), every problem at file:line:col. */
export function loadFeedbackFile(abs: string, cwd = process.cwd()): ConfigResult<FeedbackFile & { file: string }> {
  const file = displayPath(abs, cwd);
  const read = readConfigFile(abs, file);
  if (!read.ok) return failed(read.issues);
  const loaded = loadYamlSource(file, read.value, feedbackSchema());
  if (!loaded.ok) return loaded;
  return ok({ ...(loaded.value.value ?? {}), file: abs }, loaded.warnings);
}
