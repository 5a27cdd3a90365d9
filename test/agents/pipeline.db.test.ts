import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readArtifactVersion } from '../../src/artifacts/artifact-versions.js';
import { localArtifactStore } from '../../src/artifacts/local-store.js';
import { getIncident, listIncidents } from '../../src/incidents/index.js';
import { DEMO } from '../../src/investigator/sources/index.js';
import { DEMO_QUESTION, eventsOf, eventTypes, outputOf, startAgentHarness, type AgentHarness } from './harness.js';

/**
 * The demo question end to end on the real queue: ask → collect_evidence → analyze → review →
 * report all complete, the report names postgres having no endpoints, the artifacts exist, and
 * the incident record is created by the first run and updated by the second.
 */
describe('agents pipeline on the demo cluster', () => {
  let h: AgentHarness;
  beforeAll(async () => {
    h = await startAgentHarness();
    await h.startWorker();
  });
  afterAll(async () => h?.close());

  it('answers the demo question with the root cause, report artifacts and an incident', async () => {
    const runId = await h.ask({ prompt: DEMO_QUESTION });
    const run = await h.waitForRun(runId);
    expect(run.run.status).toBe('succeeded');
    expect(run.tasks.map((t) => `${t.taskType}:${t.status}`)).toEqual([
      'ask:succeeded', 'collect_evidence:succeeded', 'analyze:succeeded', 'review:succeeded', 'report:succeeded',
    ]);

    const out = outputOf(run);
    expect(out.intent).toBe('diagnose_pod');
    expect(out.plan.params).toMatchObject({ namespace: 'production', workload: { kind: 'Deployment', name: 'auth-service' } });
    expect(out.diagnosis?.root_cause.type).toBe('service_no_endpoints');
    expect(out.diagnosis?.root_cause.summary).toMatch(/postgres/);
    expect(out.diagnosis?.root_cause.evidence.some((e) => e.kind === 'log' && /ECONNREFUSED|Connection refused/.test(e.value))).toBe(true);
    expect(out.confidence).toBeGreaterThanOrEqual(0.7);
    expect(out.controlVersion).toBe(0);
    expect(out.answer).toMatch(/service_no_endpoints/);
    expect(out.review?.approved).toBe(true);
    // The scale-up is a write: listed, and needing approval under the default arbiter.
    expect(out.review?.writes.some((w) => /kubectl .*scale/.test(w.command) && w.requiresApproval)).toBe(true);
    expect(out.diagnosis?.remediation.verification.every((c) => !/\b(scale|delete|apply|patch)\b/.test(c))).toBe(true);

    // Artifacts: evidence, report.md, report.json — readable back from the store.
    expect(run.artifacts.map((a) => a.name).sort()).toEqual(['evidence.json', 'report.json', 'report.md']);
    const store = localArtifactStore(h.artifactsDir);
    const md = new TextDecoder().decode((await readArtifactVersion(h.db, store, { runId, name: 'report.md' })).body);
    expect(md).toMatch(/# Incident report/);
    expect(md).toMatch(/service_no_endpoints/);
    expect(md).toMatch(/postgres/);
    const json = JSON.parse(new TextDecoder().decode((await readArtifactVersion(h.db, store, { runId, name: 'report.json' })).body)) as { diagnosis: { root_cause: { type: string } } };
    expect(json.diagnosis.root_cause.type).toBe('service_no_endpoints');

    // A ledger a person can follow: every agent step started and finished, tool calls, decisions.
    const finished = eventsOf(run, 'agent.step.finished').map((d) => `${String(d.agent)}/${String(d.step)}`);
    expect(finished).toEqual(['planner/plan', 'evidence_collector/collect_evidence', 'incident_analyst/analyze', 'reviewer/review', 'reporter/report']);
    expect(eventsOf(run, 'agent.step.finished').every((d) => typeof d.durationMs === 'number')).toBe(true);
    expect(eventsOf(run, 'tool.call').map((d) => d.tool)).toEqual(expect.arrayContaining(['connectivity_check', 'cluster_index', 'collect', 'read_evidence']));
    expect(eventsOf(run, 'control.snapshot')[0]).toMatchObject({ version: 0 });
    expect(eventTypes(run)).toEqual(expect.arrayContaining(['plan.created', 'evidence.summary', 'analysis.findings', 'analysis.rules_only', 'review.check', 'incident.created']));
    const summary = eventsOf(run, 'evidence.summary')[0]!;
    expect(summary.services).toEqual(expect.arrayContaining([expect.stringMatching(/^postgres \(named_in_logs\): 0 ready endpoints/)]));
    expect(summary.targets).toEqual(expect.arrayContaining([...DEMO.authPods]));

    const incident = await getIncident(h.db, out.incidentId!);
    expect(incident).toMatchObject({ namespace: 'production', rootCauseType: 'service_no_endpoints', occurrences: 1, status: 'open', lastRunId: runId });
  });

  it('updates the same incident on a second run', async () => {
    const first = (await listIncidents(h.db, { limit: 10 })).items;
    expect(first).toHaveLength(1);
    const runId = await h.ask({ prompt: 'why is auth-service crashing in prod?' });
    const run = await h.waitForRun(runId);
    expect(run.run.status).toBe('succeeded');
    const out = outputOf(run);
    expect(out.incidentId).toBe(first[0]!.id);
    expect(eventTypes(run)).toContain('incident.updated');
    const incident = await getIncident(h.db, first[0]!.id);
    expect(incident?.occurrences).toBe(2);
    expect(incident?.lastRunId).toBe(runId);
    expect(incident?.runIds).toHaveLength(2);
  });
});
