import { SyntraError } from '../domain/errors.js';
import { isUuid } from './sql-values.js';

/**
 * Opaque keyset cursor for run listings: the last row's created_at in whole microseconds
 * (what PostgreSQL stores; a JS Date would drop the last three digits and skip or repeat rows)
 * and its id, as base64url JSON.
 */
export interface RunCursor {
  createdAtMicros: number;
  id: string;
}

export function encodeRunCursor(c: RunCursor): string {
  return Buffer.from(JSON.stringify([c.createdAtMicros, c.id])).toString('base64url');
}

export function decodeRunCursor(cursor: string): RunCursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && Number.isSafeInteger(parsed[0]) && isUuid(parsed[1])) {
      return { createdAtMicros: parsed[0] as number, id: parsed[1] as string };
    }
  } catch {
    // fall through to the one error below
  }
  throw new SyntraError('bad_request', 'cursor is not one this server issued', { details: { field: 'cursor' } });
}
