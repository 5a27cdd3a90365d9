import { resolveKind } from '../../cluster/kinds.js';

/**
 * What a pasted command line says about the output after it: `kubectl describe pod api-7d9f -n
 * prod` → a Pod named api-7d9f in prod; `kubectl logs api-7d9f -c app --previous` → logs of that
 * container's crashed instance; `kubectl get events -n prod` → events of prod.
 */
export interface CommandHint {
  verb: string;
  kind?: string;
  name?: string;
  namespace?: string;
  container?: string;
  previous?: boolean;
}

const tokenize = (cmd: string): string[] => (cmd.split('|')[0] ?? '').trim().split(/\s+/).map((t) => t.replace(/^['"]|['"]$/g, ''));

export function parseCommand(command: string | undefined): CommandHint | undefined {
  if (!command) return undefined;
  const tokens = tokenize(command);
  const start = tokens.findIndex((t) => /^(kubectl|oc|k|kc|zkubectl|kubectl\.exe)$/.test(t) || t.endsWith('kubectl'));
  const args = tokens.slice(start + 1);
  const positional: string[] = [];
  const hint: Partial<CommandHint> = {};
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i]!;
    const next = args[i + 1];
    if (a === '-n' || a === '--namespace') { if (next !== undefined) hint.namespace = next; i += 1; continue; }
    if (a.startsWith('--namespace=')) { hint.namespace = a.slice('--namespace='.length); continue; }
    if (a.startsWith('-n') && a.length > 2 && !a.startsWith('--')) { hint.namespace = a.slice(2); continue; }
    if (a === '-c' || a === '--container') { if (next !== undefined) hint.container = next; i += 1; continue; }
    if (a.startsWith('--container=')) { hint.container = a.slice('--container='.length); continue; }
    if (a === '-p' || a === '--previous' || a === '--previous=true') { hint.previous = true; continue; }
    if (['-o', '--output', '-l', '--selector', '--context', '--kubeconfig', '--tail', '--since', '--field-selector', '--sort-by'].includes(a)) { i += 1; continue; }
    if (a.startsWith('-')) continue;
    positional.push(a);
  }
  const [verb, ...rest] = positional;
  if (!verb) return undefined;
  if (verb === 'logs') {
    const target = rest[0] ?? '';
    const slash = target.indexOf('/');
    const kind = slash > 0 ? resolveKind(target.slice(0, slash)) : 'Pod';
    const name = slash > 0 ? target.slice(slash + 1) : target;
    return { ...hint, verb, ...(kind ? { kind } : {}), ...(name ? { name } : {}), ...(rest[1] && !hint.container ? { container: rest[1] } : {}) };
  }
  const [what, name] = rest;
  if (!what) return { ...hint, verb };
  const slash = what.indexOf('/');
  if (slash > 0) return { ...hint, verb, ...(resolveKind(what.slice(0, slash)) ? { kind: resolveKind(what.slice(0, slash))! } : {}), name: what.slice(slash + 1) };
  const kind = resolveKind(what);
  return { ...hint, verb, ...(kind ? { kind } : {}), ...(name ? { name } : {}) };
}
