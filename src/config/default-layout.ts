/**
 * The layout used when none is given: one window "main" (tiled) with the conductor, the dashboard
 * and two agents running the user's shell in the project root. `layouts/default.yaml` writes out the
 * same thing (a test keeps them equal), as a starting point to copy.
 */
import type { LayoutFile } from './layout-schema.js';
import type { SessionLayout } from './layout-types.js';
import { captureEnv, normalizeLayout } from './normalize-layout.js';

export const BUILTIN_DEFAULT_SOURCE = '<built-in default>';

export const DEFAULT_LAYOUT_FILE: LayoutFile = {
  windows: [
    {
      name: 'main',
      layout: 'tiled',
      panes: [
        { role: 'conductor' },
        { role: 'dashboard' },
        { role: 'agent', name: 'agent-1' },
        { role: 'agent', name: 'agent-2' },
      ],
    },
  ],
};

export interface DefaultLayoutOptions {
  projectRoot: string;
  miyabiBin: string;
  env?: NodeJS.ProcessEnv;
}

/** Session name: the project folder's name made valid (sanitizeName), e.g. "My Repo" → "my-repo". */
export function defaultLayout(opts: DefaultLayoutOptions): SessionLayout {
  return normalizeLayout(DEFAULT_LAYOUT_FILE, {
    source: BUILTIN_DEFAULT_SOURCE,
    projectRoot: opts.projectRoot,
    miyabiBin: opts.miyabiBin,
    env: captureEnv(opts.env),
  });
}
