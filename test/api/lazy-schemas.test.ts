import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { lazySchemas } from '../../src/api/lazy-schemas.js';
import { validatorCompiler } from '../../src/api/validation.js';

/** Route schemas compile on first use (start-up skips ~150 routes' code generation), and behave exactly as compiled ones. */
const route = { method: 'POST', url: '/x' };
const Body = Type.Object({ name: Type.String({ minLength: 1 }) }, { additionalProperties: false });

describe('lazily compiled route schemas', () => {
  it('a validator compiles on its first call and reports the errors Fastify reads from it', () => {
    let compiled = 0;
    const schemas = lazySchemas((r) => (compiled++, validatorCompiler(r)));
    const check = schemas.validatorCompiler({ ...route, schema: Body, httpPart: 'body' });
    expect(compiled).toBe(0);
    expect(check({ name: 'a' })).toBe(true);
    expect(check.errors).toBeNull();
    expect(check({ name: 'a', extra: 1 })).toBe(false);
    expect(check.errors?.[0]).toMatchObject({ keyword: 'additionalProperties' });
    expect(compiled).toBe(1);
    expect(schemas.compileAll()).toBe(0);
  });

  it('a serializer compiles on its first call and serializes by its schema', () => {
    const schemas = lazySchemas(validatorCompiler);
    const serialize = schemas.buildSerializer({}, {})({ ...route, httpStatus: '200', schema: Body });
    expect(serialize({ name: 'a', secret: 'dropped' })).toBe('{"name":"a"}');
  });

  it('compileAll compiles what is pending, so a schema that cannot compile fails there', () => {
    const schemas = lazySchemas(validatorCompiler);
    schemas.validatorCompiler({ ...route, schema: Body, httpPart: 'body' });
    schemas.buildSerializer({}, {})({ ...route, httpStatus: '200', schema: Body });
    expect(schemas.compileAll()).toBe(2);
    expect(schemas.compileAll()).toBe(0);
    const broken = lazySchemas(validatorCompiler);
    broken.validatorCompiler({ ...route, schema: { type: 'object', properties: { a: { $ref: '#/nowhere' } } }, httpPart: 'body' });
    expect(() => broken.compileAll()).toThrow(/nowhere/);
  });
});
