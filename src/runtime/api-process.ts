import { resolveMasterKeys, type MasterKeys } from '../access/master-key.js';
import type { SyntraConfig } from '../config.js';
import { claimDataDir } from './data-dir.js';
import { assertPortFree, listenApi } from './listen.js';
import { orderedShutdown, type RunningProcess, type ShutdownStep } from './lifecycle.js';
import { processLog } from './process-log.js';
import { openResourcesEarly } from './resources.js';
import { createsEmbeddedDatabase } from '../db/open.js';
import type { AdminPassword } from '../access/bootstrap.js';
import { startupStep } from './startup-trace.js';

/**
 * What the process needs once its database is open, loaded while it opens: these imports are
 * not static, so the embedded database's thread starts before they are read (~0.15 s of loading).
 */
const servingModules = (withWorker: boolean) =>
  Promise.all([
    import('../api/app.js'),
    withWorker ? import('./agent-worker.js') : undefined,
    import('../access/access.js'),
    import('../access/bootstrap.js'),
    import('../control-plane/housekeeping.js'),
    import('../control-plane/relay.js'),
    import('../integrations/alerts/index.js'),
    import('../integrations/notify/index.js'),
    import('../telemetry/tracing.js'),
  ]);

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
  const modules = servingModules(options.withWorker);
  modules.catch(() => {}); // awaited below; a failed open must not leave it unhandled
  let resources;
  let masterKeys: MasterKeys;
  let firstAdmin: Promise<AdminPassword> | undefined;
  try {
    // Embedded: the key generated in the (now claimed) data directory unless one is configured.
    masterKeys = serverMasterKeys ?? resolveMasterKeys('embedded', config.dataDir);
    // A new embedded database has no admin yet: its password is hashed while the database opens.
    if (createsEmbeddedDatabase(config)) {
      firstAdmin = import('../access/bootstrap.js').then((b) => b.adminPassword());
      firstAdmin.catch(() => {}); // awaited at the bootstrap; a start that fails first never gets there
    }
    resources = await openResourcesEarly(config);
  } catch (e) {
    dataDir?.release({ removeIfCreated: true });
    throw e;
  }
  const { db, bus, opened } = resources;
  // Only with OTEL_EXPORTER_OTLP_ENDPOINT; flushed last, after every span of the shutdown.
  let stopTracing: () => Promise<void> = async () => {};
  // Shut down in reverse order of start-up, whatever step start-up failed at: the API, the
  // agents' worker, the background loops, then these.
  const api: ShutdownStep[] = [];
  const agents: ShutdownStep[] = [];
  const loops: ShutdownStep[] = [];
  const resourceSteps: ShutdownStep[] = [
    ['bus', () => bus.close()],
    ['database', () => db.close()],
    ['data directory lock', () => dataDir?.release()],
    ['tracing', () => stopTracing()],
  ];
  let shutdown: (() => Promise<void>) | undefined;
  const stop = () => (shutdown ??= orderedShutdown([...api, ...agents, ...loops, ...resourceSteps]))();
  try {
    const [{ buildApp }, agentWorker, { accessOptionsFromEnv, createAccess }, bootstrap, housekeepingJob, { startRelay }, { startAlertFollowUp }, { notifyOnFinish }, tracing] =
      await modules;
    startupStep('modules loaded');
    stopTracing = await tracing.startTracing(options.withWorker ? 'syntra' : 'syntra-api');
    // Built while the database opens (for embedded PGlite a second or more of Postgres's start on
    // its own thread, docs/benchmarks.md "startup"): the API, and the agents' worker up to its
    // first statement; whatever queries waits for the database.
    // The same access as buildApp's default, plus the master keys: the configured request budget (SYNTRA_RATE_LIMIT_*) included.
    const building = buildApp({ config, db, bus, access: createAccess(db, { ...accessOptionsFromEnv(), rateLimits: { default: config.rateLimit }, masterKeys }) });
    void building.then(() => startupStep('api built'), () => {});
    // The worker's first claim waits until this process serves (runtime.ts, claimAfter).
    let served = () => {};
    const serving = new Promise<void>((resolve) => (served = resolve));
    const starting = agentWorker ? agentWorker.startAgentWorker(config, { db, bus }, { claimAfter: serving }) : Promise.resolve([]);
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
    const housekeeping = housekeepingJob.startHousekeeping({ db, ...housekeepingJob.HOUSEKEEPING_DEFAULTS, log: processLog(config, 'housekeeping').line });
    loops.unshift(['housekeeping', () => housekeeping.stop()]);
    // Finished alert runs → incident link, resolve, notifications (docs/alerts.md).
    const alertFollowUp = startAlertFollowUp({ db, intervalMs: config.alerts.followUpMs, listeners: [notifyOnFinish], log: processLog(config, 'alerts').line });
    loops.unshift(['alert follow-up', () => alertFollowUp.stop()]);
    // Auth is always on: refuse a non-loopback address before anyone chose admin credentials.
    await bootstrap.assertSafeToBind(db, config.host);
    // First start: an admin, created while the API starts listening (its argon2 hash runs off this thread) …
    const admin = bootstrap.ensureAdmin(db, process.env, await firstAdmin);
    admin.catch(() => {}); // awaited below, after the listen
    const url = await listenApi(app, config);
    startupStep('listening');
    // … and in embedded mode an admin key in the local CLI config, so the CLI works at once.
    const access = await bootstrap.ensureCliKey(db, await admin, { mode: options.mode, endpoint: url, host: config.host });
    startupStep('access bootstrapped');
    served();
    process.stderr.write(bootstrap.bootstrapNotice(access));
    return { url, ...(access.cliConfig ? { apiKeyFile: access.cliConfig.path } : {}), stop };
  } catch (e) {
    await stop().catch(() => {});
    dataDir?.release({ removeIfCreated: true });
    throw e;
  }
}
