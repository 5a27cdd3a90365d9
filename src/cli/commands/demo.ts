import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import chalk from 'chalk';
import { Command } from 'commander';
import { classifyCommand } from '../../agents/command-safety.js';
import type { AskRunOutput } from '../../agents/run-output.js';
import type { LedgerEvent } from '../../control-plane/types.js';

/**
 * `syntra demo`: the whole product in one command. Starts the embedded stack in this process
 * (PGlite in a fresh temporary directory, in-process bus, outbox relay, one worker with the
 * agents) against the bundled demo cluster, asks the demo question, prints each agent step as
 * it finishes (from the run's ledger), then the diagnosis; cleans up and exits 0 — or 1 with
 * the reason when the run fails.
 */
export const DEMO_QUESTION = 'Investigate why the auth-service pod is crashing in production';
const RUN_BOUND_MS = 120_000;

interface DemoFlags {
  question: string;
  keep?: boolean;
}

const out = (line = '') => process.stdout.write(`${line}\n`);

function stepLine(e: LedgerEvent): string | undefined {
  const d = (e.data ?? {}) as Record<string, unknown>;
  const agent = String(d.agent ?? '').padEnd(18);
  const step = String(d.step ?? '').padEnd(16);
  const ms = typeof d.durationMs === 'number' ? `${d.durationMs.toFixed(0).padStart(5)} ms` : '';
  if (e.type === 'agent.step.finished') return `  ${chalk.green('✔')} ${agent} ${step} ${ms}  ${chalk.dim(String(d.outcome ?? ''))}`;
  if (e.type === 'agent.step.failed') return `  ${chalk.red('✘')} ${agent} ${step} ${ms}  ${chalk.red(String(d.error ?? ''))}`;
  return undefined;
}

function printDiagnosis(o: AskRunOutput, kept: string | undefined): void {
  out();
  const d = o.diagnosis;
  // With a diagnosis the answer is its root-cause paragraph, printed below once.
  if (!d) {
    out(chalk.bold('Answer'));
    out(`  ${o.answer}`);
    return;
  }
  out(`${chalk.bold('Root cause')}  ${chalk.red(d.root_cause.type)}  (confidence ${Math.round((o.confidence ?? 0) * 100)}%, ${o.method})`);
  out(`  ${d.root_cause.summary}`);
  out();
  out(chalk.bold('Evidence'));
  for (const e of d.root_cause.evidence) out(`  - ${e.resource ? `${e.resource.kind}/${e.resource.name}` : e.kind}${e.path ? ` ${e.path}` : ''}: ${e.value}`);
  out();
  out(chalk.bold('Remediation'));
  // Writes are listed once, below, with their approval requirement.
  for (const s of d.remediation.immediate) if (classifyCommand(s) !== 'write') out(`  now:    ${s}`);
  for (const w of o.review?.writes ?? []) out(`  write:  ${w.command}${w.requiresApproval ? chalk.yellow('  (needs your approval)') : ''}`);
  for (const s of d.remediation.verification) out(`  verify: ${s}`);
  for (const s of d.remediation.prevention) out(`  later:  ${s}`);
  out();
  if (!o.report) return;
  const where = kept
    ? `kept in ${kept} (browse it: syntra up --data-dir ${kept})`
    : 'in the temporary database, removed on exit (--keep keeps it; `syntra up` keeps everything)';
  out(`Report: artifacts ${o.report.markdown.name} and ${o.report.json.name}, incident ${o.incidentId ?? '—'} — ${where}`);
}

