import { describe, expect, it } from 'vitest';
import { redactDeep, redactLines, redactText } from '../../src/domain/secrets/index.js';

/**
 * Real secret formats, as their vendors document them (token prefixes and lengths), in the
 * places they turn up: log lines, headers, URLs, env dumps, container args. Each case names the
 * secret part that must be gone from the output; nothing of it may survive (no prefix, no tail).
 */
const b62 = (n: number, seed = 7): string => {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (let i = 0; i < n; i++) s += abc[(i * seed + 11) % abc.length];
  return s;
};
const hex = (n: number): string => Array.from({ length: n }, (_, i) => '0123456789abcdef'[(i * 7 + 3) % 16]).join('');

const SYNTRA_ADMIN_KEY = `sk_admin_${b62(43)}`;
const SYNTRA_WORKER_KEY = `sk_worker_${b62(43)}`;
const GITHUB_PAT_CLASSIC = `ghp_${b62(36)}`;
const GITHUB_PAT_FINE = `github_pat_${b62(22)}_${b62(59, 5)}`;
const GITHUB_OAUTH = `gho_${b62(36, 3)}`;
const GITLAB_PAT = `glpat-${b62(20)}`;
const GITLAB_DEPLOY = `gldt-${b62(20, 3)}`;
const GITLAB_RUNNER = `glrt-${b62(20, 5)}`;
const SLACK_BOT = `xoxb-1234567890-1234567890123-${b62(24)}`;
const SLACK_APP = `xapp-1-A0123456789-1234567890123-${hex(64)}`;
const SLACK_WEBHOOK = `https://hooks.slack.com/services/T0A1B2C3D/B4E5F6G7H/${b62(24, 3)}`;
const STRIPE_SECRET = `sk_live_51${b62(96)}`;
const STRIPE_RESTRICTED = `rk_live_51${b62(96, 3)}`;
const STRIPE_WEBHOOK = `whsec_${b62(32)}`;
const SENDGRID = `SG.${b62(22)}.${b62(43, 3)}`;
const TWILIO_API_KEY = `SK${hex(32)}`;
const AWS_ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const AWS_SESSION_KEY = 'ASIAY34FZKBOKMUTVV7A';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const AMZ_SIGNATURE = hex(64);
const NPM = `npm_${b62(36)}`;
const OPENAI = `sk-proj-${b62(48)}`;
const ANTHROPIC = `sk-ant-api03-${b62(93)}-${b62(6)}AA`;
const GOOGLE = `AIza${b62(35)}`;
const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const REFRESH = `rt_${b62(43)}`;
const AZURE_ACCOUNT_KEY = `${b62(86)}==`;

