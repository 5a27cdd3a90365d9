import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { validationFailure, validatorCompiler } from '../../src/api/validation.js';

/** A union of literals fails with ONE message naming the allowed values, not one "must be equal to constant" per value. */
function failure(schema: object, data: unknown) {
  const check = validatorCompiler({ schema, httpPart: 'body', method: 'POST', url: '/x' }) as ((d: unknown) => boolean) & { errors?: never[] | null };
  expect(check(data)).toBe(false);
  return validationFailure(check.errors ?? [], 'body');
}

const Permission = Type.Union(['runs:read', 'runs:write', 'keys:manage'].map((p) => Type.Literal(p)));

describe('enum errors', () => {
  it('an unknown value in a list of literals: one problem listing the allowed values', () => {
    const e = failure(Type.Object({ permissions: Type.Array(Permission) }), { permissions: ['runs:read', 'foo:bar'] });
    expect(e.message).toBe('body.permissions.1 must be one of: runs:read, runs:write, keys:manage');
    expect(e.message).not.toContain('constant');
    expect((e.details as { fields: unknown[] }).fields).toHaveLength(1);
  });

  it('a nullable choice names null too; enum keywords read the same way', () => {
    const nullable = failure(Type.Object({ status: Type.Union([Type.Literal('active'), Type.Literal('suspended'), Type.Null()]) }), { status: 'gone' });
    expect(nullable.message).toBe('body.status must be one of: active, suspended, null');
    const e = failure({ type: 'object', properties: { color: { type: 'string', enum: ['auto', 'always', 'never'] } } }, { color: 'pink' });
    expect(e.message).toBe('body.color must be one of: auto, always, never');
  });

  it('a union of objects keeps its own errors', () => {
    const e = failure(Type.Object({ a: Type.Union([Type.Object({ x: Type.String() }), Type.Object({ y: Type.Number() })]) }), { a: 5 });
    expect(e.message).not.toContain('must be one of');
  });
});
