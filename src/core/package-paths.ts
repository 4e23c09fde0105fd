import { fileURLToPath } from 'node:url';

/** Both src/core and dist/core sit two levels below the package root. */
const root = fileURLToPath(new URL('../../', import.meta.url));

export const packageRoot = (): string => root;
export const miyabiBin = (): string => `${root}bin/miyabi.js`;
export const controllerMain = (): string => `${root}dist/controller/bundle.mjs`;
/** The controller's supervisor (not bundled: node built-ins and a few core files). */
export const supervisorMain = (): string => `${root}dist/controller/supervisor.js`;
