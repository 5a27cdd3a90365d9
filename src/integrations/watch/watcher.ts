import type { GenericAlert } from '../alerts/payloads.js';

/**
 * Watch mode: scan the cluster every interval, and turn what became unhealthy into alerts of the
 * generic webhook — so a crash loop at 3 a.m. goes through the same path as an Alertmanager alert
 * (rules, dedupe, one investigation per target, incidents, notifications). Per workload: one
 * firing alert, not again within the cooldown; a resolved alert once it is healthy again. State
 * changes only after the alerts were accepted, so a failed send is retried on the next tick.
 */
export interface WatchProblem {
  namespace: string | null;
  kind: string;
  name: string;
  rootCause: string;
  summary: string;
}

export interface TickResult {
  problems: number;
  fired: string[];
  resolved: string[];
}

/** Per workload, and per cluster (a registered one prefixes it): the same problem in two clusters is two alerts. */
export const watchFingerprint = (p: Pick<WatchProblem, 'namespace' | 'kind' | 'name'>, cluster: string | null = null) =>
  `watch:${cluster ? `${cluster}:` : ''}${p.namespace ?? '-'}/${p.kind}/${p.name}`;

export class Watcher {
  /** fingerprint → when its firing alert was last sent, and the problem. */
  readonly #firing = new Map<string, { sentAt: number; problem: WatchProblem }>();

  constructor(
    private readonly o: {
      scan: () => Promise<WatchProblem[]>;
      send: (alerts: GenericAlert[]) => Promise<void>;
      cooldownMs: number;
      now?: () => number;
      /** The registered cluster scanned (its alerts carry it); null or omitted: the default cluster. */
      cluster?: string | null;
    },
  ) {}

  async tick(): Promise<TickResult> {
    const now = (this.o.now ?? Date.now)();
    const problems = await this.o.scan();
    const cluster = this.o.cluster ?? null;
    const current = new Map(problems.map((p) => [watchFingerprint(p, cluster), p]));
    const fire = [...current].filter(([fp]) => {
      const seen = this.#firing.get(fp);
      return !seen || now - seen.sentAt >= this.o.cooldownMs;
    });
    const resolve = [...this.#firing].filter(([fp]) => !current.has(fp));
    const alerts: GenericAlert[] = [
      ...fire.map(([fingerprint, p]) => alertOf(fingerprint, p, 'firing', cluster)),
      ...resolve.map(([fingerprint, { problem }]) => alertOf(fingerprint, problem, 'resolved', cluster)),
    ];
    if (alerts.length) await this.o.send(alerts);
    for (const [fp, problem] of fire) this.#firing.set(fp, { sentAt: now, problem });
    for (const [fp] of resolve) this.#firing.delete(fp);
    return { problems: problems.length, fired: fire.map(([fp]) => fp), resolved: resolve.map(([fp]) => fp) };
  }
}

function alertOf(fingerprint: string, p: WatchProblem, status: 'firing' | 'resolved', cluster: string | null): GenericAlert {
  return {
    // One alert name for everything watch mode finds, so one alert rule can govern it.
    title: 'SyntraWatch',
    status,
    severity: 'warning',
    ...(p.namespace ? { namespace: p.namespace } : {}),
    ...(cluster ? { cluster } : {}),
    resource: { kind: p.kind, name: p.name },
    labels: { root_cause: p.rootCause, source: 'syntra-watch' },
    description: p.summary.slice(0, 4000),
    fingerprint,
  };
}
