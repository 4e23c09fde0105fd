/** The task queue and router (issue 5, part 5). Pure: no I/O, no controller wiring. */
export * from './types.js';
export * from './ids.js';
export * from './validate.js';
export * from './queue.js';
export * from './router.js';
