import { SCOPE_SQL } from '../../clusters/scope.js';
import type { Queryable } from '../../db/database.js';
import { keysetPage, type KeysetFilter } from '../../db/keyset-page.js';
import { ALERT_COLUMNS, toAlertRecord, type AlertRecord } from './store.js';

export interface ListAlertsQuery {
  status?: 'firing' | 'resolved';
  fingerprint?: string;
  /** Namespace isolation: only alerts in these namespaces; undefined = all. */
  namespaces?: readonly string[];
  cursor?: string;
  limit: number;
}

/** Alerts as received, most recent first. */
export async function listAlerts(db: Queryable, q: ListAlertsQuery): Promise<{ items: AlertRecord[]; nextCursor: string | null }> {
  const filters: KeysetFilter[] = [];
  if (q.status) filters.push({ sql: (p) => `status = ${p}`, value: q.status });
  if (q.fingerprint) filters.push({ sql: (p) => `fingerprint = ${p}`, value: q.fingerprint });
  if (q.namespaces) filters.push({ sql: (p) => `${SCOPE_SQL} = ANY(${p}::text[])`, value: [...q.namespaces] });
  const page = await keysetPage(db, { columns: ALERT_COLUMNS, table: 'alerts', timeColumn: 'last_received', filters, cursor: q.cursor, limit: q.limit, maxLimit: 200 });
  return { items: page.rows.map(toAlertRecord), nextCursor: page.nextCursor };
}
