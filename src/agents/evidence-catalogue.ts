import type { Diagnosis, EvidenceItem, ResourceRef } from '../domain/diagnosis.js';
import { eventEvidence, fieldEvidence, logEvidence, specEvidence } from '../investigator/analyzers/evidence.js';
import type { ClusterSnapshot } from '../investigator/cluster/snapshot.js';
import type { EvidenceSummary } from './evidence-summary.js';

/**
 * The normalised evidence a model reads, one item per fact, each with a stable id (`E1`, `E2`,
 * …): the summary's pod and container states, service endpoints, events and log lines, then the
 * evidence the rules quoted, then — on demand, for tool results — every other event and log
 * line the run collected. Items are built with the analyzers' own evidence constructors, so a
 * line the rules quoted and the same line in the summary are one item with one id.
 *
 * The numbering is a pure function of (summary, rule diagnosis, snapshot): the analyst numbers
 * the evidence it shows the model, and the reviewer rebuilds the same catalogue from what the
 * run stored to check that every id the model cites names something the run really collected.
 */
export interface CataloguedItem {
  id: string;
  item: EvidenceItem;
}

const ref = (kind: string, name: string, namespace: string | undefined): ResourceRef => ({ kind, name, ...(namespace ? { namespace } : {}) });
const keyOf = (e: EvidenceItem) => JSON.stringify([e.kind, e.resource?.kind ?? '', e.resource?.namespace ?? '', e.resource?.name ?? '', e.path ?? '', e.value]);
/** As eventEvidence() words an event, from the summary's copy of it. */
const eventItem = (resource: ResourceRef, type: string, reason: string, count: number, message: string): EvidenceItem => ({
  kind: 'event',
  resource,
  path: `${type || 'Normal'} ${reason}${count > 1 ? ` (x${count})` : ''}`.trim(),
  value: message,
});

function* summaryItems(s: EvidenceSummary): Generator<EvidenceItem> {
  for (const p of s.pods) {
    const pod = ref('Pod', p.name, p.namespace);
    yield fieldEvidence(pod, 'status', p.status);
    if (p.restarts > 0) yield fieldEvidence(pod, 'restarts', p.restarts);
    for (const c of p.containers) {
      yield fieldEvidence(pod, `status.containerStatuses[${c.name}].state`, c.state);
      if (c.lastState) yield fieldEvidence(pod, `status.containerStatuses[${c.name}].lastState`, c.lastState);
    }
  }
  for (const svc of s.services) {
    const service = ref('Service', svc.name, svc.namespace);
    if (svc.selector) yield specEvidence(service, 'spec.selector', svc.selector);
    yield fieldEvidence(service, 'endpoints', svc.readyEndpoints === null ? 'no Endpoints object collected' : `${svc.readyEndpoints} ready, ${svc.notReadyEndpoints ?? 0} not ready`);
  }
  for (const e of s.events) {
    const [kind = '', ...name] = e.object.split('/');
    yield eventItem(ref(kind, name.join('/'), e.namespace), e.type, e.reason, e.count, e.message);
  }
  for (const l of s.logs) for (const line of l.lines) if (line.trim()) yield logEvidence(ref('Pod', l.pod, l.namespace), l.container, l.previous, line);
}

function* ruleItems(rules: Diagnosis): Generator<EvidenceItem> {
  yield* rules.root_cause.evidence;
  for (const h of rules.hypotheses ?? []) yield* h.evidence_for;
  for (const f of rules.findings) yield* f.evidence;
}

function* collectedItems(snapshot: ClusterSnapshot): Generator<EvidenceItem> {
  for (const e of snapshot.events) {
    const o = e.involvedObject;
    yield eventEvidence(ref(o?.kind ?? '', o?.name ?? '', o?.namespace ?? e.metadata?.namespace), e);
  }
  for (const l of snapshot.logs) for (const line of l.lines) if (line.trim()) yield logEvidence(ref('Pod', l.pod, l.namespace), l.container, l.previous, line);
}

export class EvidenceCatalogue {
  private readonly items: CataloguedItem[] = [];
  private readonly byKey = new Map<string, string>();
  private readonly byId = new Map<string, EvidenceItem>();
  /** How many items the model is shown up front (the rest are reached through tools). */
  readonly shown: number;
  private extended = false;

  constructor(
    summary: EvidenceSummary,
    rules: Diagnosis,
    private readonly snapshot: ClusterSnapshot,
  ) {
    for (const item of summaryItems(summary)) this.add(item);
    for (const item of ruleItems(rules)) this.add(item);
    this.shown = this.items.length;
  }

  private add(item: EvidenceItem): string {
    const key = keyOf(item);
    const known = this.byKey.get(key);
    if (known) return known;
    const id = `E${this.items.length + 1}`;
    this.items.push({ id, item });
    this.byKey.set(key, id);
    this.byId.set(id, item);
    return id;
  }

  /** Numbers the rest of the collected events and log lines, once, after the shown items. */
  private extend(): void {
    if (this.extended) return;
    this.extended = true;
    for (const item of collectedItems(this.snapshot)) this.add(item);
  }

  /** The items shown to the model with the question. */
  listed(): readonly CataloguedItem[] {
    return this.items.slice(0, this.shown);
  }

  /** The item an id names, or undefined when the run collected no such item. */
  get(id: string): EvidenceItem | undefined {
    if (!this.byId.has(id)) this.extend();
    return this.byId.get(id);
  }

  /** The id of an item the run collected (a log line or event a tool returns), or undefined. */
  idOf(item: EvidenceItem): string | undefined {
    const key = keyOf(item);
    if (!this.byKey.has(key)) this.extend();
    return this.byKey.get(key);
  }
}

const resourceText = (r: ResourceRef | undefined) => (r ? `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}` : '');

/** One line per item: `E12 [log] Pod shop/billing-… billing (previous): invoice 8812-17 totals disagree…`. */
export function itemLine({ id, item }: CataloguedItem): string {
  const where = [resourceText(item.resource), item.path].filter(Boolean).join(' ');
  return `${id} [${item.kind}] ${where}: ${item.value}`;
}
