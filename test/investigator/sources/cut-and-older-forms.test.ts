import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/investigator/diagnose.js';
import { buildKubectlSnapshot } from '../../../src/investigator/sources/kubectl-source.js';
import { readKubectlText } from '../../../src/investigator/sources/kubectl-text/read-text.js';
import { halfOf } from '../../fixtures/diagnosis/real/split.js';

/**
 * Forms the sixth corpus batch brought, read from what people pasted (files of its TUNING half):
 * a describe cut inside a container block in the 1.1-1.2 layout, a mount failure whose output
 * util-linux indents, a program's own indented `error:` in a stream of kubectl output.
 */
const CASES = fileURLToPath(new URL('../../fixtures/diagnosis/real/cases/', import.meta.url));
const NOW = new Date('2026-12-05T10:00:00Z');

function real(caseId: string, file: string): { name: string; text: string } {
  expect(halfOf(caseId), `${caseId} must be a tuning case`).toBe('tuning');
  return { name: file, text: readFileSync(join(CASES, caseId, file), 'utf8') };
}

describe('a describe cut inside one container block (kubernetes#22795, GKE 1.1/1.2)', () => {
  const input = () => real('o-kubernetes-22795-job-succeeded-reason-error', 'describe-pod.txt');

  it('the tab-indented fields above Conditions: are that container\'s state, and the infra container\'s event row is read', () => {
    const { snapshot } = readKubectlText(input(), { now: NOW });
    expect(snapshot.pods).toHaveLength(1);
    expect(snapshot.pods[0]!.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({ reason: 'Error', exitCode: 0 });
    // SubObjectPath `implicitly required container POD` (pkg/kubelet/container/ref.go before 1.3), no Type column
    expect(snapshot.events).toMatchObject([{ reason: 'Killing', type: 'Normal', involvedObject: { fieldPath: 'implicitly required container POD' } }]);
    expect(snapshot.logs).toEqual([]);
  });

  it('every container exited 0: no issue, said below 0.7 since the phase was not given', () => {
    const d = diagnose(buildKubectlSnapshot([input()], { now: NOW }));
    expect(d.root_cause.type).toBe('no_issue_found');
    expect(d.root_cause.confidence).toBeLessThan(0.7);
    expect(d.root_cause.summary).toContain('exited 0');
  });
});

describe('a FailedMount whose mount output util-linux indents (luxas/kubernetes-on-arm#113, 1.3)', () => {
  it('the indented hint lines are the message\'s, and the answer quotes them with the filesystem', () => {
    const input = real('o-kubernetes-on-arm-113-nfs-wrong-fs-type', 'events.txt');
    const { snapshot } = readKubectlText(input, { now: NOW });
    const failed = snapshot.events.find((e) => e.reason === 'FailedMount')!;
    expect(failed.message).toContain('missing codepage or helper program, or other error');
    expect(failed.message).toContain('need a /sbin/mount.<type> helper program)');
    const d = diagnose(buildKubectlSnapshot([input], { now: NOW }));
    expect(d.root_cause.type).toBe('volume_mount_failure');
    expect(d.root_cause.summary).toContain('/sbin/mount.nfs');
    expect(d.root_cause.summary).toContain('mount.<type> helper program');
  });
});

describe('a program\'s indented `error:` among kubectl output (jupyterhub/zero-to-jupyterhub-k8s#613)', () => {
  it('is the pod\'s log line, not a kubectl error, and names the refused argument', () => {
    const input = real('o-z2jh-pr613-proxy-log-level-arg', 'get-pods-and-logs.txt');
    expect(readKubectlText(input, { now: NOW }).account.recognized_as).not.toContain('kubectl error');
    const snapshot = buildKubectlSnapshot([input], { now: NOW });
    expect(snapshot.notes).toEqual([]);
    expect(snapshot.logs).toMatchObject([{ pod: 'proxy-9564c448d-88qv8' }]);
    expect(snapshot.logs.flatMap((l) => l.lines)).toContain("  error: unknown option `--log-level debug'");
    const d = diagnose(snapshot);
    expect(d.root_cause.type).toBe('bad_command');
    expect(d.root_cause.summary).toContain('--log-level');
    expect(d.affected_resources.map((r) => r.name)).toContain('proxy-9564c448d-88qv8');
  });

  it('kubectl\'s own error, at the start of its line, is still a kubectl error', () => {
    const { account, snapshot } = readKubectlText({ name: '-', text: 'error: the server doesn\'t have a resource type "deploymnets"' }, { now: NOW });
    expect(account.recognized_as).toEqual(['kubectl error']);
    expect(snapshot.notes).toHaveLength(1);
  });
});

describe('a describe cut with `...` between its fields, beside the get table of the same pod (Microsoft Learn, AKS intermittent timeouts)', () => {
  const CASE = 'j-msdocs-aks-intermittent-timeouts-oom-500mi';
  const read = () => buildKubectlSnapshot([real(CASE, 'describe-pod.txt'), real(CASE, 'get-pods.txt')], { now: NOW });

  it('`...` at the left margin does not end the document: the pod keeps its name and namespace, and the container after a cut block is its own', () => {
    const { snapshot } = readKubectlText(real(CASE, 'describe-pod.txt'), { now: NOW });
    const pods = snapshot.pods;
    expect(pods.map((p) => [p.metadata?.name, p.metadata?.namespace])).toEqual([['my-deployment-fc94b7f98-m9z2l', 'default']]);
    expect(pods[0]!.spec?.containers?.map((c) => c.name)).toEqual(['webserver', 'my-app']);
    // webserver's fields were all cut: no state to report for it.
    expect(pods[0]!.status?.containerStatuses?.map((c) => c.name)).toEqual(['my-app']);
    expect(pods[0]!.status?.containerStatuses?.[0]?.lastState?.terminated).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
  });

  it('the get table row (no namespace printed) is the described pod: one pod, its containers the described ones', () => {
    const snapshot = read();
    expect(snapshot.pods).toHaveLength(1);
    expect(snapshot.pods[0]!.metadata?.namespace).toBe('default');
    // No stand-ins for the READY column's two containers beside the described ones.
    expect(snapshot.pods[0]!.spec?.containers?.map((c) => c.name)).toEqual(['webserver', 'my-app']);
    expect(snapshot.pods[0]!.status?.containerStatuses?.map((c) => c.name)).toEqual(['my-app']);
    expect(diagnose(snapshot, { kind: 'Pod', name: 'my-deployment-fc94b7f98-m9z2l' }).root_cause.type).toBe('oom_killed');
  });

  it('a deployment that is not in the evidence is not found, never the pod\'s diagnosis', () => {
    expect(() => diagnose(read(), { kind: 'Deployment', name: 'my-deployment-v2' })).toThrow(/not in the evidence/);
  });
});
