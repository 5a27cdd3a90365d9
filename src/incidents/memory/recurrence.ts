import { RECURRENCE_WINDOW_DAYS, type Incident } from '../incident.js';

/**
 * Recurrence: the same root cause on the same workload (one incident record) seen by more than
 * one run within the window. Says how often, and what fixed it last and whether that held.
 */
export interface Recurrence {
  /** Runs that saw it within the window, this one included. */
  count: number;
  windowDays: number;
  lastFix: { action: string; verified: boolean | null; at: Date | null } | null;
  /** e.g. "3rd time in 7 days; last fixed by scaling deployment/postgres to 1 — verified". */
  text: string;
}

export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}

export function recurrenceOf(i: Pick<Incident, 'recentOccurrences' | 'lastFix' | 'lastFixAt' | 'remediationVerified'>): Recurrence | null {
  if (i.recentOccurrences < 2) return null;
  const lastFix = i.lastFix ? { action: i.lastFix, verified: i.remediationVerified, at: i.lastFixAt } : null;
  const verdict = lastFix ? (lastFix.verified === true ? ' — verified' : lastFix.verified === false ? ' — did not hold' : ' — not verified') : '';
  const fix = lastFix ? `last fixed by ${lastFix.action}${verdict}` : 'no fix recorded yet (syntra incidents feedback)';
  return { count: i.recentOccurrences, windowDays: RECURRENCE_WINDOW_DAYS, lastFix, text: `${ordinal(i.recentOccurrences)} time in ${RECURRENCE_WINDOW_DAYS} days; ${fix}` };
}
