import { describe, expect, it } from 'vitest';
import { classifyCommand, commandText } from '../../src/agents/command-safety.js';

/** The reviewer's read/write split of remediation commands, table-driven. */
describe('classifyCommand', () => {
  const cases: Array<[string, 'read' | 'write' | 'text']> = [
    ['kubectl -n production get endpoints postgres', 'read'],
    ['kubectl describe pod auth-service-7d9f8b6c5d-x2k4p -n production', 'read'],
    ['kubectl logs auth-service-7d9f8b6c5d-x2k4p --previous', 'read'],
    ['kubectl top pods -n production', 'read'],
    ['kubectl auth can-i list pods --as system:serviceaccount:prod:app', 'read'],
    ['kubectl rollout status deployment/auth-service', 'read'],
    ['kubectl get events -n production | grep postgres', 'read'],
    ['(write) kubectl -n production scale deployment/postgres --replicas=1', 'write'],
    ['kubectl rollout restart deployment/billing', 'write'],
    ['kubectl rollout undo deployment/frontend', 'write'],
    ['kubectl --context prod delete pod x', 'write'],
    ['kubectl set image deployment/frontend web=registry.example.com/frontend:v2.3.1', 'write'],
    ['kubectl label node node-1 disk=ssd', 'write'],
    ['kubectl exec -it x -- sh', 'write'],
    ['kubectl get pods && kubectl delete pod x', 'write'],
    ['kubectl frobnicate x', 'write'],
    ['Bring deployment/postgres back', 'text'],
  ];
  it.each(cases)('%s → %s', (command, kind) => expect(classifyCommand(command)).toBe(kind));

  it('finds the command inside prose', () => {
    expect(commandText('Run `kubectl -n shop rollout restart deployment/billing` after the fix')).toBe('kubectl -n shop rollout restart deployment/billing');
    expect(commandText('(write) kubectl -n production scale deployment/postgres --replicas=1')).toBe('kubectl -n production scale deployment/postgres --replicas=1');
  });
});