const secrets: Array<[what: string, line: string, secret: string]> = [
  ['Syntra admin key', `X-API-Key: ${SYNTRA_ADMIN_KEY}`, SYNTRA_ADMIN_KEY],
  ['Syntra admin key, bare', `using ${SYNTRA_ADMIN_KEY} for the CLI`, SYNTRA_ADMIN_KEY],
  ['Syntra worker key, bare', `remote pool started with ${SYNTRA_WORKER_KEY}`, SYNTRA_WORKER_KEY],
  ['Syntra refresh token', `refresh ${REFRESH} rotated`, REFRESH],
  ['GitHub classic PAT', `cloning with ${GITHUB_PAT_CLASSIC}`, GITHUB_PAT_CLASSIC],
  ['GitHub fine-grained PAT', `GH=${GITHUB_PAT_FINE}`, GITHUB_PAT_FINE],
  ['GitHub OAuth token', `Authorization: token ${GITHUB_OAUTH}`, GITHUB_OAUTH],
  ['GitLab PAT', `git push https://oauth2:${GITLAB_PAT}@gitlab.example.com/g/p.git`, GITLAB_PAT],
  ['GitLab PAT, bare', `token is ${GITLAB_PAT} (expires soon)`, GITLAB_PAT],
  ['GitLab deploy token', `deploy ${GITLAB_DEPLOY}`, GITLAB_DEPLOY],
  ['GitLab runner token', `runner registered with ${GITLAB_RUNNER}`, GITLAB_RUNNER],
  ['Slack bot token', `slack client ${SLACK_BOT}`, SLACK_BOT],
  ['Slack app token', `socket mode ${SLACK_APP}`, SLACK_APP],
  ['Slack webhook URL', `posting alert to ${SLACK_WEBHOOK}`, SLACK_WEBHOOK.split('/').pop()!],
  ['Stripe secret key', `stripe ${STRIPE_SECRET}`, STRIPE_SECRET],
  ['Stripe restricted key', `STRIPE_KEY=${STRIPE_RESTRICTED}`, STRIPE_RESTRICTED],
  ['Stripe webhook secret', `verifying with ${STRIPE_WEBHOOK}`, STRIPE_WEBHOOK],
  ['SendGrid API key', `mailer: ${SENDGRID}`, SENDGRID],
  ['Twilio API key SID', `twilio key ${TWILIO_API_KEY}`, TWILIO_API_KEY],
  ['AWS access key id', `aws ${AWS_ACCESS_KEY}`, AWS_ACCESS_KEY],
  ['AWS session key id', `sts ${AWS_SESSION_KEY}`, AWS_SESSION_KEY],
  ['AWS secret key, bare', `loaded credentials ${AWS_ACCESS_KEY} ${AWS_SECRET}`, AWS_SECRET],
  ['AWS secret key, env', `AWS_SECRET_ACCESS_KEY=${AWS_SECRET}`, AWS_SECRET],
  ['X-Amz-Signature', `GET https://bucket.s3.amazonaws.com/o?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=${AMZ_SIGNATURE}`, AMZ_SIGNATURE],
  ['npm token', `//registry.npmjs.org/:_authToken=${NPM}`, NPM],
  ['npm token, bare', `publishing with ${NPM}`, NPM],
  ['OpenAI key', `openai ${OPENAI}`, OPENAI],
  ['Anthropic key', `anthropic ${ANTHROPIC}`, ANTHROPIC],
  ['Google API key', `maps key ${GOOGLE}`, GOOGLE],
  ['JWT', `session ${JWT}`, JWT],
  ['Azure AccountKey', `DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=${AZURE_ACCOUNT_KEY};EndpointSuffix=core.windows.net`, AZURE_ACCOUNT_KEY],
  ['Cookie', 'Cookie: syntra_session=Zk9xQ2s4bTE; theme=dark', 'Zk9xQ2s4bTE'],
  ['Set-Cookie', 'Set-Cookie: syntra_refresh=rt_abcdefgh12345678; Path=/v1/auth; HttpOnly; Secure', 'rt_abcdefgh12345678'],
  ['key=', 'cache signing key=0c8f2b7a91d4e6f3 loaded', '0c8f2b7a91d4e6f3'],
  ['signing_key=', 'signing_key=5f2b9e71c4a8d036', '5f2b9e71c4a8d036'],
  ['passphrase=', 'passphrase=Tr0ub4dor&3', 'Tr0ub4dor'],
  ['DB_PASS=', 'DB_PASS=s3cr3t-pw', 's3cr3t-pw'],
  ['MYSQL_PASS=', 'MYSQL_PASS=hunter2', 'hunter2'],
  ['ADMIN_PWD=', 'ADMIN_PWD=letmein99', 'letmein99'],
  ['BASIC_AUTH=', 'BASIC_AUTH=admin:hunter2', 'hunter2'],
  ['password after a space', 'login failed: password hunter2 rejected', 'hunter2'],
  ['token after a space', 'using token 9f8e7d6c5b4a39281706 for upstream', '9f8e7d6c5b4a39281706'],
  ['quoted multi-word password', 'password="correct horse battery staple"', 'horse battery staple'],
  ['single-quoted multi-word password', "password: 'correct horse battery staple'", 'horse battery staple'],
  ['escaped JSON in a log line', String.raw`{\"user\":\"svc\",\"password\":\"hunter2\"}`, 'hunter2'],
  ['@ in a URL password', 'DATABASE_URL=postgres://app:p@ss@w0rd@db:5432/app', 'ss@w0rd'],
  ['@ in a URL password, bare', 'connecting to mysql://root:Pa@@word!@mysql:3306/shop', 'word!'],
  ['--password value', 'exec /app/server --password hunter2 --port 8080', 'hunter2'],
  ['--password=value', 'args: --db-password=hunter2', 'hunter2'],
  ['mysql -p', 'command: mysql -h db -uroot -phunter2 shop', 'hunter2'],
  ['redis-cli -a', 'redis-cli -h cache -a Sup3rS3cret ping', 'Sup3rS3cret'],
  ['PEM on one line', '-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEA7\\n-----END RSA PRIVATE KEY-----', 'MIIEowIBAAKCAQEA7'],
  ['Bearer', 'Authorization: Bearer abcdef0123456789', 'abcdef0123456789'],
  ['client_secret JSON', '{"client_id":"app","client_secret":"0a1b2c3d4e5f60718293"}', '0a1b2c3d4e5f60718293'],
];

