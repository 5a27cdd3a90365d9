import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/investigator/diagnose.js';
import { DEMO_DIR } from '../../../src/investigator/sources/demo-cluster/index.js';
import { readKubectlText } from '../../../src/investigator/sources/kubectl-text/read-text.js';
import type { FakeApiServer } from '../../helpers/fake-apiserver.js';
import { startFakeApiServer } from '../../helpers/fake-apiserver.js';

/**
 * A termination message of several lines (`terminationMessagePolicy: FallbackToLogsOnError` puts
 * the log's tail there) as the real kubectl describes it: kubectl's prefixWriter indents only the
 * first line of a value (describe.go, `Write(LEVEL_3, "Message:\t%s\n", …)`), the others are printed
 * at whatever column they have. The describe is read whole, and the message says why it crashed.
 * Beside it, the loop a clean exit makes: how the last termination reads when no message says why.
 */
const run = promisify(execFile);
let dir: string;
let cacheDir: string;
let api: FakeApiServer;

const POD = 'orders-6d5c7b9f48-q2w8x';
const LOOP_POD = 'report-7b8c9d6f5-k4m2n';
// The message a Python service leaves when os.environ has no DATABASE_URL (cookiecutter-django#2821's KeyError),
// as FallbackToLogsOnError copies the log's last lines into it.
const MESSAGE = [
  'Traceback (most recent call last):',
  '  File "/app/manage.py", line 12, in <module>',
  '    DATABASE_URL = os.environ["DATABASE_URL"]',
  '  File "/usr/local/lib/python3.11/os.py", line 679, in __getitem__',
  '    raise KeyError(key) from None',
  "KeyError: 'DATABASE_URL'",
].join('\n');

/** A pod of one container in CrashLoopBackOff after the termination given, as the API server holds it. */
function crashLoopingPod(name: string, uid: string, container: { name: string; image: string } & Record<string, unknown>, restartCount: number, terminated: Record<string, unknown>): unknown {
  return {
    metadata: { name, namespace: 'production', uid, creationTimestamp: '2025-03-14T09:00:00Z', labels: { app: container.name } },
    spec: { containers: [container], nodeName: 'worker-1', restartPolicy: 'Always' },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'False' }],
      containerStatuses: [{
        name: container.name, ready: false, restartCount, image: container.image, imageID: '', started: false,
        state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off 5m0s restarting failed container=${container.name} pod=${name}_production(${uid})` } },
        lastState: { terminated },
      }],
    },
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'syntra-describe-message-'));
  cacheDir = await mkdtemp(join(tmpdir(), 'syntra-kubectl-cache-'));
  await cp(DEMO_DIR, dir, { recursive: true });
  const podsFile = join(dir, 'production', 'pods.json');
  const pods = JSON.parse(await readFile(podsFile, 'utf8')) as { items: unknown[] };
  pods.items.push(
    crashLoopingPod(POD, '0b7e2f7c-3f7b-4a40-9d55-5a8f5bde2c11', { name: 'orders', image: 'registry.example/orders:2.4.1', terminationMessagePolicy: 'FallbackToLogsOnError' }, 6,
      { exitCode: 1, reason: 'Error', message: MESSAGE, startedAt: '2025-03-14T10:40:01Z', finishedAt: '2025-03-14T10:40:02Z' }),
    // A process that ends with 0 under restartPolicy Always (`command: ["echo", "done"]` in a Deployment): restarted, then backed off.
    crashLoopingPod(LOOP_POD, '6c0d1a2b-7e4f-4c3a-9b8d-2f1e0a9c8b7d', { name: 'report', image: 'busybox:1.36', command: ['echo', 'done'] }, 9,
      { exitCode: 0, reason: 'Completed', startedAt: '2025-03-14T10:40:01Z', finishedAt: '2025-03-14T10:40:01Z' }),
  );
  await writeFile(podsFile, JSON.stringify(pods));
  api = await startFakeApiServer({ dir });
});
afterAll(async () => {
  await api.close();
  await rm(dir, { recursive: true, force: true });
  await rm(cacheDir, { recursive: true, force: true });
});

async function kubectlDescribe(pod = POD): Promise<string> {
  try {
    const { stdout } = await run('kubectl', ['--server', api.url, '--cache-dir', cacheDir, 'describe', 'pod', '-n', 'production', pod], { env: { ...process.env, KUBECONFIG: '/dev/null' } });
    return stdout;
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') throw new Error('kubectl is not installed: .ci/run installs it (Debian package kubernetes-client)');
    throw e;
  }
}

describe('a termination message of several lines in kubectl describe', () => {
  it('is read whole, with the exit code and restart count after it, and names the variable that was missing', async () => {
    const text = await kubectlDescribe();
    // the shape this test is about: the message's later lines are not indented like the fields around them
    expect(text).toMatch(/^\s+Message:\s+Traceback \(most recent call last\):\n {2}File "\/app\/manage\.py"/m);
    expect(text).toMatch(/^KeyError: 'DATABASE_URL'$/m);
    const { snapshot } = readKubectlText({ name: 'describe-pod.txt', text }, { now: new Date('2025-03-14T10:45:00Z') });
    const status = snapshot.pods[0]!.status!.containerStatuses![0]!;
    expect(status).toMatchObject({ restartCount: 6, lastState: { terminated: { exitCode: 1, reason: 'Error', message: MESSAGE } } });
    const d = diagnose(snapshot, { kind: 'Pod', name: POD, namespace: 'production' });
    expect(d.root_cause.type).toBe('missing_configuration');
    expect(d.root_cause.summary).toContain('DATABASE_URL');
    expect(d.root_cause.evidence).toContainEqual(expect.objectContaining({ kind: 'field', path: expect.stringMatching(/lastState\.terminated\.message$/), value: "KeyError: 'DATABASE_URL'" }));
  });

  it('a loop of exit code 0 is said as a process that runs to its end, not as a crash nobody explained', async () => {
    const text = await kubectlDescribe(LOOP_POD);
    const { snapshot } = readKubectlText({ name: 'describe-pod.txt', text }, { now: new Date('2025-03-14T10:45:00Z') });
    const d = diagnose(snapshot, { kind: 'Pod', name: LOOP_POD, namespace: 'production' });
    expect(d.root_cause.type).toBe('crash_loop');
    expect(d.root_cause.summary).toMatch(/ends successfully \(exit code 0 \(Completed\)\): its command runs to completion/);
  });
});
