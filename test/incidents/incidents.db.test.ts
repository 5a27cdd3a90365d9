import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitCommand } from '../../src/control-plane/commands.js';
import type { Database } from '../../src/db/database.js';
import type { Diagnosis } from '../../src/domain/diagnosis.js';
import { getIncident, listIncidents, resolveIncidentsOf, upsertIncident } from '../../src/incidents/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

/** Incident memory: upsert by fingerprint, one occurrence per run (retries included), resolve, list with a cursor. */
const diagnosis = (type: Diagnosis['root_cause']['type'], summary: string): Diagnosis => ({
  target: { kind: 'Deployment', name: 'auth-service', namespace: 'production' },
  root_cause: { type, summary, confidence: 0.95, detection_method: 'rule_based', evidence: [{ kind: 'field', value: '0' }] },
  findings: [
    { type, summary, confidence: 0.95, detection_method: 'rule_based', evidence: [], affected_resources: [], remediation: { immediate: [], verification: [], prevention: [] } },
    { type: 'crash_loop', summary: 'auth-service crash loops', confidence: 0.6, detection_method: 'rule_based', evidence: [], affected_resources: [], remediation: { immediate: [], verification: [], prevention: [] } },
  ],
  remediation: { immediate: ['scale postgres up'], verification: [], prevention: [] },
  affected_resources: [{ kind: 'Service', name: 'postgres', namespace: 'production' }],
});
const subject = { kind: 'Deployment', name: 'auth-service', namespace: 'production' };

describe('incidents', () => {
  let t: TestDatabase;
  let db: Database;
  const newRun = async () => (await submitCommand(db, { kind: 'echo', input: {} })).runId;
  beforeAll(async () => {
    t = await createTestDatabase();
    db = t.db;
  });
  afterAll(async () => t?.drop());

  it('creates, counts each run once, resolves and reopens', async () => {
    const r1 = await newRun();
    const first = await upsertIncident(db, { runId: r1, namespace: 'production', subject, diagnosis: diagnosis('service_no_endpoints', 'postgres has no endpoints') });
    expect(first.created).toBe(true);
    expect(first.incident).toMatchObject({ occurrences: 1, status: 'open', symptoms: ['crash_loop: auth-service crash loops'], title: 'service no endpoints: deployment auth-service in production' });
    // The same run again (a retried report step): no second occurrence.
    const retry = await upsertIncident(db, { runId: r1, namespace: 'production', subject, diagnosis: diagnosis('service_no_endpoints', 'postgres still has no endpoints') });
    expect(retry).toMatchObject({ created: false, incident: { id: first.incident.id, occurrences: 1, summary: 'postgres still has no endpoints' } });
    const r2 = await newRun();
    const second = await upsertIncident(db, { runId: r2, namespace: 'production', subject, diagnosis: diagnosis('service_no_endpoints', 'again') });
    expect(second.incident.occurrences).toBe(2);
    // Another root cause for the same workload is another incident.
    const other = await upsertIncident(db, { runId: r2, namespace: 'production', subject, diagnosis: diagnosis('oom_killed', 'OOM') });
    expect(other.incident.id).not.toBe(first.incident.id);

    const r3 = await newRun();
    expect((await resolveIncidentsOf(db, { namespace: 'production', subject, runId: r3 })).sort()).toEqual([first.incident.id, other.incident.id].sort());
    expect(await getIncident(db, first.incident.id)).toMatchObject({ status: 'resolved', lastRunId: r3 });
    const reopened = await upsertIncident(db, { runId: await newRun(), namespace: 'production', subject, diagnosis: diagnosis('service_no_endpoints', 'back') });
    expect(reopened.incident).toMatchObject({ status: 'open', occurrences: 3, resolvedAt: null });
  });

  it('lists with filters and a cursor', async () => {
    const page1 = await listIncidents(db, { limit: 1 });
    expect(page1.items).toHaveLength(1);
    expect(page1.nextCursor).not.toBeNull();
    const page2 = await listIncidents(db, { limit: 1, cursor: page1.nextCursor! });
    expect(page2.items).toHaveLength(1);
    expect(page2.items[0]!.id).not.toBe(page1.items[0]!.id);
    expect((await listIncidents(db, { limit: 10, rootCauseType: 'oom_killed' })).items.map((i) => i.rootCauseType)).toEqual(['oom_killed']);
    expect((await listIncidents(db, { limit: 10, namespaces: ['staging'] })).items).toEqual([]);
  });
});