describe('real secret formats are masked, nothing of them kept', () => {
  it.each(secrets)('%s', (_what, line, secret) => {
    const r = redactText(line);
    expect(r.text).not.toContain(secret);
    expect(r.text).toContain('[REDACTED:');
    expect(r.count).toBeGreaterThan(0);
  });
});

// Evidence that looks a little like a secret but is not one: it must reach the analyzers intact.
const notSecrets = [
  'password reset email sent to user 42',
  'Password changed successfully for user alice',
  'password authentication failed for user "app"',
  'token bucket refilled: 10 tokens available',
  'rate limiter: token bucket capacity=100 refill=10/s',
  'token expired, refreshing',
  'Authorization header missing',
  'replicas=3 log_level=info timeout=30s max_connections=100 key_count=5',
  'llm usage prompt_tokens=900 completion_tokens=120 max_tokens=4096',
  'request_id=3f2b9c1e-8d4a-4b6f-9e2d-1a7c5b3e9f01 user=7c9e6679-7425-40de-944b-e07fc1f90ae7',
  'trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7',
  `Pulling image "registry.example.com/auth@sha256:${hex(64)}"`,
  'Successfully pulled image "ghcr.io/acme/auth:4f2a9c1e7b3d5a8f0e6c2b9d1a7e3f5c8b0d2e4a"',
  'deployed commit 4f2a9c1e7b3d5a8f0e6c2b9d1a7e3f5c8b0d2e4a',
  'Error: secret "smtp-credentials" not found',
  'MountVolume.SetUp failed for volume "certs" : secret "tls-cert" not found',
  "DB_PASSWORD:  <set to the key 'password' in secret 'db-credentials'>  Optional: false",
  'AUTH_SERVICE_PORT=tcp://10.96.0.12:8080 AUTH_SERVICE_HOST=10.96.0.12',
  'secretName=tls-cert tokenFile=/var/run/token keyFile=/etc/tls/tls.key',
  'password: ${DB_PASSWORD}',
  'token: <none>',
  'primary_key=id sort_key=created_at public_key_path=/etc/keys/pub.pem',
  'keycloak_realm=master monkey=banana',
  '                - key: node-role.kubernetes.io/worker',
  "MountVolume.SetUp failed for volume 'secret-volume' : secret 'compcrdwebhook-secret' not found",
  'find / -perm -4000 -print',
  'docker run -p8080:80 nginx',
  'ssh -p2222 deploy@bastion',
  'postgres://app@db:5432/app',
  'git@github.com:acme/auth.git',
  'Connection refused: postgres.production.svc.cluster.local:5432',
  'Back-off restarting failed container auth-service in pod auth-service-7d9f8b6c5d-x2k4p_production(98f8f127)',
  'http://127.0.0.1:8080/healthz',
  'mounted /var/lib/kubelet/pods/98f8f127-4e4b-4c5a-9d0e-3b1a2c4d5e6f/volumes/kubernetes.io~secret/tls',
];

describe('common non-secrets are left alone', () => {
  it.each(notSecrets)('%s', (line) => expect(redactText(line)).toEqual({ text: line, count: 0 }));
});

