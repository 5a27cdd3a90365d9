/**
 * Moved to src/db/sql-values.ts (keyset pagination in src/db needs them too). Kept for the
 * control-plane modules that still import it from here; delete once they import from db.
 */
export { isUuid, jsonParam, toDate, toDateOrNull } from '../db/sql-values.js';
