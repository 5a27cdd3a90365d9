import type { EvidenceScope } from '../investigator/cluster/snapshot.js';
import type { TaskHandler } from '../worker/registry.js';
import { checkCluster } from './cluster-check.js';
import { evidenceOf, type AgentDeps } from './deps.js';
import { storeEvidence } from './evidence-artifact.js';
import { assertScopeInBound } from './namespace-bound.js';
import { summarizeEvidence } from './evidence-summary.js';
import type { PipelineState } from './pipeline-state.js';
import { handOff, pipelineStep, requireNext } from './step-runner.js';

/**
 * `collect_evidence` — the evidence collector. Collects the scope the plan names: the namespace
 * around the target (so a dependency the logs name — a database service — is in the evidence
 * too), log tails current and previous, events; masked by the source before anything leaves
 * it. Stores the snapshot as the `evidence.json` artifact and hands the next step a reference
 * and a summary centred on the target: its pods, owner chain, sibling pods, the services that
 * select them or that their logs try to reach, and those services' endpoints.
 * A second pass (sent back by the reviewer) widens the scope: whole namespace, longer tails.
 */
const TAIL = 200;
const WIDE_TAIL = 1000;

function scopeOf(state: PipelineState, wide: boolean): EvidenceScope {
  const p = state.plan.params;
  const target = wide ? undefined : p.workload ? { kind: p.workload.kind, name: p.workload.name } : p.pods?.length === 1 ? { kind: 'Pod', name: p.pods[0]! } : undefined;
  return { ...(p.namespace ? { namespace: p.namespace } : {}), ...(target ? { target } : {}), tailLines: wide ? WIDE_TAIL : TAIL };
}

export function collectEvidenceHandler(deps: AgentDeps): TaskHandler {
  return pipelineStep(
    'collect_evidence',
    async (ctx, state, rec) => {
      const wide = state.pass >= 1;
      const scope = scopeOf(state, wide);
      assertScopeInBound(scope.namespace, ctx.item.namespace ?? null);
      const evidence = await evidenceOf(deps, ctx.item.runId);
      await checkCluster(evidence, rec, ctx.signal);
      const started = performance.now();
      const snapshot = await evidence.source.collect(scope, ctx.signal);
      rec.record('tool.call', {
        tool: 'collect',
        arguments: scope,
        durationMs: Math.round(performance.now() - started),
        ok: true,
        result: { pods: snapshot.pods.length, services: snapshot.services.length, events: snapshot.events.length, logStreams: snapshot.logs.length },
      });
      ctx.signal.throwIfAborted();

      const summary = summarizeEvidence(snapshot, { namespace: state.plan.params.namespace, pods: state.plan.params.pods, wide });
      const artifact = await storeEvidence(deps, ctx.item.runId, snapshot);
      rec.record('artifact.stored', { ...artifact, redacted: true });
      rec.record('evidence.summary', {
        source: summary.source,
        namespace: summary.namespace,
        targets: summary.targets,
        owners: summary.owners.map((o) => `${o.kind}/${o.name}`),
        pods: summary.pods.map((p) => `${p.name}: ${p.status}, ${p.restarts} restarts`),
        services: summary.services.map((s) => `${s.name} (${s.why}): ${s.readyEndpoints ?? '?'} ready endpoints`),
        warningEvents: summary.events.filter((e) => e.type === 'Warning').length,
        counts: summary.counts,
        ...(summary.warnings.length ? { warnings: summary.warnings } : {}),
      });

      const next = requireNext(state.plan.intent, 'collect_evidence');
      const passed: PipelineState = { ...state, pass: state.pass + 1, evidence: { artifact, summary, wide } };
      delete passed.analysis;
      delete passed.review;
      return {
        output: { artifact, counts: summary.counts, next },
        followUps: [handOff(next, passed)],
        events: rec.finish({ controlVersion: state.controlVersion, pass: passed.pass, outcome: `${summary.counts.pods} pods, ${summary.counts.services} services, ${summary.counts.logLines} log lines` }),
      };
    },
    (state) => ({ pass: state.pass + 1, wide: state.pass >= 1 }),
  );
}
