import { accessOptionsFromEnv, createAccess } from '../access/access.js';
import { assertSafeToBind, bootstrapAccess, bootstrapNotice } from '../access/bootstrap.js';
import { resolveMasterKeys, type MasterKeys } from '../access/master-key.js';
import type { SyntraConfig } from '../config.js';
import { HOUSEKEEPING_DEFAULTS, startHousekeeping } from '../control-plane/housekeeping.js';
import { startRelay } from '../control-plane/relay.js';
import { startAlertFollowUp } from '../integrations/alerts/index.js';
import { notifyOnFinish } from '../integrations/notify/index.js';
import { claimDataDir } from './data-dir.js';
import { assertPortFree, listenApi } from './listen.js';
import { orderedShutdown, type RunningProcess, type ShutdownStep } from './lifecycle.js';
import { processLog } from './process-log.js';
import { openResourcesEarly } from './resources.js';
import { startTracing } from '../telemetry/tracing.js';
import { startupStep } from './startup-trace.js';

/**
 * A process that serves the control API: the API and the outbox relay, plus the agents' worker
 * when it is the one embedded process. `syntra up` and `syntra server` differ only in that and
 * in the bootstrap mode (embedded also writes an admin key for the local CLI).
 */
export interface ApiProcessOptions {
  mode: 'embedded' | 'distributed';
  /** Run the agents and a worker in this process too. */
  withWorker: boolean;
}

export async function startApiProcess(config: SyntraConfig, options: ApiProcessOptions): Promise<RunningProcess> {
  // Embedded PGlite: a busy port is reported before the data directory is touched; then the
  // directory is claimed (owner-only, one writer) before the database opens it.
  const embedded = !config.databaseUrl;
  // On a PostgreSQL server every API replica must be given the master key: fail before anything opens.
  const serverMasterKeys = embedded ? undefined : resolveMasterKeys('distributed', config.dataDir);
  if (embedded) await assertPortFree(config);
  const dataDir = embedded ? await claimDataDir(config.dataDir, `syntra ${options.mode === 'embedded' ? 'up' : 'server'}`) : undefined;
  // The API's and the agents' modules load while the database opens: PGlite's start spends much
  // of its time waiting on its WebAssembly compile and the disk, and the import fills that wait.
  const modules = Promise.all([import('../api/app.js'), options.withWorker ? import('./agent-worker.js') : undefined]);
  modules.catch(() => {}); // awaited below; a failed open must not leave it unhandled
  let resources;
  let masterKeys: MasterKeys;
  try {
    // Embedded: the key generated in the (now claimed) data directory unless one is configured.
    masterKeys = serverMasterKeys ?? resolveMasterKeys('embedded', config.dataDir);
    resources = await openResourcesEarly(config);
  } catch (e) {
    dataDir?.release({ removeIfCreated: true });
    throw e;
  }
  const { db, bus, opened } = resources;
  // Only with OTEL_EXPORTER_OTLP_ENDPOINT; flushed last, after every span of the shutdown.
  const stopTracing = await startTracing(options.withWorker ? 'syntra' : 'syntra-api');
  // Shut down in reverse order of start-up, whatever step start-up failed at: the API, the
  // agents' worker, the background loops, then these.
  const api: ShutdownStep[] = [];
  const agents: ShutdownStep[] = [];
  const loops: ShutdownStep[] = [];
  const resourceSteps: ShutdownStep[] = [
    ['bus', () => bus.close()],
    ['database', () => db.close()],
    ['data directory lock', () => dataDir?.release()],
    ['tracing', stopTracing],
  ];
  let shutdown: (() => Promise<void>) | undefined;
  const stop = () => (shutdown ??= orderedShutdown([...api, ...agents, ...loops, ...resourceSteps]))();
  try {
    const [{ buildApp }, agentWorker] = await modules;
    startupStep('modules loaded');
    // Built while the database opens (for embedded PGlite a second or more of Postgres's start on
    // its own thread, docs/benchmarks.md "startup"): the API, and the agents' worker up to its
    // first statement; whatever queries waits for the database.
    // The same access as buildApp's default, plus the master keys: the configured request budget (SYNTRA_RATE_LIMIT_*) included.
    const building = buildApp({ config, db, bus, access: createAccess(db, { ...accessOptionsFromEnv(), rateLimits: { default: config.rateLimit }, masterKeys }) });
    void building.then(() => startupStep('api built'), () => {});
    const starting = agentWorker ? agentWorker.startAgentWorker(config, { db, bus }) : Promise.resolve([]);
    const [open, built, worker] = await Promise.allSettled([opened, building, starting]);
    if (built.status === 'fulfilled') api.push(['api', () => built.value.close()]);
    if (worker.status === 'fulfilled') agents.push(...worker.value);
    // The database's own error when it could not open, whatever the pieces waiting for it made of that.
    if (open.status === 'rejected') throw open.reason;
    startupStep('database open');
    if (worker.status === 'rejected') throw worker.reason;
    startupStep('worker started');
    if (built.status === 'rejected') throw built.reason;
    const app = built.value;
    // Once the database is open: their rounds query it from the start.
    const relay = startRelay({ db, bus, intervalMs: config.worker.pollIntervalMs, log: processLog(config, 'relay').line });
    loops.unshift(['relay', () => relay.stop()]);
    // Relayed outbox rows and done queue items, ten minutes after they finished (docs/operations.md).
    const housekeeping = startHousekeeping({ db, ...HOUSEKEEPING_DEFAULTS, log: processLog(config, 'housekeeping').line });
    loops.unshift(['housekeeping', () => housekeeping.stop()]);
    // Finished alert runs → incident link, resolve, notifications (docs/alerts.md).
    const alertFollowUp = startAlertFollowUp({ db, intervalMs: config.alerts.followUpMs, listeners: [notifyOnFinish], log: processLog(config, 'alerts').line });
    loops.unshift(['alert follow-up', () => alertFollowUp.stop()]);
    // Auth is always on: refuse a non-loopback address before anyone chose admin credentials.
    await assertSafeToBind(db, config.host);
    const url = await listenApi(app, config);
    startupStep('listening');
    // First start: an admin, and in embedded mode an admin key in the local CLI config so the CLI works at once.
    const access = await bootstrapAccess(db, { mode: options.mode, endpoint: url, host: config.host });
    startupStep('access bootstrapped');
    process.stderr.write(bootstrapNotice(access));
    return { url, ...(access.cliConfig ? { apiKeyFile: access.cliConfig.path } : {}), stop };
  } catch (e) {
    await stop().catch(() => {});
    dataDir?.release({ removeIfCreated: true });
    throw e;
  }
}
