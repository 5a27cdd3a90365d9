import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { SyntraError } from '../../domain/errors.js';

/**
 * Input → typed value or `validation_failed` naming each offending field. Module functions
 * validate themselves (the CLI and tests call them directly, not only the API).
 */
const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();

export function parseInput<S extends TSchema>(schema: S, value: unknown, what: string): Static<S> {
  let check = compiled.get(schema) as TypeCheck<S> | undefined;
  if (!check) {
    check = TypeCompiler.Compile(schema);
    compiled.set(schema, check);
  }
  if (check.Check(value)) return value;
  const fields = [...check.Errors(value)].slice(0, 10).map((e) => ({ field: e.path || '/', problem: e.message }));
  const message = `invalid ${what}: ${fields.map((f) => `${f.field} ${f.problem}`).join('; ')}`;
  throw new SyntraError('validation_failed', message, { details: { fields } });
}

/** A semantic (not structural) problem in otherwise well-formed input. */
export function invalid(message: string, field?: string): SyntraError {
  return new SyntraError('validation_failed', message, field ? { details: { fields: [{ field, problem: message }] } } : {});
}