describe('line by line, with memory across lines', () => {
  it('masks a PEM key split across log lines, and only it', () => {
    const lines = [
      '2025-03-14T10:45:00Z loading key',
      '-----BEGIN OPENSSH PRIVATE KEY-----',
      'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
      'QyNTUxOQAAACDxEvq1lS1k1u2hs8W2D3yKlS9R0mBOqGJxQyaQ0ghP6gAAAJgRjX1mEY19',
      '-----END OPENSSH PRIVATE KEY-----',
      '2025-03-14T10:45:01Z listening on :8443',
    ];
    const r = redactLines(lines);
    expect(r.lines[0]).toBe(lines[0]);
    expect(r.lines[5]).toBe(lines[5]);
    expect(r.lines.join('\n')).not.toMatch(/b3BlbnNz|QyNTUxOQ|END OPENSSH/);
    expect(r.count).toBe(1);
  });

  it('stops masking when a truncated PEM block gives way to ordinary log lines', () => {
    const r = redactLines(['-----BEGIN EC PRIVATE KEY-----', 'MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5xhmMtMNdZ5eRoAoGCCqGSM49', 'panic: runtime error: index out of range [3] with length 3']);
    expect(r.lines[1]).not.toContain('MHcCAQEE');
    expect(r.lines[2]).toBe('panic: runtime error: index out of range [3] with length 3');
  });

  it('masks the value on the line after a lone secret flag (kubectl describe prints args one per line)', () => {
    const r = redactLines(['    Args:', '      --db-host', '      db', '      --db-password', '      hunter2', '      --verbose']);
    expect(r.lines).toEqual(['    Args:', '      --db-host', '      db', '      --db-password', '      [REDACTED:password]', '      --verbose']);
  });

  it('masks mysql -p in describe output where the program is a few lines up', () => {
    const r = redactLines(['    Command:', '      mysql', '      -uroot', '      -phunter2', '      shop']);
    expect(r.lines.join('\n')).not.toContain('hunter2');
    expect(r.lines[2]).toBe('      -uroot');
  });

  it('redactText splits multi-line text and applies the same memory', () => {
    const text = 'key follows\n-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\ndone';
    const r = redactText(text);
    expect(r.text.split('\n')[0]).toBe('key follows');
    expect(r.text).not.toContain('MIIEvQIBADANBgkq');
    expect(r.text.endsWith('\ndone')).toBe(true);
  });
});

describe('objects: env names, container args, secret properties', () => {
  it('masks env values by name, including MYSQL_PASS, ADMIN_PWD and BASIC_AUTH; keeps service links', () => {
    const env = [
      { name: 'MYSQL_PASS', value: 'hunter2' },
      { name: 'ADMIN_PWD', value: 'letmein' },
      { name: 'BASIC_AUTH', value: 'admin:admin' },
      { name: 'SIGNING_KEY', value: 'abc' },
      { name: 'AUTH_SERVICE_HOST', value: '10.96.0.12' },
      { name: 'PUBLIC_KEY_PATH', value: '/etc/keys/pub.pem' },
      { name: 'LOG_LEVEL', value: 'info' },
    ];
    expect(redactDeep(env).value.map((e) => e.value)).toEqual([
      '[REDACTED:password]', '[REDACTED:password]', '[REDACTED:secret]', '[REDACTED:key]', '10.96.0.12', '/etc/keys/pub.pem', 'info',
    ]);
  });

  it('masks container args after a secret flag, and mysql -p, keeping the rest', () => {
    const c = { command: ['mysql', '-h', 'db', '-uroot', '-phunter2'], args: ['--password', 'hunter2', '--token=abc123def', '--port', '8080'] };
    const { value } = redactDeep(c);
    expect(value.command).toEqual(['mysql', '-h', 'db', '-uroot', '-p[REDACTED:password]']);
    expect(value.args).toEqual(['--password', '[REDACTED:password]', '--token=[REDACTED:token]', '--port', '8080']);
  });

  it('keeps a secretKeyRef (names of secrets and keys are evidence)', () => {
    const ref = { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } };
    expect(redactDeep(ref)).toEqual({ value: ref, count: 0 });
  });

  it('masks probe headers carrying credentials', () => {
    const probe = { httpGet: { path: '/healthz', httpHeaders: [{ name: 'Authorization', value: 'Basic YWRtaW46aHVudGVyMg==' }] } };
    expect(JSON.stringify(redactDeep(probe).value)).not.toContain('YWRtaW46');
  });
});
