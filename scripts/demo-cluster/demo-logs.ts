import { NOW } from './k8s-builders.js';

/** Container logs of the demo workloads, as the applications print them. */
const ts = (minutesAgo: number, plusMs: number) => new Date(NOW - minutesAgo * 60_000 + plusMs).toISOString();

/** One start of auth-service (Node.js): config, five connection attempts to PostgreSQL, exit 1. */
export function authServiceStart(minutesAgo: number, pid = 1): string[] {
  const t = (ms: number) => ts(minutesAgo, ms);
  const lines = [
    `[${t(0)}] INFO  auth-service v1.8.2 starting (node v20.11.1, pid ${pid}, NODE_ENV=production)`,
    `[${t(4)}] INFO  config: loaded 14 settings from environment (LOG_LEVEL=info, PORT=8080)`,
    `[${t(9)}] INFO  redis: connected to redis.production.svc.cluster.local:6379 (db 0)`,
    `[${t(12)}] INFO  db: connecting to postgres.production.svc.cluster.local:5432 database=auth user=auth_svc pool.max=10`,
  ];
  let ms = 15;
  for (let attempt = 1; attempt <= 5; attempt += 1) {
    const delay = 500 * 2 ** (attempt - 1);
    lines.push(
      attempt < 5
        ? `[${t(ms)}] WARN  db: connection attempt ${attempt}/5 failed: connect ECONNREFUSED 10.96.112.45:5432 - retrying in ${delay}ms`
        : `[${t(ms)}] ERROR db: connection attempt 5/5 failed: connect ECONNREFUSED 10.96.112.45:5432`,
    );
    ms += delay + 3;
  }
  lines.push(
    `[${t(ms)}] ERROR Connection refused: postgres.production.svc.cluster.local:5432 - giving up after 5 attempts`,
    `[${t(ms + 1)}] FATAL auth-service failed to start, exiting with code 1`,
    'Error: connect ECONNREFUSED 10.96.112.45:5432',
    '    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)',
    '    at TCPConnectWrap.callbackTrampoline (node:internal/async_hooks:130:17) {',
    '  errno: -111,',
    "  code: 'ECONNREFUSED',",
    "  syscall: 'connect',",
    "  address: '10.96.112.45',",
    '  port: 5432',
    '}',
    '',
    'Node.js v20.11.1',
  );
  return lines;
}

/** payment-worker (Python): loads a whole settlement batch into memory and is OOM-killed mid-way. */
export function paymentWorkerRun(minutesAgo: number): string[] {
  const t = (ms: number) => ts(minutesAgo, ms).replace('T', ' ').replace('Z', '');
  return [
    `${t(0)} INFO [payment_worker.main] starting payment-worker 2.4.1 (python 3.12.2, 4 threads)`,
    `${t(120)} INFO [payment_worker.queue] connected to redis://redis.production.svc.cluster.local:6379/2, queue=settlements`,
    `${t(480)} INFO [payment_worker.settlement] picked batch settlement-2025-03-14-0930 (48213 transactions)`,
    `${t(900)} INFO [payment_worker.settlement] loading transactions into memory for reconciliation`,
    `${t(5400)} INFO [payment_worker.settlement] loaded 20000/48213 transactions (rss=171MiB)`,
    `${t(9800)} INFO [payment_worker.settlement] loaded 30000/48213 transactions (rss=219MiB)`,
    `${t(12100)} WARNING [payment_worker.settlement] memory usage high: rss=247MiB, limit=256MiB`,
  ];
}

/** api-gateway (Go, zap JSON logs): healthy traffic. */
export function apiGatewayLogs(minutesAgo: number): string[] {
  const lines = [
    `{"level":"info","ts":"${ts(minutesAgo, 0)}","caller":"cmd/main.go:58","msg":"starting api-gateway","version":"v3.1.0","go":"go1.22.1"}`,
    `{"level":"info","ts":"${ts(minutesAgo, 35)}","caller":"server/http.go:112","msg":"listening","addr":":8080"}`,
  ];
  for (let i = 0; i < 6; i += 1) {
    const status = i === 3 ? 401 : 200;
    const path = ['/api/v1/orders', '/api/v1/products', '/healthz', '/api/v1/login', '/api/v1/cart', '/api/v1/products/42'][i]!;
    lines.push(
      `{"level":"info","ts":"${ts(2 - i * 0.2, 0)}","caller":"middleware/log.go:41","msg":"request","method":"GET","path":"${path}","status":${status},"duration_ms":${3 + i * 2}}`,
    );
  }
  return lines;
}

/** redis 7: a clean start. */
export function redisLogs(minutesAgo: number): string[] {
  const d = new Date(NOW - minutesAgo * 60_000);
  const stamp = `${d.getUTCDate()} Mar 2025 ${d.toISOString().slice(11, 23)}`;
  return [
    `1:C ${stamp} * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo`,
    `1:C ${stamp} * Redis version=7.2.4, bits=64, commit=00000000, modified=0, pid=1, just started`,
    `1:M ${stamp} * monotonic clock: POSIX clock_gettime`,
    `1:M ${stamp} * Running mode=standalone, port=6379.`,
    `1:M ${stamp} * Server initialized`,
    `1:M ${stamp} * Loading RDB produced by version 7.2.4`,
    `1:M ${stamp} * DB loaded from disk: 0.012 seconds`,
    `1:M ${stamp} * Ready to accept connections tcp`,
  ];
}

/** staging services: healthy starts. */
export function stagingAuthLogs(minutesAgo: number): string[] {
  const t = (ms: number) => ts(minutesAgo, ms);
  return [
    `[${t(0)}] INFO  auth-service v1.9.0-rc.1 starting (node v20.11.1, pid 1, NODE_ENV=staging)`,
    `[${t(12)}] INFO  db: connecting to postgres.staging.svc.cluster.local:5432 database=auth user=auth_svc pool.max=5`,
    `[${t(41)}] INFO  db: connected (PostgreSQL 15.6)`,
    `[${t(55)}] INFO  http: listening on :8080`,
  ];
}
