import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../src/domain/diagnosis.js';
import { DEMO_DIR } from '../../src/investigator/sources/demo-cluster/index.js';
import type { NamespaceOverview } from '../../src/investigator/overview.js';
import { startFakeApiServer, writeKubeconfig, type FakeApiServer } from '../helpers/fake-apiserver.js';
import { ANSI, FIXTURES, runDiagnose, schemaProblems } from './diagnose-harness.js';

/**
 * `syntra diagnose` error paths and exit codes (2 usage, 4 not found, 1 failure), the namespace
 * overview, and --live through the real @kubernetes/client-node against a loopback API server
 * serving the demo dump — and against nothing listening, and with no kubeconfig at all.
 */
let api: FakeApiServer;
let kubeconfig: string;
let deadKubeconfig: string;

/** A loopback port with nothing listening: bound, then released. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  api = await startFakeApiServer({ dir: DEMO_DIR });
  kubeconfig = await writeKubeconfig(api.url, { namespace: 'production' });
  deadKubeconfig = await writeKubeconfig(`http://127.0.0.1:${await closedPort()}`);
});
afterAll(async () => {
  await api?.close();
  for (const f of [kubeconfig, deadKubeconfig]) if (f) await rm(path.dirname(f), { recursive: true, force: true });
});

describe.concurrent('syntra diagnose: errors and exit codes', { timeout: 120_000 }, () => {
  it('an unreadable path is a usage error (2) naming the path', async () => {
    const r = await runDiagnose(['--from', '/nonexistent/describe.txt']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read \/nonexistent\/describe\.txt/);
    expect(r.stdout).toBe('');
  });

  it('unrecognized input is a usage error (2) that says what is expected', async () => {
    const empty = await runDiagnose(['--from', '-'], { stdin: '' });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/nothing recognizable in stdin: expected kubectl describe output/);
    // Logs alone are evidence too: read, and answered honestly when nothing in them is recognised.
    const logsOnly = await runDiagnose(['--from', '-', '--json'], { stdin: 'hello world\nno kubernetes here\n' });
    expect(logsOnly.code).toBe(0);
    const answer = JSON.parse(logsOnly.stdout) as { root_cause: { type: string; confidence: number }; inputs: { recognized_as: string[]; log_lines: number }[] };
    expect(answer.root_cause.type).toBe('unknown');
    expect(answer.root_cause.confidence).toBeLessThan(0.5);
    expect(answer.inputs).toEqual([expect.objectContaining({ source: 'stdin', recognized_as: ['log lines'], log_lines: 2 })]);
  });

  it('an unknown pod is not found (4), naming the closest pods that are there', async () => {
    const r = await runDiagnose(['--demo', '--namespace', 'production', '--pod', 'auth-servce-typo']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/Pod auth-servce-typo in namespace production is not in the evidence/);
    expect(r.stderr).toMatch(/Closest names in the evidence: .*auth-service-7d9f8b6c5d-x2k4p/);
    expect(r.stderr).not.toMatch(/payment-worker/);
  });

  it('kubectl output read, but none of it in the namespace asked about: not found (4), not "nothing recognizable"', async () => {
    const stdin = 'NAME                            READY   STATUS             RESTARTS   AGE\nmy-deployment-fc94b7f98-m9z2l   1/2     CrashLoopBackOff   42         3h53m\n';
    // A describe from a write-up (the real-world corpus), of a pod in namespace default.
    const describe = path.join(FIXTURES, '../diagnosis/real/cases/j-msdocs-aks-intermittent-timeouts-oom-500mi/describe-pod.txt');
    const described = await runDiagnose(['--from', describe, '--namespace', 'staging']);
    expect(described.code).toBe(4);
    expect(described.stderr).toMatch(/nothing in .*describe-pod\.txt is in namespace staging: the evidence is about other namespaces/);
    // A get table without -n names no namespace: it may be about any, so it is read.
    const table = await runDiagnose(['--from', '-', '--namespace', 'staging'], { stdin });
    expect(table.code).toBe(0);
  });

  it('bad flag combinations are usage errors (2)', async () => {
    const cases: [string[], RegExp][] = [
      [[], /say where the evidence is/],
      [['--demo', '--from', path.join(FIXTURES, 'events.txt')], /choose one evidence source/],
      [['--demo', '--pod', 'a', '--resource', 'deployment/b'], /either --pod NAME or --resource KIND\/NAME/],
      [['--demo', '--resource', 'auth-service'], /--resource expects KIND\/NAME/],
      [['--demo', '--overview'], /--overview needs --namespace NS \(namespaces in the evidence: production, staging\)/],
      [['--demo', '--resource', 'deployment/auth-service'], /Deployment auth-service exists in namespaces production, staging: add --namespace/],
      [['--demo', '--bogus'], /unknown option '--bogus'/],
    ];
    const results = await Promise.all(cases.map(([args]) => runDiagnose(args)));
    cases.forEach(([args, message], i) => {
      expect(results[i]!.code, args.join(' ')).toBe(2);
      expect(results[i]!.stderr, args.join(' ')).toMatch(message);
    });
  }, 120_000);

  it('--live without a kubeconfig fails (1) and says what to do', async () => {
    const r = await runDiagnose(['--live']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no kubeconfig found: tried .*no-kubeconfig/);
    expect(r.stderr).toMatch(/--kubeconfig FILE or KUBECONFIG=FILE/);
    expect(r.stderr).toContain('syntra diagnose --demo');
  });

  it('--live against a cluster that does not answer fails (1) and says what to check', async () => {
    const r = await runDiagnose(['--live', '--namespace', 'production'], { env: { KUBECONFIG: deadKubeconfig } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot reach the cluster at http:\/\/127\.0\.0\.1:\d+/);
    expect(r.stderr).toContain('kubectl cluster-info');
  });
});

describe.concurrent('syntra diagnose: live cluster and overview', { timeout: 120_000 }, () => {
  it('--live reads the kubeconfig cluster and finds the same root cause as the demo dump', async () => {
    const r = await runDiagnose(['--live', '--namespace', 'production', '--resource', 'deployment/auth-service', '--json'], { env: { KUBECONFIG: kubeconfig } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as Diagnosis;
    expect(schemaProblems(d)).toEqual([]);
    expect(d.root_cause.type).toBe('service_no_endpoints');
    expect(d.root_cause.evidence.some((e) => e.kind === 'log' && e.value.includes('Connection refused: postgres.production.svc.cluster.local:5432'))).toBe(true);
    // Read-only: only GETs reached the API server.
    expect(api.requests.length).toBeGreaterThan(0);
    expect(api.requests.every((q) => q.method === 'GET')).toBe(true);
  });

  it('--overview counts pods by state and workloads, and lists the top problems', async () => {
    const json = await runDiagnose(['--demo', '--namespace', 'production', '--overview', '--json']);
    expect(json.code).toBe(0);
    const o = JSON.parse(json.stdout) as NamespaceOverview;
    expect(o.namespace).toBe('production');
    expect(o.pods.total).toBe(17);
    expect(o.pods.byStatus).toEqual({ Running: 10, CrashLoopBackOff: 4, ImagePullBackOff: 1, CreateContainerConfigError: 1, Pending: 1 });
    expect(o.workloads).toEqual({ total: 9, healthy: 4, unhealthy: 5 });
    expect(o.topProblems[0]).toMatchObject({ target: { kind: 'Deployment', name: 'auth-service' }, type: 'service_no_endpoints' });

    const human = await runDiagnose(['--demo', '--namespace', 'production', '--overview']);
    expect(human.code).toBe(0);
    expect(human.stdout).not.toMatch(ANSI);
    expect(human.stdout).toMatch(/^Pods {7}17 total {2}Running 10 · CrashLoopBackOff 4 · /m);
    expect(human.stdout).toMatch(/^Workloads {2}9 total {2}healthy 4 · unhealthy 5$/m);
    expect(human.stdout).toMatch(/1\. deployment\/auth-service {2}service_no_endpoints \d+%/);
    expect(human.stdout).toContain('syntra diagnose --demo --namespace production --resource deployment/auth-service');
    // One screen.
    expect(human.stdout.trimEnd().split('\n').length).toBeLessThanOrEqual(25);
  });
});
