import { describe, expect, it } from 'vitest';
import { redactDeep, redactText } from '../../../src/domain/secrets/index.js';
import { redactSnapshot } from '../../../src/investigator/sources/redact-snapshot.js';
import { emptySnapshot } from '../../../src/investigator/cluster/snapshot.js';

describe('redactText: secret-looking values are masked, keeping nothing of them', () => {
  it.each([
    ['Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.abc.def', 'Authorization: Bearer [REDACTED:authorization]'],
    ['curl -H "Authorization: Basic dXNlcjpwYXNz" http://x', 'curl -H "Authorization: Basic [REDACTED:authorization]" http://x'],
    ['sending request with bearer 0123456789abcdefghij', 'sending request with bearer [REDACTED:bearer_token]'],
    ['db url postgres://app:s3cr3t-pw@db:5432/app', 'db url postgres://app:[REDACTED:password]@db:5432/app'],
    ['redis://:Xk9#mP2vLq7w@redis:6379/0', 'redis://:[REDACTED:password]@redis:6379/0'],
    ['host=db user=app password=hunter2 sslmode=require', 'host=db user=app password=[REDACTED:password] sslmode=require'],
    ['{"username":"svc","password":"hunter2"}', '{"username":"svc","password":"[REDACTED:password]"}'],
    ['api_key=abcd1234efgh5678', 'api_key=[REDACTED:api_key]'],
    ['X-Api-Key: 9f8e7d6c5b4a', 'X-Api-Key: [REDACTED:api_key]'],
    ['client_secret: "0a1b2c3d4e5f60718293a4b5c6d7e8f9"', 'client_secret: "[REDACTED:secret]"'],
    ['GITHUB_TOKEN=ghp_1234567890abcdefghijklmnopqrstuvwxyz', 'GITHUB_TOKEN=[REDACTED:github_token]'],
    ['using key AKIAIOSFODNN7EXAMPLE for s3', 'using key [REDACTED:aws_access_key] for s3'],
    ['token ghp_1234567890abcdefghijklmnopqrstuvwxyz leaked', 'token [REDACTED:github_token] leaked'],
    ['slack xoxb-123456789012-abcdefghijkl', 'slack [REDACTED:slack_token]'],
    ['OpenAI key sk-proj-abcdefghijklmnopqrstuvwx1234', 'OpenAI key [REDACTED:api_key]'],
    ['stripe sk_live_51HxY2eKz9QvR8tP4mN6bW3cJ', 'stripe [REDACTED:api_key]'],
    ['jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVPmB92K27uhbUJU1p1r', 'jwt [REDACTED:jwt]'],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----', '[REDACTED:private_key]'],
  ])('%s', (input, expected) => {
    const r = redactText(input);
    expect(r.text).toBe(expected);
    expect(r.count).toBeGreaterThan(0);
  });

  it.each([
    'Error: connect ECONNREFUSED 10.96.112.45:5432',
    'Connection refused: postgres.production.svc.cluster.local:5432',
    'Error: secret "smtp-credentials" not found',
    'Back-off restarting failed container auth-service in pod auth-service-7d9f8b6c5d-x2k4p_production(98f8f127)',
    'token: <none>',
    'secretName=tls-cert tokenFile=/var/run/token',
    'password: ${DB_PASSWORD}',
    'http://127.0.0.1:8080/healthz',
  ])('leaves evidence that is not a secret: %s', (input) => {
    expect(redactText(input)).toEqual({ text: input, count: 0 });
  });
});

describe('redactDeep and redactSnapshot', () => {
  it('masks env values with secret-y names, secret properties, and JSON inside annotations; keeps Dates', () => {
    const created = new Date('2025-03-14T10:00:00Z');
    const pod = {
      metadata: {
        name: 'p', creationTimestamp: created,
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ spec: { containers: [{ env: [{ name: 'DB_PASSWORD', value: 'hunter2' }] }] } }) },
      },
      spec: {
        containers: [{
          name: 'app',
          env: [
            { name: 'DB_PASSWORD', value: 'hunter2' },
            { name: 'STRIPE_SECRET_KEY', value: 'whatever' },
            { name: 'LOG_LEVEL', value: 'info' },
            { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } },
          ],
        }],
        tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists' }],
      },
      config: { password: 'pw', secretName: 'keep-me' },
    };
    const { value, count } = redactDeep(pod);
    expect(value.spec.containers[0]!.env).toEqual([
      { name: 'DB_PASSWORD', value: '[REDACTED:password]' },
      { name: 'STRIPE_SECRET_KEY', value: '[REDACTED:key]' },
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } },
    ]);
    expect(value.config).toEqual({ password: '[REDACTED:password]', secretName: 'keep-me' });
    expect(value.spec.tolerations[0]!.key).toBe('node.kubernetes.io/not-ready');
    expect(value.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).not.toContain('hunter2');
    expect(value.metadata.creationTimestamp).toBe(created);
    expect(count).toBe(4);
    expect(pod.spec.containers[0]!.env[0]!.value).toBe('hunter2');
  });

  it('masks log lines of a snapshot and counts', () => {
    const snap = emptySnapshot({ kind: 'kubectl', description: 't', collectedAt: '2025-03-14T10:45:00Z' });
    snap.logs.push({ namespace: 'ns', pod: 'p', container: 'c', previous: false, lines: ['ok', 'DATABASE_URL=postgres://u:p4ss@db/x'] });
    const { value, count } = redactSnapshot(snap);
    expect(value.logs[0]!.lines).toEqual(['ok', 'DATABASE_URL=postgres://u:[REDACTED:password]@db/x']);
    expect(count).toBe(1);
    expect(value.source).toEqual(snap.source);
  });
});
