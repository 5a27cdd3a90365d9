import type { AnalyzerFinding } from './analyzer.js';
import { eventEvidence, latestEvent } from './evidence.js';
import { makeFinding } from './finding.js';
import { baseFacts, nodeLink, type PodFacts } from './pod-facts.js';
import { containerViews } from './pod-status.js';

/** FailedMount / FailedAttachVolume while the pod's containers are still being created. */
const SOURCES: readonly [RegExp, (m: RegExpExecArray) => { what: string; facts: Record<string, string> }][] = [
  [/Multi-Attach error for volume "([^"]+)"\s*Volume is already (?:used by pod\(s\) ([^\s,]+)|exclusively attached to one node)/,
    (m) => ({ what: `volume ${m[1]} is already attached elsewhere${m[2] ? ` (used by pod ${m[2]})` : ''} (Multi-Attach)`, facts: {} })],
  [/secrets? "([^"]+)" not found/, (m) => ({ what: `secret ${m[1]} not found`, facts: { secret: m[1]! } })],
  [/configmaps? "([^"]+)" not found/, (m) => ({ what: `configmap ${m[1]} not found`, facts: { configMap: m[1]! } })],
  [/persistentvolumeclaims? "([^"]+)" not found/, (m) => ({ what: `persistentvolumeclaim ${m[1]} not found`, facts: { pvc: m[1]! } })],
  [/AttachVolume\.Attach failed for volume "([^"]+)"\s*:\s*(.+)/, (m) => ({ what: `attaching volume ${m[1]} failed: ${m[2]}`, facts: {} })],
  [/MountVolume\.\w+ failed for volume "([^"]+)"\s*:\s*(.+)/, (m) => ({ what: `mounting volume ${m[1]} failed: ${m[2]}`, facts: {} })],
  [/Unable to attach or mount volumes: unmounted volumes=\[([^\]]*)\]/, (m) => ({ what: `volumes [${m[1]}] could not be mounted`, facts: {} })],
];

export function volumeFinding(p: PodFacts): AnalyzerFinding | undefined {
  const creating = containerViews(p.pod).some((v) => ['ContainerCreating', 'PodInitializing'].includes(v.status?.state?.waiting?.reason ?? ''));
  if (p.pod.status?.phase !== 'Pending' || !creating) return undefined;
  // The most specific recent message: Multi-Attach / not found beat the generic timeout summary.
  const events = p.events.filter((e) => ['FailedMount', 'FailedAttachVolume'].includes(e.reason ?? ''));
  if (events.length === 0) return undefined;
  let chosen: { ev: (typeof events)[number]; what: string; facts: Record<string, string> } | undefined;
  for (const [re, build] of SOURCES) {
    for (let i = events.length - 1; i >= 0 && !chosen; i -= 1) {
      const m = re.exec(events[i]!.message ?? '');
      if (m) chosen = { ev: events[i]!, ...build(m) };
    }
    if (chosen) break;
  }
  const ev = chosen?.ev ?? latestEvent(events, ['FailedMount', 'FailedAttachVolume'])!;
  return makeFinding({
    type: 'volume_mount_failure',
    subject: p.ref,
    summary: `Pod ${p.name} is stuck in ContainerCreating: ${chosen?.what ?? ev.message ?? 'a volume cannot be mounted'}.`,
    confidence: chosen ? 0.93 : 0.8,
    evidence: [eventEvidence(p.ref, ev), ...events.filter((e) => e !== ev).slice(-1).map((e) => eventEvidence(p.ref, e))],
    facts: { ...baseFacts(p), ...chosen?.facts },
    links: nodeLink(p),
  });
}
