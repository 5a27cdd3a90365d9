/**
 * Matching what a person typed against real names: exact, then well-known aliases and
 * prefixes ("prod" → "production"), then small typos. Returns every candidate of the best
 * tier, so the caller can tell "resolved" (one) from "ambiguous" (several) from "unknown" (none).
 */
const ALIASES: Record<string, string[]> = {
  prod: ['production', 'prd'],
  prd: ['production', 'prod'],
  production: ['prod', 'prd'],
  stg: ['staging', 'stage'],
  stage: ['staging', 'stg'],
  staging: ['stage', 'stg'],
  dev: ['development', 'develop'],
  development: ['dev'],
  qa: ['test', 'testing'],
};

/** Edit distance counting an adjacent transposition as one edit ("stagign" → "staging" is 1). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

export type MatchTier = 'exact' | 'alias' | 'prefix' | 'typo';

export function bestMatches(typed: string, names: readonly string[]): { tier: MatchTier; names: string[] } | undefined {
  const t = typed.toLowerCase();
  const unique = [...new Set(names)];
  const exact = unique.filter((n) => n === t);
  if (exact.length) return { tier: 'exact', names: exact };
  const aliases = ALIASES[t] ?? [];
  const alias = unique.filter((n) => aliases.includes(n));
  if (alias.length) return { tier: 'alias', names: alias };
  if (t.length >= 3) {
    const prefix = unique.filter((n) => n.startsWith(t));
    if (prefix.length) return { tier: 'prefix', names: prefix };
  }
  if (t.length >= 5) {
    const limit = t.length >= 10 ? 2 : 1;
    const typo = unique.filter((n) => editDistance(n, t) <= limit);
    if (typo.length) return { tier: 'typo', names: typo };
  }
  return undefined;
}
