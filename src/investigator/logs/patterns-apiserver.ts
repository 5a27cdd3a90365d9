import { specific, type LogPattern } from './pattern-kit.js';

/**
 * A pod's calls to the Kubernetes API server time out while connecting. client-go words the failed
 * request as `Get "https://10.96.0.1:443/api?timeout=32s": dial tcp 10.96.0.1:443: i/o timeout`
 * (rest/request.go around net/http's dial error; unquoted URLs before Go 1.14), and controllers,
 * operators and kube-state-metrics log it as it is. The API server answers everyone else — the logs
 * themselves were read through it — and a dial that times out, rather than being refused, is packets
 * dropped on the way from this pod: most often a NetworkPolicy whose egress rules leave the API server
 * out (after kube-proxy's DNAT the packets go to the API server's endpoint addresses, usually port 6443,
 * so an egress rule for the Service address alone does not let them through), otherwise a pod network
 * (CNI, kube-proxy) broken on the node. Read before the dependency families, which would call it an
 * unreachable dependency; below 0.7, for the second explanation is not ruled out.
 */
export const API_SERVER_PATTERNS: readonly LogPattern[] = [
  specific('apiserver-dial-timeout', 'network_policy_blocked', /i\/o timeout|connection timed out/, [
    /\b(?:Get|Post|Put|Patch|Delete) \\?"?https:\/\/(?<host>\d{1,3}(?:\.\d{1,3}){3}|\[[\da-fA-F:]+\]|kubernetes(?:\.default(?:\.svc(?:\.[\w.-]+)?)?)?):(?<port>443|6443)\/(?:api|apis|version)\b[^\s"\\]*\\?"?: dial tcp \S+: (?:i\/o timeout|connect: connection timed out)/,
  ], 0.55, (m) => ({ host: m.groups!.host!, port: Number(m.groups!.port), detail: m[0].replace(/\\"/g, '"') })),
];
