import { stripVTControlCharacters } from 'node:util';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../src/domain/diagnosis.js';
import { DEMO, DEMO_DIR } from '../../src/investigator/sources/demo-cluster/index.js';
import { OFF_THREAD_MIN_DIRS } from '../../src/investigator/sources/dump-log-reader.js';
import { ANSI, FIXTURES, runDiagnose, schemaProblems } from './diagnose-harness.js';

/**
 * `syntra diagnose` as a user types it: the demo incident (human and --json), kubectl text on
 * stdin, a dump folder, files plus --logs, masking and --unmask, colour only when asked for.
 */
const AUTH_LOG_LINE = 'Connection refused: postgres.production.svc.cluster.local:5432';
const tmp = mkdtempSync(path.join(tmpdir(), 'syntra-diagnose-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const hasServiceEvidence = (d: Diagnosis) => d.root_cause.evidence.some((e) => e.resource?.kind === 'Service' && e.resource.name === 'postgres');
const hasLogEvidence = (d: Diagnosis) => d.root_cause.evidence.some((e) => e.kind === 'log' && e.value.includes(AUTH_LOG_LINE));

describe.concurrent('syntra diagnose', { timeout: 120_000 }, () => {
  it('--demo names postgres having no endpoints as the root cause of the auth-service crash loop (human)', async () => {
    const r = await runDiagnose(['--demo']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(ANSI);
    // The list of problems leads with auth-service, explained by the service.
    expect(r.stdout).toMatch(/problems found in all namespaces/);
    expect(r.stdout).toMatch(/1\. deployment\/auth-service\s+service_no_endpoints/);
    const block = r.stdout.slice(r.stdout.indexOf('Deployment/auth-service (namespace production)'));
    expect(block).toMatch(/^Root cause {2}service_no_endpoints {2}confidence \d+% · rule based$/m);
    expect(block).toContain('Service postgres (port 5432) has no ready endpoints');
    expect(block).toContain(`"[2025-03-14T10:37:39.530Z] ERROR ${AUTH_LOG_LINE} - giving up after 5 attempts"`);
    expect(block).toMatch(/spec {3}service\/postgres spec\.selector = "app=postgres"/);
    expect(block).toContain('Symptoms (explained by the root cause)');
    expect(block).toMatch(/dependency_unreachable \d+% {2}Container auth-service of pod auth-service-/);
    expect(block).toMatch(/\$ kubectl -n production scale deployment\/postgres --replicas=1 {3}\[write: needs your approval\]/);
    expect(block).toContain('$ kubectl -n production get endpoints postgres');
    // The other demo problems are all there, each with its own cause.
    for (const [workload, type] of [['payment-worker', 'oom_killed'], ['frontend', 'image_pull_error'], ['notification-service', 'container_config_error'], ['analytics-batch', 'unschedulable_insufficient_resources']]) {
      expect(r.stdout).toMatch(new RegExp(`\\d\\. \\w+/${workload}\\s+${type}`));
    }
  });

  it('--demo --json: one documented document per problem, auth-service caused by service postgres', async () => {
    const r = await runDiagnose(['--demo', '--json']);
    expect(r.code).toBe(0);
    const docs = JSON.parse(r.stdout) as Diagnosis[];
    expect(Array.isArray(docs)).toBe(true);
    expect(docs.length).toBeGreaterThanOrEqual(5);
    for (const d of docs) expect(schemaProblems(d), `${d.target?.kind}/${d.target?.name}`).toEqual([]);
    const auth = docs.find((d) => d.target.kind === 'Deployment' && d.target.name === 'auth-service')!;
    expect(auth.root_cause.type).toBe('service_no_endpoints');
    expect(auth.root_cause.summary).toContain('postgres');
    expect(hasLogEvidence(auth)).toBe(true);
    expect(hasServiceEvidence(auth)).toBe(true);
    expect(auth.findings.map((f) => f.type)).toContain('dependency_unreachable');
    expect(auth.remediation.writes).toContain('kubectl -n production scale deployment/postgres --replicas=1');
  });

  it('--resource with --json prints a single object, not a list', async () => {
    const r = await runDiagnose(['--demo', '--namespace', 'production', '--resource', 'deployment/auth-service', '--json']);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as Diagnosis;
    expect(Array.isArray(d)).toBe(false);
    expect(schemaProblems(d)).toEqual([]);
    expect(d.target).toEqual({ kind: 'Deployment', name: 'auth-service', namespace: 'production' });
    expect(d.root_cause.type).toBe('service_no_endpoints');
    expect(hasLogEvidence(d) && hasServiceEvidence(d)).toBe(true);
  });

  it('a healthy pod gives no_issue_found, and its namespace is found without --namespace', async () => {
    const r = await runDiagnose(['--demo', '--pod', 'redis-0', '--json']);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as Diagnosis;
    expect(schemaProblems(d)).toEqual([]);
    expect(d.target).toEqual({ kind: 'Pod', name: 'redis-0', namespace: 'production' });
    expect(d.root_cause.type).toBe('no_issue_found');
  });

  it('reads `kubectl describe` text from stdin', async () => {
    const text = readFileSync(path.join(FIXTURES, 'describe-pvc-pending.txt'), 'utf8');
    const human = await runDiagnose(['--from', '-'], { stdin: text });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^PersistentVolumeClaim\/data-orders-db-0 \(namespace shop\)$/m);
    expect(human.stdout).toMatch(/Root cause {2}pvc_provisioning_failure/);
    expect(human.stdout).toContain('fast-ssd');
    expect(human.stdout).not.toMatch(ANSI);
    const json = await runDiagnose(['--from', '-', '--json'], { stdin: text });
    const d = JSON.parse(json.stdout) as Diagnosis;
    expect(schemaProblems(d)).toEqual([]);
    expect(d.root_cause.type).toBe('pvc_provisioning_failure');
  });

  it('reads a `kubectl cluster-info dump` folder', async () => {
    const r = await runDiagnose(['--from', DEMO_DIR, '--pod', DEMO.oomPod, '--json']);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as Diagnosis;
    expect(schemaProblems(d)).toEqual([]);
    expect(d.root_cause.type).toBe('oom_killed');
    expect(d.root_cause.summary).toContain('256Mi');
    const all = await runDiagnose(['--from', DEMO_DIR, '--namespace', 'staging', '--json']);
    expect(all.code).toBe(0);
    const staging = JSON.parse(all.stdout) as Diagnosis;
    // staging is healthy: one no_issue_found for the namespace, not a guess.
    expect(schemaProblems(staging)).toEqual([]);
    expect(staging.root_cause.type).toBe('no_issue_found');
  });

  it('reads the pod logs of a large dump on a thread (the thread module of the copy a user runs), as a small dump reads them', async () => {
    const dir = path.join(tmp, 'large-dump');
    cpSync(path.join(DEMO_DIR, 'production'), path.join(dir, 'production'), { recursive: true });
    for (let i = 0; i < OFF_THREAD_MIN_DIRS; i++) {
      mkdirSync(path.join(dir, 'production', `idle-${i}`));
      writeFileSync(path.join(dir, 'production', `idle-${i}`, 'logs.txt'), 'listening on :8080\n');
    }
    const r = await runDiagnose(['--from', dir, '--namespace', 'production', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const auth = (JSON.parse(r.stdout) as Diagnosis[]).find((d) => d.target.kind === 'Deployment' && d.target.name === 'auth-service')!;
    expect(auth.root_cause.type).toBe('service_no_endpoints');
    expect(hasLogEvidence(auth)).toBe(true);
  });

  it('combines kubectl files with --logs; secrets in evidence are masked unless --unmask', async () => {
    const log = path.join(tmp, 'auth.log');
    writeFileSync(log, [
      '2025-03-14T10:42:31Z INFO auth-service starting',
      '2025-03-14T10:42:39Z ERROR connect ECONNREFUSED 10.96.112.45:5432 while opening postgres://auth_svc:pr0d-Auth-DB-9f2c@postgres.production.svc.cluster.local:5432/auth',
      '',
    ].join('\n'));
    const args = ['--from', path.join(FIXTURES, 'get-pods.json'), '--from', path.join(FIXTURES, 'get-postgres.yaml'), '--logs', `${DEMO.authPods[0]}/auth-service@previous=${log}`, '--pod', DEMO.authPods[0], '--json'];
    const masked = await runDiagnose(args);
    expect(masked.code).toBe(0);
    const d = JSON.parse(masked.stdout) as Diagnosis;
    expect(schemaProblems(d)).toEqual([]);
    expect(d.root_cause.type).toBe('service_no_endpoints');
    expect(masked.stdout).toContain('postgres://auth_svc:[REDACTED:password]@postgres.production.svc.cluster.local:5432');
    expect(masked.stdout).not.toContain('pr0d-Auth-DB-9f2c');
    const unmasked = await runDiagnose([...args, '--unmask']);
    expect(unmasked.code).toBe(0);
    expect(unmasked.stdout).toContain('postgres://auth_svc:pr0d-Auth-DB-9f2c@');
  });

  it('colours only when asked for (piped output is plain; NO_COLOR wins over auto)', async () => {
    const forced = await runDiagnose(['--demo', '-n', 'production', '--resource', 'deployment/auth-service', '--color', 'always']);
    expect(forced.stdout).toMatch(ANSI);
    const noColor = await runDiagnose(['--demo', '-n', 'production', '--resource', 'deployment/auth-service'], { env: { NO_COLOR: '1', FORCE_COLOR: '3' } });
    expect(noColor.stdout).not.toMatch(ANSI);
    // Same text once the colour codes are gone.
    expect(stripVTControlCharacters(forced.stdout)).toBe(noColor.stdout);
  });
});
