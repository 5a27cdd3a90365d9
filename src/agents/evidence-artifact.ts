import { putArtifactVersion, readArtifactVersion } from '../artifacts/artifact-versions.js';
import { SyntraError } from '../domain/errors.js';
import type { ClusterSnapshot } from '../investigator/cluster/snapshot.js';
import type { AgentDeps } from './deps.js';
import type { EvidenceRef } from './pipeline-state.js';
import type { StepRecorder } from './step-recorder.js';

/**
 * The collected (redacted) evidence of a run is the artifact `evidence.json`; later steps, on
 * any worker, read back exactly the version the collector wrote.
 */
export const EVIDENCE_ARTIFACT = 'evidence.json';

export async function storeEvidence(deps: AgentDeps, runId: string, snapshot: ClusterSnapshot): Promise<EvidenceRef['artifact']> {
  const v = await putArtifactVersion(deps.db, deps.store, {
    runId,
    name: EVIDENCE_ARTIFACT,
    kind: 'evidence',
    contentType: 'application/json',
    body: JSON.stringify(snapshot),
    metadata: { source: snapshot.source.description, namespaces: snapshot.namespaces, redacted: true },
  });
  return { name: v.name, version: v.version, sha256: v.sha256 };
}

export async function loadEvidence(deps: AgentDeps, runId: string, ref: EvidenceRef, rec: StepRecorder): Promise<ClusterSnapshot> {
  const started = performance.now();
  const { body, meta } = await readArtifactVersion(deps.db, deps.store, { runId, name: ref.artifact.name, version: ref.artifact.version });
  if (meta.sha256 !== ref.artifact.sha256) {
    throw new SyntraError('internal', `evidence artifact ${ref.artifact.name} v${ref.artifact.version} does not match its recorded sha256`);
  }
  const snapshot = JSON.parse(new TextDecoder().decode(body)) as ClusterSnapshot;
  rec.record('tool.call', {
    tool: 'read_evidence',
    arguments: { artifact: ref.artifact.name, version: ref.artifact.version },
    durationMs: Math.round(performance.now() - started),
    ok: true,
    result: { bytes: body.byteLength, pods: snapshot.pods.length },
  });
  return snapshot;
}
