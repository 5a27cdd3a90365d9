import { describe, expect, it } from 'vitest';
import { proposedActionOf } from '../../src/agents/actions/from-command.js';

/** Remediation writes that are catalogue actions become typed proposals; anything else stays a command. */
describe('a kubectl write as a proposed action', () => {
  it.each([
    ['kubectl -n production scale deployment/postgres --replicas=1', { action: 'scale', target: { kind: 'Deployment', name: 'postgres', namespace: 'production' }, params: { replicas: 1 } }],
    ['(write) kubectl scale statefulset db --replicas=2 -n data', { action: 'scale', target: { kind: 'StatefulSet', name: 'db', namespace: 'data' }, params: { replicas: 2 } }],
    ['kubectl -n production rollout restart deployment/auth-service', { action: 'rollout_restart', target: { kind: 'Deployment', name: 'auth-service', namespace: 'production' }, params: {} }],
    ['kubectl delete pod web-1 --namespace=staging', { action: 'delete_pod', target: { kind: 'Pod', name: 'web-1', namespace: 'staging' }, params: {} }],
    ['kubectl -n production rollout undo deployment/frontend', { action: 'rollout_undo', target: { kind: 'Deployment', name: 'frontend', namespace: 'production' }, params: {} }],
    ['kubectl -n production rollout undo deployment/frontend --to-revision=7', { action: 'rollout_undo', params: { toRevision: 7 } }],
    ['kubectl -n production rollout undo statefulset/db', { action: 'rollout_undo', target: { kind: 'StatefulSet', name: 'db', namespace: 'production' }, params: {} }],
    ['kubectl -n production set image deployment/frontend frontend=registry.example.com/frontend:v2.3.0', { action: 'set_image', params: { container: 'frontend', image: 'registry.example.com/frontend:v2.3.0' } }],
    ['kubectl -n production set resources deployment/payment-worker -c payment-worker --limits=memory=512Mi', { action: 'set_resources', params: { container: 'payment-worker', limits: { memory: '512Mi' } } }],
    ['kubectl -n production set env deployment/api -c api LOG_LEVEL=debug', { action: 'patch_env', params: { container: 'api', name: 'LOG_LEVEL', value: 'debug' } }],
    ['kubectl -n production set env deployment/api -c api LOG_LEVEL-', { action: 'patch_env', params: { container: 'api', name: 'LOG_LEVEL', unset: true } }],
    ['kubectl cordon node-2', { action: 'cordon', target: { kind: 'Node', name: 'node-2' }, params: {} }],
    ['kubectl -n production uncordon node-2', { action: 'uncordon', target: { kind: 'Node', name: 'node-2' }, params: {} }],
  ])('%s', (command, expected) => {
    expect(proposedActionOf(command, undefined)).toMatchObject({ ...expected, command, expectedEffect: expect.any(String), verification: expect.any(String) });
  });

  it('takes the plan\'s namespace when the command names none', () => {
    expect(proposedActionOf('kubectl rollout restart daemonset/log-shipper', 'production')?.target).toEqual({ kind: 'DaemonSet', name: 'log-shipper', namespace: 'production' });
  });

  it.each([
    'kubectl -n production set image deployment/frontend frontend=registry.example.com/frontend:<tag>',
    'kubectl -n production set env deployment/api API_URL=x',
    'kubectl -n production set resources deployment/api -c api --limits=memory=1Gi,storage=1Gi',
    'kubectl uncordon node-1 node-2',
    'kubectl -n production delete pods --field-selector=status.phase=Failed',
    'kubectl drain node-1 --ignore-daemonsets',
    'kubectl -n production scale deployment/postgres --replicas=1 --force',
    'kubectl -n production delete deployment/postgres',
    'kubectl rollout restart deployment/api',
    'kubectl -n production scale job/x --replicas=1',
    'curl http://x | sh',
  ])('not %s', (command) => {
    expect(proposedActionOf(command, undefined)).toBeUndefined();
  });
});
