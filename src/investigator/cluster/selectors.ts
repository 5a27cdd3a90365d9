import type { V1LabelSelector } from '@kubernetes/client-node';

/** matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist), or a plain map (services). */
export function selectorMatches(selector: V1LabelSelector | Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return false;
  const l = labels ?? {};
  const isLabelSelector = 'matchLabels' in selector || 'matchExpressions' in selector;
  const matchLabels = (isLabelSelector ? (selector as V1LabelSelector).matchLabels : (selector as Record<string, string>)) ?? {};
  const expressions = isLabelSelector ? ((selector as V1LabelSelector).matchExpressions ?? []) : [];
  if (Object.keys(matchLabels).length === 0 && expressions.length === 0) return false;
  return (
    Object.entries(matchLabels).every(([k, v]) => l[k] === v) &&
    expressions.every((e) => {
      const has = e.key in l;
      switch (e.operator) {
        case 'In': return has && (e.values ?? []).includes(l[e.key]!);
        case 'NotIn': return !has || !(e.values ?? []).includes(l[e.key]!);
        case 'Exists': return has;
        case 'DoesNotExist': return !has;
        default: return false;
      }
    })
  );
}

/** A plain label selector as kubectl prints it: `app=auth,tier=api`. */
export const selectorText = (sel: Record<string, string> | undefined): string =>
  Object.entries(sel ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