async function runDemo(flags: DemoFlags): Promise<number> {
  const { loadConfig } = await import('../../config.js');
  const { openResources } = await import('../../runtime/resources.js');
  const { startRelay } = await import('../../control-plane/relay.js');
  const { startAgents, registerAgents } = await import('../../agents/index.js');
  const { createRegistry } = await import('../../worker/registry.js');
  const { startWorker } = await import('../../worker/runtime.js');
  const { submitCommand } = await import('../../control-plane/commands.js');
  const { listEvents } = await import('../../control-plane/ledger.js');
  const { getRun } = await import('../../control-plane/runs.js');
  const { runEventsSubject } = await import('../../bus/subjects.js');

  const dataDir = mkdtempSync(path.join(tmpdir(), 'syntra-demo-'));
  // Always the embedded stack on the demo cluster, whatever the environment points at.
  const config = loadConfig({ ...process.env, SYNTRA_DATA_DIR: dataDir, SYNTRA_EVIDENCE: 'demo', DATABASE_URL: '', NATS_URL: '' });
  out(chalk.bold('Syntra demo'));
  out(chalk.dim(`  embedded PGlite in ${dataDir} (temporary), in-process bus, bundled demo cluster`));
  const started = performance.now();
  const { db, bus } = await openResources(config, { throwaway: !flags.keep });
  const relay = startRelay({ db, bus, intervalMs: 200 });
  const agents = await startAgents(config, { db, bus });
  const worker = startWorker({ db, bus, registry: registerAgents(createRegistry(), agents.deps), concurrency: 2, pollIntervalMs: 100, leaseSeconds: 30, shutdownGraceMs: 2000 });
  out(chalk.dim(`  ready in ${Math.round(performance.now() - started)} ms; models: ${agents.deps.providers.describe()}`));
  try {
    out();
    out(`${chalk.bold('Question')}  ${flags.question}`);
    out();
    const submitted = performance.now();
    const { runId } = await submitCommand(db, { kind: 'ask', input: { prompt: flags.question } });
    let after = 0;
    let woken: (() => void) | undefined;
    const off = bus.subscribe(runEventsSubject(runId), () => woken?.());
    const deadline = Date.now() + RUN_BOUND_MS;
    try {
      for (;;) {
        const status = (await getRun(db, runId))?.run.status;
        for (const e of await listEvents(db, runId, { afterSeq: after })) {
          after = e.seq;
          const line = stepLine(e);
          if (line) out(line);
        }
        if (status === 'succeeded' || status === 'failed' || status === 'cancelled') break;
        if (Date.now() > deadline) throw new Error(`the run did not finish within ${RUN_BOUND_MS / 1000} s`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 100);
          woken = () => (clearTimeout(t), resolve());
        });
      }
    } finally {
      off();
    }
    const detail = (await getRun(db, runId))!;
    if (detail.run.status !== 'succeeded') {
      const err = (detail.run.error ?? {}) as { message?: string };
      process.stderr.write(`syntra demo: the investigation ${detail.run.status}: ${err.message ?? 'no reason recorded'} (run ${runId})\n`);
      return 1;
    }
    printDiagnosis(detail.run.output as AskRunOutput, flags.keep ? dataDir : undefined);
    out(chalk.dim(`Run ${runId} took ${Math.round(performance.now() - submitted)} ms (after ${Math.round(submitted - started)} ms of start-up). Next: \`npx syntra up\` and POST /api/ask, or SYNTRA_EVIDENCE=live for your own cluster.`));
    return 0;
  } finally {
    await worker.stop().catch(() => {});
    await agents.stop().catch(() => {});
    await relay.stop().catch(() => {});
    await bus.close().catch(() => {});
    await db.close().catch(() => {});
    if (!flags.keep) rmSync(dataDir, { recursive: true, force: true });
    else out(chalk.dim(`kept ${dataDir}`));
  }
}

export function demoCommand(): Command {
  return new Command('demo')
    .description('investigate the bundled demo cluster end to end in this process (temporary embedded database), then clean up')
    .option('-q, --question <text>', 'the question to ask', DEMO_QUESTION)
    .option('--keep', 'keep the temporary data directory (database and report artifacts)')
    .addHelpText('after', '\nExamples:\n  $ npx syntra demo\n  $ npx syntra demo --question "what is wrong in production?"')
    .action(async (flags: DemoFlags) => {
      process.exitCode = await runDemo(flags);
    });
}
