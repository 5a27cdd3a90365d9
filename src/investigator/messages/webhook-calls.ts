import type { RootCauseType } from '../../domain/diagnosis.js';
import type { Rule } from './rule.js';

/**
 * The API server could not call an admission webhook, so the request it was admitting (a pod a
 * ReplicaSet creates, an Ingress someone applies) fails. The envelope is the apiserver's
 * (staging/src/k8s.io/apiserver/pkg/admission/plugin/webhook: `failed calling webhook %q: %w`, with
 * `failed to call webhook: %w` since 1.18 and `failed calling admission webhook %q` in 1.9); what
 * follows is the HTTP client's own error, and that error says where the call broke:
 *
 * - `no endpoints available for service "x"` / `service "x" not found`: the webhook's Service has
 *   no ready pod behind it, or is gone (the component was uninstalled and its webhook left behind);
 * - `connect: connection refused`: kube-proxy rejects connections to a Service without endpoints,
 *   and a pod that is not listening on the targetPort refuses them: the webhook is not serving there;
 * - `context deadline exceeded`, `Client.Timeout exceeded`, `i/o timeout`: the packets are dropped on
 *   the way. A webhook that is down answers at once (refused, no endpoints); silence is the signature
 *   of a NetworkPolicy on the webhook's pods or a firewall between the control plane and the nodes
 *   (GKE private clusters open only 443/10250 from the control plane; EKS security groups);
 * - `EOF`: the connection was closed before any answer; where the API server reaches pods through
 *   a tunnel (konnectivity, AKS), a blocked path ends this way too;
 * - `x509: …`: the webhook's serving certificate is not trusted by its caBundle.
 */
const CALL = String.raw`failed calling (?:admission )?webhook "([^"]+)":(?: failed to call webhook:)?\s*(?:(?:Post|Get) "?(https?:\/\/[^\s"]+)"?:?)?`;

const serviceOf = (url: string | undefined): string | undefined => (url ? /^https?:\/\/([\w-]+)\.([\w-]+)\.svc/.exec(url)?.[1] ?? /^https?:\/\/([\w.-]+)/.exec(url)?.[1] : undefined);
const where = (url: string | undefined): string => (url ? ` at ${url.replace(/\?.*$/, '')}` : '');

function call(id: string, type: RootCauseType, confidence: number, tail: string, why: (m: RegExpExecArray) => string): Rule {
  return {
    id, type, confidence,
    re: new RegExp(`${CALL}[^\\n]*?${tail}`),
    cause: (m) => `the API server cannot call admission webhook ${m[1]}${where(m[2])}: ${why(m)}`,
    facts: (m) => {
      const service = serviceOf(m[2]);
      return service ? { service } : {};
    },
  };
}

export const WEBHOOK_CALL_RULES: readonly Rule[] = [
  call('webhook-call-x509', 'tls_certificate_error', 0.88, String.raw`(x509: [^\n]{0,160})`,
    (m) => `its serving certificate is not trusted (${m[3]}): the webhook configuration's caBundle does not match the certificate the webhook serves`),
  call('webhook-call-no-endpoints', 'service_no_endpoints', 0.85, String.raw`(?:no endpoints available for service|service) "([^"]+)"(?: not found)?`,
    (m) => `its service ${m[3]} has no ready endpoints, or does not exist (the webhook's pods are not running, or the component was removed and its webhook configuration left behind)`),
  call('webhook-call-refused', 'service_no_endpoints', 0.72, String.raw`connect: connection refused`,
    () => 'the connection is refused: no ready pod serves the webhook on its service\'s targetPort (the webhook pods are down or not ready, or the port is wrong)'),
  call('webhook-call-timeout', 'network_policy_blocked', 0.62, String.raw`(context deadline exceeded|Client\.Timeout exceeded[^\n]*|i\/o timeout|request canceled while waiting for connection)`,
    (m) => `the call times out (${m[3]!.slice(0, 80)}): nothing answers on the way to the webhook's pods — most often a NetworkPolicy on the webhook's namespace or a firewall between the control plane and the nodes drops the traffic (a webhook that is down answers at once with "connection refused" or "no endpoints")`),
  call('webhook-call-eof', 'network_policy_blocked', 0.55, String.raw`:\s*(EOF)\s*$`,
    () => 'the connection is closed before any answer (EOF): the path from the API server to the webhook\'s pods is cut — a NetworkPolicy or firewall dropping the traffic (through a konnectivity tunnel this shows as EOF), or the webhook server crashing on the request'),
];
