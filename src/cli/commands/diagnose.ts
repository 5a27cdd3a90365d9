import { Command, Option } from 'commander';
import type { Diagnosis } from '../../domain/diagnosis.js';
import { SyntraError } from '../../domain/errors.js';
import type { DiagnoseTarget } from '../../investigator/diagnose.js';
import type { ClusterSnapshot, EvidenceScope, EvidenceSource } from '../../investigator/sources/index.js';
import type { InputAccount } from '../../investigator/cluster/snapshot.js';
import { settingsOf } from '../context.js';
import { UsageError } from '../exit.js';
import { createTerminal, type Terminal } from '../output/terminal.js';
import { renderDiagnoses, renderDiagnosis } from '../render/diagnosis.js';
import { renderOverview } from '../render/diagnosis-overview.js';

/**
 * `syntra diagnose` — the investigator without a server or a database: evidence from a dump
 * folder, kubectl output (files or stdin), the live cluster or the bundled demo; rule-based
 * diagnosis of one target or of every unhealthy resource; human text, JSON, or a namespace
 * overview. Exit codes: 0 diagnosed (problems found or not), 1 failure (cluster unreachable),
 * 2 usage (bad flags, unreadable path, unrecognized input), 4 target not in the evidence.
 */
interface DiagnoseFlags {
  from: string[];
  logs: string[];
  live?: boolean;
  kubeconfig?: string;
  demo?: boolean;
  namespace?: string;
  pod?: string;
  resource?: string;
  overview?: boolean;
  unmask?: boolean;
  json?: boolean;
  output?: string;
  color?: string | boolean;
}

const repeatable = (value: string, previous: string[]): string[] => [...previous, value];

/**
 * The investigator (and @kubernetes/client-node under it, ~1 s to import) loads only when this
 * command runs, so every other syntra command starts without it.
 */
async function loadInvestigator() {
  const [diagnosis, evidence, ov] = await Promise.all([
    import('../../investigator/diagnose.js'),
    import('../../investigator/sources/index.js'),
    import('../../investigator/overview.js'),
  ]);
  return { diagnose: diagnosis.diagnose, diagnoseAll: diagnosis.diagnoseAll, openEvidenceSource: evidence.openEvidenceSource, overview: ov.overview };
}
type Investigator = Awaited<ReturnType<typeof loadInvestigator>>;

const EXAMPLES = `
Examples:
  $ syntra diagnose --demo                                   # every problem in the bundled demo cluster
  $ syntra diagnose --demo -n production --resource deployment/auth-service
  $ kubectl describe pod auth-7d9f -n prod | syntra diagnose --from -
  $ kubectl cluster-info dump --output-directory ./dump -n prod && syntra diagnose --from ./dump -n prod
  $ syntra diagnose --from pod.yaml --from events.txt --logs auth-7d9f/auth=auth.log --pod auth-7d9f
  $ syntra diagnose --live -n prod --pod auth-7d9f --json
  $ syntra diagnose --demo -n production --overview

--json prints one document {target, root_cause, findings, remediation, affected_resources}, or a
list when several targets are diagnosed (docs/diagnosis.md). Evidence is masked (tokens,
passwords, keys) unless --unmask.
Exit codes: 0 diagnosed, 1 failure (e.g. cluster unreachable), 2 usage (bad flags, unreadable
path, unrecognized input), 4 target not found in the evidence.`;

/** `KIND/NAME` (kubectl spelling: deploy/x, deployment.apps/x, svc/x). */
export function parseResource(spec: string): { kind: string; name: string } {
  const i = spec.indexOf('/');
  if (i <= 0 || i === spec.length - 1 || spec.indexOf('/', i + 1) !== -1) throw new UsageError(`--resource expects KIND/NAME (e.g. deployment/auth-service), got "${spec}"`);
  return { kind: spec.slice(0, i), name: spec.slice(i + 1) };
}

