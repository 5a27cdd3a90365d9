import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { freePort } from './bus.js';

/**
 * A real Alertmanager (Debian's prometheus-alertmanager 0.25) on loopback, with its own config,
 * data directory and free port, clustering off, and one webhook receiver. Alerts go in through
 * its own API (POST /api/v2/alerts); it delivers the notifications as it would in production.
 */
export const ALERTMANAGER_BIN = '/usr/bin/prometheus-alertmanager';

export interface AlertmanagerOptions {
  webhookUrl: string;
  bearerToken: string;
  /** Kept short so a test sees grouped, repeated and resolved notifications in seconds. */
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
}

export interface RunningAlertmanager {
  url: string;
  /** Pushes alerts as Prometheus would (an endsAt in the past resolves them). */
  push(alerts: Array<{ labels: Record<string, string>; annotations?: Record<string, string>; startsAt?: string; endsAt?: string }>): Promise<void>;
  stop(): Promise<void>;
  log(): string;
}

export async function startAlertmanager(o: AlertmanagerOptions): Promise<RunningAlertmanager> {
  if (!existsSync(ALERTMANAGER_BIN)) {
    throw new Error(`${ALERTMANAGER_BIN} is missing: apt-get install -y prometheus-alertmanager (.ci/run installs it)`);
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'syntra-alertmanager-'));
  const config = {
    route: {
      receiver: 'syntra',
      group_by: ['alertname', 'namespace'],
      group_wait: o.groupWait ?? '200ms',
      group_interval: o.groupInterval ?? '1s',
      repeat_interval: o.repeatInterval ?? '2s',
    },
    receivers: [
      {
        name: 'syntra',
        webhook_configs: [{ url: o.webhookUrl, send_resolved: true, http_config: { authorization: { type: 'Bearer', credentials: o.bearerToken } } }],
      },
    ],
  };
  writeFileSync(path.join(dir, 'alertmanager.yml'), stringify(config), { mode: 0o600 });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawn(
    ALERTMANAGER_BIN,
    [`--config.file=${path.join(dir, 'alertmanager.yml')}`, `--storage.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=info'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  // Ready when its readiness endpoint answers (bounded).
  for (let i = 0; ; i++) {
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    if (child.exitCode !== null || i > 200) {
      await stop();
      throw new Error(`alertmanager did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    async push(alerts) {
      const res = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
      if (!res.ok) throw new Error(`alertmanager refused the alerts: ${res.status} ${await res.text()}`);
    },
    stop,
    log: () => output,
  };
}
