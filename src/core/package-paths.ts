import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * src/core, dist/core and the bundles in dist/controller and dist/cli sit two levels below the
 * package root; the quick verbs' bundles (dist/cli/quick/) are three, but are given a URL in
 * dist/cli/ (scripts/bundle.mjs), so that every `../../` from import.meta.url means the same.
 */
const two = fileURLToPath(new URL('../../', import.meta.url));
const root = existsSync(`${two}package.json`) ? two : fileURLToPath(new URL('../../../', import.meta.url));

export const packageRoot = (): string => root;
export const miyabiBin = (): string => `${root}bin/miyabi.js`;
export const controllerMain = (): string => `${root}dist/controller/bundle.mjs`;
/** A spare controller's entry (spare/main.ts), a chunk-mate of the controller's bundle. */
export const spareMain = (): string => `${root}dist/controller/spare.mjs`;
/** The controller's supervisor (not bundled: node built-ins and a few core files). */
export const supervisorMain = (): string => `${root}dist/controller/supervisor.js`;
