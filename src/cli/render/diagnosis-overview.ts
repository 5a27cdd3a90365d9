import type { NamespaceOverview } from '../../investigator/overview.js';
import type { Terminal } from '../output/terminal.js';
import { percent } from './formatting.js';

/**
 * `syntra diagnose --overview`: one screen for a namespace — pods by status, workloads healthy
 * versus not, problems by root-cause type, and the top problems with their one-line cause.
 */
const HEALTHY_STATUS = new Set(['Running', 'Completed', 'Succeeded']);

function counts(term: Terminal, entries: [string, number][], good: (key: string) => boolean): string {
  const c = term.color;
  return entries
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, n]) => `${good(k) ? c.green(k) : c.red(k)} ${c.bold(String(n))}`)
    .join(c.dim(' · '));
}

function fit(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/** `sourceFlags`: how the evidence was given (e.g. `--demo`), to print a copyable next command. */
export function renderOverview(term: Terminal, o: NamespaceOverview, source: string, sourceFlags: string): string {
  const c = term.color;
  const lines: string[] = [];
  lines.push(`${c.bold(`Namespace ${o.namespace}`)}  ${c.dim(source)}`);
  lines.push('');
  lines.push(`${c.bold('Pods')}       ${o.pods.total} total${o.pods.total ? `  ${counts(term, Object.entries(o.pods.byStatus), (s) => HEALTHY_STATUS.has(s))}` : ''}`);
  const w = o.workloads;
  lines.push(`${c.bold('Workloads')}  ${w.total} total  ${c.green(`healthy ${w.healthy}`)}${c.dim(' · ')}${w.unhealthy ? c.red(`unhealthy ${w.unhealthy}`) : `unhealthy ${w.unhealthy}`}`);
  const causes = Object.entries(o.byRootCause) as [string, number][];
  if (causes.length) lines.push(`${c.bold('Causes')}     ${counts(term, causes, (t) => t === 'no_issue_found')}`);
  lines.push('');
  if (!o.topProblems.length) {
    lines.push(c.green('No problems found.'));
    return `${lines.join('\n')}\n`;
  }
  lines.push(c.bold('Top problems'));
  const width = Math.max(60, term.columns) - 6;
  o.topProblems.forEach((p, i) => {
    lines.push(`  ${i + 1}. ${c.bold(`${p.target.kind.toLowerCase()}/${p.target.name}`)}  ${c.red(p.type)} ${c.dim(percent(p.confidence))}`);
    lines.push(`     ${fit(p.summary, width)}`);
  });
  const rest = o.diagnoses.length - o.topProblems.length;
  if (rest > 0) lines.push(c.dim(`  … ${rest} more`));
  const first = o.topProblems[0]!.target;
  lines.push('', c.dim(`Details: syntra diagnose ${sourceFlags} --namespace ${o.namespace} --resource ${first.kind.toLowerCase()}/${first.name}   (drop --overview for every problem)`));
  return `${lines.join('\n')}\n`;
}
