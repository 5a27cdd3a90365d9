import { decodeKeysetCursor, encodeKeysetCursor } from '../db/keyset-page.js';

/**
 * The run listing's cursor, in run terms, over the shared keyset cursor (src/db/keyset-page.ts):
 * the last run's created_at in whole microseconds and its id. Only runs.ts uses it; once
 * listRuns calls keysetPage this file can go.
 */
export interface RunCursor {
  createdAtMicros: number;
  id: string;
}

export const encodeRunCursor = (c: RunCursor): string => encodeKeysetCursor({ micros: c.createdAtMicros, id: c.id });

export function decodeRunCursor(cursor: string): RunCursor {
  const { micros, id } = decodeKeysetCursor(cursor);
  return { createdAtMicros: micros, id };
}
