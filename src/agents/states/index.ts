export { decide, initialState } from './decide.js';
export { BUILTIN_DELIVERY, BUILTIN_PROFILES, deliveryFor, loadProfileFile, parseProfile, profileForCommand, type DeliverySettings } from './profiles.js';
export { parseClock, parseDuration } from './reset-time.js';
export { readScreen, screenTail, type ScreenReading } from './screen.js';
export type * from './types.js';
