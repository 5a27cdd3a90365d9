import type { Terminal } from '../output/terminal.js';

/** How times, durations and run statuses read in a terminal. */
export function clockTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toTimeString().slice(0, 8);
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 10)} ${d.toTimeString().slice(0, 8)}`;
}

export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  return `${m}m${Math.round((ms % 60_000) / 1000)}s`;
}

export function between(from: string | null | undefined, to: string | null | undefined): string {
  if (!from || !to) return '';
  return duration(Date.parse(to) - Date.parse(from));
}

/** "in 14m" / "3h ago" relative to now. */
export function relative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '';
  const diff = Date.parse(iso) - now;
  if (!Number.isFinite(diff)) return iso;
  const abs = Math.abs(diff);
  const text = abs < 60_000 ? `${Math.round(abs / 1000)}s` : abs < 3_600_000 ? `${Math.round(abs / 60_000)}m` : abs < 86_400_000 ? `${Math.round(abs / 3_600_000)}h` : `${Math.round(abs / 86_400_000)}d`;
  return diff >= 0 ? `in ${text}` : `${text} ago`;
}

export function statusText(term: Terminal, status: string): string {
  const c = term.color;
  switch (status) {
    case 'succeeded':
      return c.green(status);
    case 'failed':
    case 'dead':
      return c.red(status);
    case 'cancelled':
      return c.yellow(status);
    case 'running':
    case 'retrying':
      return c.cyan(status);
    default:
      return c.dim(status);
  }
}

export function percent(confidence: unknown): string {
  return typeof confidence === 'number' && Number.isFinite(confidence) ? `${Math.round(confidence * 100)}%` : '?';
}

/**
 * Ids as a table shows them on a terminal: the shortest common length (8 characters or more)
 * that tells every id of the table apart. UUIDv7 ids made close together share their first
 * characters (a millisecond timestamp), so a fixed 8 could show one prefix on every row.
 * Commands accept any unique prefix back (`syntra runs show 01a241f8-3c`).
 */
export function shortIds(ids: readonly string[]): string[] {
  const distinct = new Set(ids).size;
  for (let n = 8; n < 36; n++) {
    if (ids.some((id) => id[n - 1] === '-')) continue;
    if (new Set(ids.map((id) => id.slice(0, n))).size === distinct) return ids.map((id) => id.slice(0, n));
  }
  return [...ids];
}
