import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { V1Pod } from '@kubernetes/client-node';
import { submitCommand } from '../../src/control-plane/commands.js';
import type { Diagnosis } from '../../src/domain/diagnosis.js';
import { findSimilar, probeOf, TfidfEmbedder, upsertIncident } from '../../src/incidents/index.js';
import { emptySnapshot, type ClusterSnapshot } from '../../src/investigator/cluster/snapshot.js';
import { memoryLines } from '../../src/investigator/memory-lines.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

/**
 * The memory remembers the raw evidence lines that tell an incident apart (failing log lines,
 * events, container states, images, env var names), masked; an `unknown` diagnosis, which quotes
 * almost nothing, is found again by them.
 */
const SECRET = 'S3cretPassw0rd';

function snapshotOf(app: string, host: string): ClusterSnapshot {
  const s = emptySnapshot({ kind: 'kubectl', description: 'test', collectedAt: new Date().toISOString() });
  const pod: V1Pod = {
    metadata: { name: `${app}-7d9f8c6b5-x2x9q`, namespace: 'shop' },
    spec: { containers: [{ name: app, image: `registry.example.com/${app}:1.4.2`, env: [{ name: 'LEDGER_DSN', value: `postgres://app:${SECRET}@${host}:5432/ledger` }, { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: `${app}-api`, key: 'token' } } }] }] },
    status: { phase: 'Running', containerStatuses: [{ name: app, image: '', imageID: '', ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' } } }] },
  };
  // A pod of another workload in the same snapshot: not this incident's evidence.
  const other: V1Pod = { metadata: { name: 'billing-5c6d7e8f9-abcde', namespace: 'shop' }, spec: { containers: [{ name: 'billing', image: 'billing:2' }] } };
  s.pods = [pod, other];
  s.events = [
    { metadata: {}, involvedObject: { kind: 'Pod', name: pod.metadata!.name! }, type: 'Warning', reason: 'BackOff', message: `Back-off restarting failed container ${app}` },
    { metadata: {}, involvedObject: { kind: 'Pod', name: 'billing-5c6d7e8f9-abcde' }, type: 'Warning', reason: 'FailedMount', message: 'MountVolume.SetUp failed for volume "billing-data"' },
  ];
  s.logs = [
    { namespace: 'shop', pod: pod.metadata!.name!, container: app, previous: true, lines: ['starting ledger sync', `2024-05-01T10:00:00Z FATAL ledger: journal replay failed at ${host}: checksum mismatch in segment 0042 (after dial tcp ${host}:5432, dsn postgres://app:${SECRET}@${host}:5432/ledger)`, 'shutting down'] },
  ];
  return s;
}

const unknown = (app: string): Diagnosis => ({
  target: { kind: 'Deployment', name: app, namespace: 'shop' },
  root_cause: { type: 'unknown', summary: 'Nothing in the evidence matches a known cause.', confidence: 0.2, detection_method: 'rule_based', evidence: [] },
  findings: [],
  remediation: { immediate: [], verification: [], prevention: [] },
  affected_resources: [{ kind: 'Deployment', name: app, namespace: 'shop' }],
});

describe('raw evidence in the incident memory', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => t?.drop());

  it('picks the subject\'s failing lines, events, states, images and env var names, never a value', () => {
    const lines = memoryLines(snapshotOf('ledger', 'pg-ledger'), { kind: 'Deployment', name: 'ledger' }).join('\n');
    expect(lines).toContain('FATAL ledger: journal replay failed at pg-ledger: checksum mismatch');
    expect(lines).not.toContain('starting ledger sync');
    expect(lines).toContain('BackOff: Back-off restarting failed container ledger');
    expect(lines).toContain('CrashLoopBackOff: back-off 40s');
    expect(lines).toContain('image "registry.example.com/ledger:1.4.2"');
    expect(lines).toContain('env LEDGER_DSN, API_TOKEN from secret ledger-api');
    expect(lines).not.toMatch(/billing|FailedMount/);
  });

  it('remembers them masked, and finds an unknown incident again by them', async () => {
    const embedder = TfidfEmbedder.of(t.db);
    const remember = async (app: string, host: string, name = app) => {
      const { runId } = await submitCommand(t.db, { kind: 'echo', input: {} });
      const evidence = memoryLines(snapshotOf(app, host), { kind: 'Deployment', name: app });
      return (await upsertIncident(t.db, { runId, namespace: 'shop', subject: { kind: 'Deployment', name }, diagnosis: unknown(app), evidence }, { embedder })).incident.id;
    };
    const first = await remember('ledger', 'pg-ledger');
    const { memory_text: text, entities } = (await t.db.query<{ memory_text: string; entities: string[] }>(`SELECT memory_text, entities FROM incidents WHERE id = $1`, [first])).rows[0]!;
    expect(text).toContain('journal replay failed');
    expect(text).toContain('LEDGER_DSN');
    expect(text).not.toContain(SECRET);
    expect(entities).toEqual(expect.arrayContaining(['host:pg-ledger', 'image:registry.example.com/ledger']));
    // Noise: unknown incidents with other evidence.
    for (const [i, other] of ['cart', 'search', 'mailer'].entries()) {
      const { runId } = await submitCommand(t.db, { kind: 'echo', input: {} });
      const evidence = [`ERROR ${other}: worker pool exhausted after ${i + 3} retries`, `image "${other}:3"`];
      await upsertIncident(t.db, { runId, namespace: 'shop', subject: { kind: 'Deployment', name: other }, diagnosis: unknown(other), evidence }, { embedder });
    }
    // The same failure on another workload, another instance of the dependency.
    const again = await remember('ledger', 'pg-ledger', 'ledger-eu');
    const similar = await findSimilar(t.db, (await probeOf(t.db, again))!, { namespaces: ['shop'], excludeId: again });
    expect(similar[0]?.id).toBe(first);
  });
});
