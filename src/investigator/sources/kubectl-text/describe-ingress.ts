import type { DescribeNode } from './describe-tree.js';
import { child, childValue, sectionLines } from './describe-tree.js';
import { annotationMap, labelMap, present } from './describe-values.js';

/**
 * `kubectl describe ingress` → V1Ingress (describe.go describeIngressV1). The Rules table prints a
 * host line, then one line per path with its backend and, in parentheses, what kubectl found for
 * the backend service's endpoints: the addresses, `<none>` (no ready endpoint), or since 1.19
 * `<error: endpoints "x" not found>`. That finding is not an API field: it is kept in the
 * BACKEND_ENDPOINTS annotation (service → text) for the Ingress analyzer.
 */
type Raw = Record<string, unknown>;

export const BACKEND_ENDPOINTS = 'syntra.dev/backend-endpoints';

const BACKEND = /^(\S+?):(\S+)\s+\((.*)\)\s*$/;

function backend(text: string, seen: Record<string, string>): Raw | undefined {
  const m = BACKEND.exec(text.trim());
  if (!m) return undefined;
  seen[m[1]!] = m[3]!;
  return { service: { name: m[1], port: /^\d+$/.test(m[2]!) ? { number: Number(m[2]) } : { name: m[2] } } };
}

function rules(root: DescribeNode, seen: Record<string, string>): Raw[] {
  const byHost = new Map<string, Raw[]>();
  let host = '*';
  for (const line of sectionLines(child(root, 'Rules'))) {
    const text = line.trim();
    if (/^Host\s+Path\s+Backends$/.test(text) || /^-+(\s+-+)*$/.test(text) || text === '') continue;
    // `host  /path  svc:80 (…)`, `/path  svc:80 (…)` under a host line, or the host line alone.
    const row = /^(?:(\S+)\s+)?(\/\S*|\*)\s+(\S+:\S+\s+\(.*\))$/.exec(text);
    if (!row) {
      if (/^\S+$/.test(text)) host = text;
      continue;
    }
    if (row[1]) host = row[1];
    const b = backend(row[3]!, seen);
    if (!b) continue;
    const paths = byHost.get(host) ?? [];
    paths.push({ path: row[2] === '*' ? '/' : row[2], pathType: 'ImplementationSpecific', backend: b });
    byHost.set(host, paths);
  }
  return [...byHost].map(([h, paths]) => ({ ...(h === '*' ? {} : { host: h }), http: { paths } }));
}

/** `TLS:` lines: `  secret-name terminates a.example.com,b.example.com`. */
function tls(root: DescribeNode): Raw[] | undefined {
  const out = sectionLines(child(root, 'TLS'))
    .map((l) => /^\s*(\S+) terminates (.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ ...(m[1] === 'SNI' ? {} : { secretName: m[1] }), hosts: m[2]!.split(',').map((h) => h.trim()).filter((h) => h !== '') }));
  return out.length > 0 ? out : undefined;
}

export function describeIngress(root: DescribeNode): Raw {
  const seen: Record<string, string> = {};
  const defaultBackend = backend(childValue(root, 'Default backend') ?? '', seen);
  const ingressRules = rules(root, seen);
  const annotations = { ...annotationMap(child(root, 'Annotations')), ...(Object.keys(seen).length > 0 ? { [BACKEND_ENDPOINTS]: JSON.stringify(seen) } : {}) };
  const className = present(childValue(root, 'Ingress Class') ?? childValue(root, 'IngressClass'));
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: childValue(root, 'Name'), namespace: present(childValue(root, 'Namespace')), labels: labelMap(child(root, 'Labels')), annotations },
    spec: {
      ...(className ? { ingressClassName: className } : {}),
      ...(defaultBackend ? { defaultBackend } : {}),
      rules: ingressRules,
      ...(tls(root) ? { tls: tls(root) } : {}),
    },
  };
}
