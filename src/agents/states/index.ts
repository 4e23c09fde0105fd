export { decide, initialState } from './decide.js';
export { BUILTIN_PROFILES, loadProfileFile, parseProfile, profileForCommand } from './profiles.js';
export { parseClock, parseDuration } from './reset-time.js';
export { readScreen, screenTail, type ScreenReading } from './screen.js';
export type * from './types.js';
