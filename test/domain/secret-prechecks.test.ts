import { describe, expect, it } from 'vitest';
import { redactDeep, redactText } from '../../src/domain/secrets/index.js';

/**
 * The cheap tests that let most strings skip the masking rules (src/domain/secrets/redact-text.ts,
 * rulesFor; redact-deep.ts) skip only what no rule could mask: on each edge, what must still be
 * masked, and what stays as it is.
 */
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const DIGEST = '058561f50302a8b75305f5e47352b689175d1cd023b8348f8bb0a5d229a37aaf';

describe('strings whose only mark is a run of base64 characters', () => {
  it.each([
    [`containerd://${DIGEST}`],
    [`registry.example.com/payment-worker@sha256:${DIGEST}`],
    [`docker-pullable://nginx@sha256:${DIGEST}`],
  ])('a container id or image digest (lower-case hex) is left alone: %s', (s) => {
    expect(redactText(s)).toEqual({ text: s, count: 0 });
    expect(redactDeep({ containerID: s, imageID: s })).toEqual({ value: { containerID: s, imageID: s }, count: 0 });
  });

  it('a bare AWS secret key is masked with no other mark on the string, separators or not', () => {
    expect(redactText(`${AWS_SECRET}`)).toEqual({ text: '[REDACTED:aws_secret_key]', count: 1 });
    expect(redactText(`restored ${AWS_SECRET} from backup`)).toEqual({ text: 'restored [REDACTED:aws_secret_key] from backup', count: 1 });
    expect(redactDeep({ note: `x,${AWS_SECRET},y` })).toEqual({ value: { note: 'x,[REDACTED:aws_secret_key],y' }, count: 1 });
  });

  it('with a program word and no separator, the password flag rules still run beside the AWS one', () => {
    expect(redactText(`mysql,-phunter2,${AWS_SECRET}`)).toEqual({ text: 'mysql,-p[REDACTED:password],[REDACTED:aws_secret_key]', count: 2 });
    expect(redactText(`sshpass,-phunter2,${AWS_SECRET}`)).toEqual({ text: 'sshpass,-p[REDACTED:password],[REDACTED:aws_secret_key]', count: 2 });
  });
});

describe('args joined by commas, as kubectl prints a list in custom columns and jsonpath', () => {
  it.each([
    ['mysql,-u,root,-phunter2', 'mysql,-u,root,-p[REDACTED:password]'],
    ['mysqladmin,ping,-phunter2', 'mysqladmin,ping,-p[REDACTED:password]'],
    ['["mysql","-u","root","-phunter2"]', '["mysql","-u","root","-p[REDACTED:password]"]'],
  ])('the password flag is masked: %s', (s, masked) => {
    expect(redactText(s)).toEqual({ text: masked, count: 1 });
  });

  it('a comma-joined list without a secret word stays as it is', () => {
    expect(redactText('nginx,-g,daemon off;')).toEqual({ text: 'nginx,-g,daemon off;', count: 0 });
    expect(redactText('app=web,tier=frontend')).toEqual({ text: 'app=web,tier=frontend', count: 0 });
  });
});

describe('token prefixes are read with their case, as the token rules read them', () => {
  it('masks a JWT, and leaves alone a string that only looks like one in another case', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVPmB92K27uhbUJU1p1r';
    expect(redactText(`session ${jwt}`)).toEqual({ text: 'session [REDACTED:jwt]', count: 1 });
    const upper = `EYJ${jwt.slice(3)}`;
    expect(redactText(upper)).toEqual({ text: upper, count: 0 });
  });

  it('masks URL credentials whatever the scheme case', () => {
    expect(redactText('REDIS://:Xk9#mP2vLq7w@redis:6379/0').text).toBe('REDIS://:[REDACTED:password]@redis:6379/0');
  });
});

describe('objects', () => {
  it('reads JSON inside a string that starts blank; a start JSON does not take as blank goes to the text rules; only a three-letter `key` in any case is a key name', () => {
    expect(redactDeep({ a: '  {"password":"hunter2"}' })).toEqual({ value: { a: '{"password":"[REDACTED:password]"}' }, count: 1 });
    expect(redactDeep({ a: '\u00a0{"password":"hunter2"}' })).toEqual({ value: { a: '\u00a0{"password":"[REDACTED:password]"}' }, count: 1 });
    expect(redactDeep({ KEY: 'name-of-a-key', Key: 'another-name', signingKey: 'hunter22' })).toEqual({
      value: { KEY: 'name-of-a-key', Key: 'another-name', signingKey: '[REDACTED:key]' },
      count: 1,
    });
  });

  it('copies only what holds a mask: untouched objects and arrays are the same objects', () => {
    const untouched = { image: 'nginx:1.25', args: ['--port', '8080'], ports: [{ containerPort: 80 }] };
    const input = { spec: untouched, env: [{ name: 'DB_PASSWORD', value: 'hunter2' }], created: new Date(0) };
    const out = redactDeep(input).value;
    expect(out.spec).toBe(untouched);
    expect(out.created).toBe(input.created);
    expect(out.env).not.toBe(input.env);
    expect(out.env[0]).toEqual({ name: 'DB_PASSWORD', value: '[REDACTED:password]' });
    expect(input.env[0]!.value).toBe('hunter2');
  });

  it('masks the word after a secret flag, and a separate password flag only for its own program', () => {
    expect(redactDeep(['app', '--db-password', 'hunter2', '--port', '8080']).value).toEqual(['app', '--db-password', '[REDACTED:password]', '--port', '8080']);
    expect(redactDeep(['redis-cli', '-h', 'redis', '-a', 'hunter2']).value).toEqual(['redis-cli', '-h', 'redis', '-a', '[REDACTED:password]']);
    expect(redactDeep(['tar', '-a', 'archive.tgz']).value).toEqual(['tar', '-a', 'archive.tgz']);
  });
});
