/** Milliseconds since the epoch. Injected so expiry, lockout and windows are testable without sleeping. */
export type Clock = () => number;
export const systemClock: Clock = () => Date.now();
