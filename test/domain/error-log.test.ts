import { describe, expect, it } from 'vitest';
import { errorForLog, withoutQuotedValues } from '../../src/domain/error-log.js';
import { SyntraError } from '../../src/domain/errors.js';

describe('errorForLog', () => {
  it.each([
    ['invalid input syntax for type uuid: "hunter2"', 'invalid input syntax for type uuid: "[value omitted]"'],
    ['invalid input value for enum key_type: "sk_admin_x"', 'invalid input value for enum key_type: "[value omitted]"'],
    ['value "99999999999" is out of range for type integer', 'value "[value omitted]" is out of range for type integer'],
    ['new row for relation "users" violates check constraint "users_email_check"', 'new row for relation "users" violates check constraint "users_email_check"'],
    ['duplicate key value violates unique constraint "users_email_key"', 'duplicate key value violates unique constraint "users_email_key"'],
    ['column "foo" of relation "bar" does not exist', 'column "foo" of relation "bar" does not exist'],
  ])('database message %s', (message, expected) => expect(withoutQuotedValues(message)).toBe(expected));

  it('keeps type, SQLSTATE, names and frames; drops parameters, query, detail and where', () => {
    const e = Object.assign(new Error('new row for relation "users" violates check constraint "c"'), {
      name: 'error', severity: 'ERROR', code: '23514', table: 'users', constraint: 'c',
      detail: 'Failing row contains (1, a@b.c, $argon2id$v=19$…)', where: 'SQL statement "INSERT …"', query: 'INSERT INTO users …', params: ['a@b.c', '$argon2id$v=19$…'],
    });
    const logged = errorForLog(e);
    expect(logged).toMatchObject({ type: 'error', code: '23514', severity: 'ERROR', table: 'users', constraint: 'c' });
    expect(Object.keys(logged).sort()).toEqual(['code', 'constraint', 'message', 'severity', 'stack', 'table', 'type']);
    expect(logged.stack).toMatch(/^\s+at /);
    expect(JSON.stringify(logged)).not.toContain('argon2id');
  });

  it('masks secrets in messages of any error and follows the cause', () => {
    const cause = Object.assign(new Error('invalid input syntax for type json: "password=x"'), { code: '22P02', severity: 'ERROR', params: ['password=x'] });
    const e = new SyntraError('internal', 'upstream said token ghp_R8tP4mN6bW3cJ1HxY2eKz9QvR8tP4mN6bW3c', { cause });
    const logged = errorForLog(e);
    expect(logged.message).toBe('upstream said token [REDACTED:github_token]');
    expect(logged.code).toBe('internal');
    expect(logged.cause).toMatchObject({ message: 'invalid input syntax for type json: "[value omitted]"', code: '22P02' });
    expect(JSON.stringify(logged)).not.toContain('password=x');
  });
});
