import type { Diagnosis, EvidenceItem, ResourceRef, RootCauseType } from '../../src/domain/diagnosis.js';

/**
 * Diagnoses as the investigator writes them, for the memory tests: the same causes worded as
 * different runtimes and people word them, on different workloads and namespaces.
 */
export function dx(o: {
  type: RootCauseType;
  summary: string;
  logs?: string[];
  events?: string[];
  symptoms?: string[];
  affected?: ResourceRef[];
  fix?: string;
  target: ResourceRef;
}): Diagnosis {
  const evidence: EvidenceItem[] = [
    ...(o.logs ?? []).map((value) => ({ kind: 'log' as const, resource: o.target, value })),
    ...(o.events ?? []).map((value) => ({ kind: 'event' as const, value })),
  ];
  const remediation = { immediate: o.fix ? [o.fix] : [], verification: [], prevention: [] };
  return {
    target: o.target,
    root_cause: { type: o.type, summary: o.summary, confidence: 0.9, detection_method: 'rule_based', evidence },
    findings: [
      { type: o.type, summary: o.summary, confidence: 0.9, detection_method: 'rule_based', evidence, affected_resources: o.affected ?? [], remediation },
      ...(o.symptoms ?? []).map((s) => ({ type: 'crash_loop' as const, summary: s, confidence: 0.6, detection_method: 'rule_based' as const, evidence: [], affected_resources: [], remediation })),
    ],
    remediation,
    affected_resources: o.affected ?? [],
  };
}

const dep = (name: string, namespace: string) => ({ kind: 'Deployment', name, namespace });
const svc = (name: string, namespace: string) => ({ kind: 'Service', name, namespace });

/** Key → [namespace, workload, diagnosis]. */
export const CASES = {
  // The demo's cause: postgres scaled to zero, its clients get connection refused.
  pgProd: ['production', 'auth-service', dx({
    type: 'service_no_endpoints',
    target: dep('auth-service', 'production'),
    summary: 'Service postgres has no ready endpoints: deployment postgres is scaled to 0 replicas',
    logs: ['Error: connect ECONNREFUSED 10.96.12.4:5432', 'FATAL could not reach database postgres:5432, retrying in 5s'],
    events: ['Back-off restarting failed container auth in pod auth-service-7d9f8b6c5d-x2x9z'],
    symptoms: ['auth-service-7d9f8b6c5d-x2x9z is in CrashLoopBackOff (14 restarts)'],
    affected: [svc('postgres', 'production')],
    fix: 'kubectl scale deployment/postgres --replicas=1 -n production',
  })],
  pgStaging: ['staging', 'billing-api', dx({
    type: 'service_no_endpoints',
    target: dep('billing-api', 'staging'),
    summary: 'postgres in staging has 0 endpoints (its deployment has replicas: 0)',
    logs: ['psycopg2.OperationalError: could not connect to server: Connection refused. Is the server running on host "postgres" (10.0.0.8) and accepting TCP/IP connections on port 5432?'],
    symptoms: ['billing-api-5c4b7f9d8-qq7lm restarts repeatedly'],
    affected: [svc('postgres', 'staging')],
    fix: 'kubectl scale deployment/postgres --replicas=1 -n staging',
  })],
  pgDev: ['dev', 'payments', dx({
    type: 'service_no_endpoints',
    target: dep('payments', 'dev'),
    summary: 'the postgres service selects no ready pods: no endpoints behind postgres',
    logs: ['org.postgresql.util.PSQLException: Connection to postgres:5432 refused. Check that the hostname and port are correct'],
    affected: [svc('postgres', 'dev')],
    fix: 'kubectl scale statefulset/postgres --replicas=1 -n dev',
  })],
  oomProd: ['production', 'auth-service', dx({
    type: 'oom_killed',
    target: dep('auth-service', 'production'),
    summary: 'Container auth was OOMKilled: its memory limit 256Mi is exceeded under load',
    logs: ['java.lang.OutOfMemoryError: Java heap space'],
    events: ['Container auth exceeded memory limit, OOMKilled, exit code 137'],
    symptoms: ['auth-service-7d9f8b6c5d-x2x9z is in CrashLoopBackOff (14 restarts)'],
    affected: [dep('auth-service', 'production')],
    fix: 'raise the memory limit of container auth to 512Mi',
  })],
  oomStaging: ['staging', 'worker', dx({
    type: 'oom_killed',
    target: dep('worker', 'staging'),
    summary: 'worker ran out of memory (limit 512Mi) and was killed by the kernel: OOMKilled',
    logs: ['fatal error: runtime: out of memory'],
    affected: [dep('worker', 'staging')],
    fix: 'raise the memory limit of container worker',
  })],
  imageProd: ['production', 'frontend', dx({
    type: 'image_pull_error',
    target: dep('frontend', 'production'),
    summary: 'ImagePullBackOff: manifest for registry.example.com/frontend:v2.3.1 not found',
    events: ['Failed to pull image "registry.example.com/frontend:v2.3.1": rpc error: code = NotFound desc = manifest unknown'],
    affected: [dep('frontend', 'production')],
    fix: 'set the image tag to one that exists in the registry',
  })],
  dnsStaging: ['staging', 'cart', dx({
    type: 'dns_resolution_failure',
    target: dep('cart', 'staging'),
    summary: 'cart cannot resolve redis.cache.svc.cluster.local',
    logs: ['Error: getaddrinfo ENOTFOUND redis.cache.svc.cluster.local'],
    affected: [svc('redis', 'cache')],
    fix: 'create the redis service in namespace cache',
  })],
} as const satisfies Record<string, readonly [string, string, Diagnosis]>;

export type CaseKey = keyof typeof CASES;
