import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type SyntraApp } from '../../src/api/app.js';
import { openBus, type Bus } from '../../src/bus/bus.js';
import { loadConfig } from '../../src/config.js';
import { createTestKey } from '../access/admin-key.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

/**
 * The server log never holds what a failing request sent: a database error carries the SQL, its
 * parameters and the failing row, and logging the whole error wrote password hashes, key hashes
 * and prompts to the log. Each failing path the security review named is triggered for real (a
 * constraint that rejects the row, and a NUL character PostgreSQL refuses), and the captured log
 * is scanned for everything the request sent and everything the server derived from it.
 */
describe('server log after failing requests', () => {
  let t: TestDatabase;
  let bus: Bus;
  let app: SyntraApp;
  let headers: { 'x-api-key': string };
  const log: string[] = [];

  beforeAll(async () => {
    t = await createTestDatabase();
    const config = loadConfig({ NATS_URL: '', SYNTRA_LOG_LEVEL: 'info' }, { host: '127.0.0.1', port: 0 });
    bus = await openBus(config);
    app = await buildApp({ config, db: t.db, bus, logger: { level: 'info', stream: { write: (line: string) => void log.push(line) } } });
    ({ headers } = await createTestKey(t.db));
    // Real failures of the real inserts, with the values PostgreSQL puts into its error detail.
    await t.db.exec(`ALTER TABLE users ADD CONSTRAINT test_reject_user CHECK (email <> 'rejected@example.com')`);
    await t.db.exec(`ALTER TABLE api_keys ADD CONSTRAINT test_reject_key CHECK (name <> 'rejected key')`);
    await t.db.exec(`ALTER TABLE commands ADD CONSTRAINT test_reject_command CHECK (input::text NOT LIKE '%zebra-canary%')`);
  });
  afterAll(async () => {
    await app?.close();
    await bus?.close().catch(() => {});
    await t?.drop().catch(() => {});
  });

  const logged = () => log.join('');
  const expectClean = (sent: string[]) => {
    const text = logged();
    for (const s of sent) expect(text).not.toContain(s);
    // What the server derives from a request: argon2id hashes, API keys and their hashes, bound parameters.
    expect(text).not.toMatch(/\$argon2id\$|sk_(live|test|admin)_[A-Za-z0-9]{4}|"params"|"parameters"|"detail"|"where"|"query"|INSERT INTO|"Buffer"|\\\\x[0-9a-f]{16}/);
  };

  it('a failed user creation logs neither the password nor its hash', async () => {
    const password = 'Correct-Horse-Battery-7731';
    for (const email of ['rejected@example.com', 'nul\u0000@example.com']) {
      const res = await app.inject({ method: 'POST', url: '/v1/users', headers, payload: { email, password, roles: ['viewer'] } });
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
    }
    expect(logged()).toContain('"level":50');
    require("node:fs").writeFileSync("/tmp/log-peek.txt", logged());
    expectClean([password, "Correct-Horse"]);
  });

  it('a failed key creation logs neither the key, its hash nor its prefix', async () => {
    for (const name of ['rejected key', 'nul\u0000key']) {
      const res = await app.inject({ method: 'POST', url: '/v1/keys', headers, payload: { name, type: 'live' } });
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
    }
    expectClean([]);
  });

  it('a failed /api/ask logs neither the prompt nor the secrets in it', async () => {
    const token = 'ghp_R8tP4mN6bW3cJ1HxY2eKz9QvR8tP4mN6bW3c';
    for (const prompt of [`zebra-canary why is auth-service crashing? password=hunter2-X9 token ${token}`, `zebra\u0000 password=hunter2-X9 ${token}`]) {
      const res = await app.inject({ method: 'POST', url: '/api/ask', headers, payload: { prompt, namespace: 'production' } });
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
    }
    expectClean(['zebra-canary', 'hunter2', token, 'auth-service crashing']);
  });

  it('still logs what an operator needs: the error type, its SQLSTATE and the constraint', () => {
    expect(logged()).toMatch(/"constraint":"test_reject_(user|key|command)"/);
    expect(logged()).toContain('"code":"23514"');
  });
});
