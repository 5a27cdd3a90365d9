import { describe, expect, it } from 'vitest';
import { fromAlertmanager, fromGeneric, groupKey, targetFromLabels } from '../../src/integrations/alerts/index.js';
import { decide } from '../../src/integrations/alerts/rules.js';
import { amAlert, amPayload, crashLoopLabels } from './alert-fixtures.js';

/** What Syntra reads from an alert: the target from kube-state-metrics labels, the group, the rules' decision. */
describe('alert model', () => {
  it('takes the most specific kube-state-metrics label as the target; job is the scrape job', () => {
    expect(targetFromLabels(crashLoopLabels())).toEqual({ kind: 'Pod', name: 'auth-service-7d9f8b6c5d-x2k4p', container: 'auth-service' });
    expect(targetFromLabels({ deployment: 'api', job: 'kube-state-metrics' })).toEqual({ kind: 'Deployment', name: 'api' });
    expect(targetFromLabels({ job_name: 'migrate-42', job: 'kube-state-metrics' })).toEqual({ kind: 'Job', name: 'migrate-42' });
    expect(targetFromLabels({ job: 'kube-state-metrics' })).toBeNull();
  });

  it('groups the replicas of one workload, not different workloads', () => {
    const g = (pod: string, namespace = 'production') => groupKey({ namespace, target: { kind: 'Pod', name: pod }, fingerprint: pod });
    expect(g('auth-service-7d9f8b6c5d-x2k4p')).toBe(g('auth-service-7d9f8b6c5d-r5t7w'));
    expect(g('postgres-0')).toBe(g('postgres-1'));
    expect(g('auth-service-7d9f8b6c5d-x2k4p')).not.toBe(g('billing-5c6d7f8b9-lq2rx'));
    expect(g('auth-service-7d9f8b6c5d-x2k4p')).not.toBe(g('auth-service-7d9f8b6c5d-x2k4p', 'staging'));
  });

  it("reads Alertmanager's zero endsAt as unknown and computes stable generic fingerprints", () => {
    const [a] = fromAlertmanager(amPayload([amAlert(crashLoopLabels())]) as never);
    expect(a).toMatchObject({ status: 'firing', alertname: 'KubePodCrashLooping', severity: 'warning', namespace: 'production', endsAt: null });
    const one = { alerts: [{ title: 'disk full', namespace: 'production', resource: { kind: 'PersistentVolumeClaim', name: 'data-postgres-0' } }] };
    const now = new Date();
    expect(fromGeneric(one, now)[0]!.fingerprint).toBe(fromGeneric(structuredClone(one), now)[0]!.fingerprint);
    expect(fromGeneric(one, now)[0]!.fingerprint).not.toBe(fromGeneric({ alerts: [{ ...one.alerts[0]!, namespace: 'staging' }] }, now)[0]!.fingerprint);
  });

  it('lets the first matching rule decide and investigates what no rule matches', () => {
    const rules = [
      { match: { alertname: ['Watchdog'] }, action: 'ignore' as const },
      { match: { namespace: ['production'], severity: ['critical'] }, action: 'investigate' as const },
      { match: { namespace: ['production'] }, action: 'ignore' as const },
    ];
    expect(decide(rules, { alertname: 'Watchdog', severity: 'none', namespace: null, cluster: null })).toEqual({ action: 'ignore', rule: 0 });
    expect(decide(rules, { alertname: 'X', severity: 'critical', namespace: 'production', cluster: null })).toEqual({ action: 'investigate', rule: 1 });
    expect(decide(rules, { alertname: 'X', severity: 'warning', namespace: 'production', cluster: null })).toEqual({ action: 'ignore', rule: 2 });
    expect(decide(rules, { alertname: 'X', severity: null, namespace: 'staging', cluster: null })).toEqual({ action: 'investigate', rule: null });
  });

  it('matches on cluster: a registered name, or null for the default cluster', () => {
    const rules = [
      { match: { cluster: ['staging-us'] }, action: 'ignore' as const },
      { match: { cluster: [null], severity: ['info'] }, action: 'ignore' as const },
    ];
    const alert = { alertname: 'KubePodCrashLooping', severity: 'info', namespace: 'staging' };
    expect(decide(rules, { ...alert, cluster: 'staging-us' })).toEqual({ action: 'ignore', rule: 0 });
    expect(decide(rules, { ...alert, cluster: 'prod-eu' })).toEqual({ action: 'investigate', rule: null });
    expect(decide(rules, { ...alert, cluster: null })).toEqual({ action: 'ignore', rule: 1 });
    expect(decide(rules, { ...alert, severity: 'critical', cluster: null })).toEqual({ action: 'investigate', rule: null });
  });
});