function checkFlags(f: DiagnoseFlags): void {
  const sources = [f.live && '--live', f.demo && '--demo', f.from.length > 0 && '--from'].filter(Boolean);
  if (sources.length === 0) throw new UsageError('say where the evidence is: --from PATH (a dump folder, kubectl output, or - for stdin), --live (kubeconfig cluster) or --demo');
  if (sources.length > 1) throw new UsageError(`choose one evidence source, not ${sources.join(' and ')}`);
  if (f.logs.length > 0 && !f.from.length) throw new UsageError('--logs adds container logs to --from evidence (a dump or live cluster already has its logs)');
  if (f.kubeconfig && !f.live) throw new UsageError('--kubeconfig only applies with --live');
  if (f.pod && f.resource) throw new UsageError('give either --pod NAME or --resource KIND/NAME, not both');
  if (f.overview && (f.pod || f.resource)) throw new UsageError('--overview summarizes a whole namespace; drop --pod/--resource (or drop --overview)');
  if ([...f.from, ...f.logs.map((l) => l.slice(l.indexOf('=') + 1))].filter((p) => p === '-').length > 1) throw new UsageError('stdin (-) can be read only once');
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('--from - reads kubectl output piped to syntra (e.g. kubectl describe pod x | syntra diagnose --from -), but nothing is piped');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const LIVE_HINTS: Record<string, string> = {
  no_kubeconfig: 'Point syntra at a cluster with --kubeconfig FILE or KUBECONFIG=FILE (as kubectl uses), or diagnose offline: kubectl cluster-info dump --output-directory DIR, then syntra diagnose --from DIR. To try Syntra without a cluster: syntra diagnose --demo',
  cluster_unreachable: 'Check that the cluster answers (kubectl cluster-info), the kubeconfig context is the one you mean (kubectl config current-context), and any VPN or proxy is up.',
  cluster_forbidden: 'The credentials work but may not read this: check with kubectl auth can-i list pods --namespace NS, and ask for a read-only role (view).',
};

/** Opens the source; for --live, proves the cluster answers first and says what to do if not. */
async function openSource(inv: Investigator, f: DiagnoseFlags): Promise<EvidenceSource> {
  const usesStdin = f.from.includes('-') || f.logs.some((l) => l.slice(l.indexOf('=') + 1) === '-');
  const stdin = usesStdin ? await readStdin() : undefined;
  let source: EvidenceSource;
  try {
    source = await inv.openEvidenceSource({
      ...(f.live ? { live: true } : {}),
      ...(f.kubeconfig ? { kubeconfig: f.kubeconfig } : {}),
      ...(f.demo ? { demo: true } : {}),
      ...(f.from.length ? { from: f.from } : {}),
      ...(f.logs.length ? { logs: f.logs } : {}),
      ...(stdin !== undefined ? { stdin } : {}),
      redact: !f.unmask,
    });
  } catch (e) {
    if (e instanceof SyntraError && (e.code === 'evidence_unreadable' || e.code === 'bad_request')) throw new UsageError(e.message);
    throw e;
  }
  if (f.live) {
    const report = await source.check(AbortSignal.timeout(30_000));
    if (!report.ok) {
      const code = report.problem?.code ?? 'cluster_unreachable';
      throw new SyntraError(code === 'evidence_unreadable' ? 'cluster_unreachable' : code, `${report.problem?.message ?? `cannot use ${report.description}`}\n  ${LIVE_HINTS[code] ?? LIVE_HINTS.cluster_unreachable}`);
    }
  }
  return source;
}

/** Nothing at all was read: no object, no event, no log line, no message. */
const nothingRead = (s: ClusterSnapshot): boolean =>
  Object.entries(s).every(([k, v]) => k === 'namespaces' || !Array.isArray(v) || v.length === 0);

function unrecognized(from: readonly string[]): UsageError {
  const names = from.map((p) => (p === '-' ? 'stdin' : p)).join(', ');
  return new UsageError(`nothing recognizable in ${names}: expected kubectl describe output, kubectl get tables or -o json|yaml, events, container logs, or a kubectl cluster-info dump folder`);
}

function notInNamespace(namespace: string, from: readonly string[]): SyntraError {
  const names = from.map((p) => (p === '-' ? 'stdin' : p)).join(', ');
  return new SyntraError('not_found', `nothing in ${names} is in namespace ${namespace}: the evidence is about other namespaces (drop -n to see them, or check the name with \`kubectl get namespaces\`)`);
}

/** One line per input: what it was read as, and what was skipped and why. */
function inputLines(term: Terminal, inputs: readonly InputAccount[] | undefined): string {
  if (!inputs?.length) return '';
  const c = term.color;
  const lines = inputs.map((i) => {
    const what = [`${i.objects} object(s)`, i.log_lines ? `${i.log_lines} log line(s)` : ''].filter(Boolean).join(', ');
    const skipped = i.skipped?.length ? c.yellow(`; skipped ${i.skipped.map((x) => `${x.lines ? `lines ${x.lines}: ` : ''}${x.reason}`).join('; ')}`) : '';
    return `  ${c.dim('read')} ${i.source}: ${i.recognized_as.join(', ') || 'nothing recognizable'} (${what})${skipped}`;
  });
  return `${lines.join('\n')}\n\n`;
}

/** The investigator's answer for one target; its not-found and ambiguity errors become what the CLI says. */
function diagnoseTarget(inv: Investigator, snapshot: ClusterSnapshot, target: DiagnoseTarget): Diagnosis {
  try {
    return inv.diagnose(snapshot, target);
  } catch (e) {
    if (!(e instanceof SyntraError)) throw e;
    if (e.code === 'validation_failed') throw new UsageError(`${e.message.replace(/: name one\.$/, '')}: add --namespace`);
    if (e.code !== 'not_found') throw e;
    const closest = (e.details as { closest?: string[] } | undefined)?.closest ?? [];
    const hint = closest.length ? `\n  Closest names in the evidence: ${closest.slice(0, 12).join(', ')}${closest.length > 12 ? `, … ${closest.length - 12} more` : ''}` : '';
    throw new SyntraError('not_found', `${e.message}${hint}`, { details: e.details });
  }
}

function sourceFlags(f: DiagnoseFlags): string {
  if (f.demo) return '--demo';
  if (f.live) return '--live';
  return f.from.map((p) => `--from ${p}`).join(' ');
}

async function run(flags: DiagnoseFlags, self: Command): Promise<void> {
  checkFlags(flags);
  const settings = settingsOf(self);
  const term = createTerminal(settings);
  const inv = await loadInvestigator();
  const source = await openSource(inv, flags);
  const target: DiagnoseTarget | undefined = flags.pod
    ? { kind: 'Pod', name: flags.pod }
    : flags.resource
      ? parseResource(flags.resource)
      : undefined;
  const scope: EvidenceScope = { ...(flags.namespace ? { namespace: flags.namespace } : {}), ...(target ? { target: { kind: target.kind, name: target.name } } : {}) };
  const snapshot = await source.collect(scope, flags.live ? AbortSignal.timeout(120_000) : undefined);
  const inputs = snapshot.source.inputs;
  if (nothingRead(snapshot) && flags.from.length) {
    // Read, but all of it in other namespaces: the namespace asked about is not in the evidence.
    const read = inputs?.some((i) => i.objects > 0 || (i.log_lines ?? 0) > 0);
    throw read && flags.namespace ? notInNamespace(flags.namespace, flags.from) : unrecognized(flags.from);
  }
  const withInputs = <T extends object>(doc: T) => (inputs ? { ...doc, inputs } : doc);
  for (const w of snapshot.source.warnings ?? []) process.stderr.write(`syntra: warning: ${w}\n`);

  if (flags.overview) {
    const ns = flags.namespace ?? (snapshot.namespaces.length === 1 ? snapshot.namespaces[0] : undefined);
    if (!ns) throw new UsageError(`--overview needs --namespace NS${snapshot.namespaces.length ? ` (namespaces in the evidence: ${snapshot.namespaces.join(', ')})` : ''}`);
    const o = inv.overview(snapshot, ns);
    if (term.json) return term.printJson(o);
    return term.out(renderOverview(term, o, snapshot.source.description, sourceFlags(flags)));
  }

  if (target) {
    const d = diagnoseTarget(inv, snapshot, flags.namespace ? { ...target, namespace: flags.namespace } : target);
    if (term.json) return term.printJson(withInputs(d));
    return term.out(inputLines(term, inputs) + renderDiagnosis(term, d));
  }

  let all = inv.diagnoseAll(snapshot, flags.namespace ? { namespace: flags.namespace } : {});
  // Nothing unhealthy: say so for the whole scope (no_issue_found), rather than print nothing.
  if (all.length === 0) all = [inv.diagnose(snapshot)];
  if (term.json) return term.printJson(all.length === 1 ? withInputs(all[0]!) : all.map(withInputs));
  const where = flags.namespace ? `namespace ${flags.namespace}` : snapshot.namespaces.length === 1 ? `namespace ${snapshot.namespaces[0]}` : 'all namespaces';
  term.out(inputLines(term, inputs) + (all.length === 1 ? renderDiagnosis(term, all[0]!) : renderDiagnoses(term, all, `${where} (${snapshot.source.description})`)));
}

export function diagnoseCommand(): Command {
  return new Command('diagnose')
    .description('find the root cause of Kubernetes failures from a dump, kubectl output, the live cluster or the demo — no server needed')
    .option('--from <path>', 'evidence: a kubectl cluster-info dump folder, or a file of kubectl output (describe, get -o json|yaml, get events); - reads stdin; repeatable', repeatable, [])
    .option('--logs <file>', 'container logs for --from evidence: FILE or [ns/]pod[/container][@previous]=FILE; repeatable', repeatable, [])
    .option('--live', 'read the cluster of your kubeconfig (read-only)')
    .option('--kubeconfig <file>', 'kubeconfig for --live (default: $KUBECONFIG, ~/.kube/config, in-cluster)')
    .option('--demo', 'use the bundled demo cluster (an incident in namespace production)')
    .option('-n, --namespace <namespace>', 'only this namespace')
    .option('--pod <name>', 'diagnose this pod')
    .option('--resource <kind/name>', 'diagnose this resource, e.g. deployment/auth-service, svc/postgres, node/node-1')
    .option('--overview', 'namespace overview: counts by state and the top problems (needs --namespace)')
    .option('--unmask', 'show evidence unredacted (secrets are masked by default; output stays on this machine)')
    .option('--json', 'print JSON for scripts (same as --output json)')
    .addOption(new Option('-o, --output <format>', 'text or json (env SYNTRA_OUTPUT)').choices(['text', 'json']))
    .addOption(new Option('--color <when>', 'colours: auto, always or never (NO_COLOR honoured)').choices(['auto', 'always', 'never']))
    .option('--no-color', 'no colours (same as --color never)')
    .addHelpText('after', EXAMPLES)
    .action(async (flags: DiagnoseFlags, self: Command) => run(flags, self));
}
