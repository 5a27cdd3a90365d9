import type { TSchema } from '@sinclair/typebox';
import type { FastifySchema } from 'fastify';
import { validationFailure, validatorCompiler } from '../validation.js';

/**
 * Validates GraphQL arguments with the very TypeBox schema (and the same compiler: strict,
 * storable text only) the REST route uses for its body, so both refuse the same values with the
 * same `validation_failed` details. Returns the value with defaults applied.
 */
const cache = new WeakMap<TSchema, (data: unknown) => boolean>();

type Check = ((data: unknown) => boolean) & { errors?: Parameters<typeof validationFailure>[0] | null };

export function checked<T>(schema: TSchema, value: unknown, part: string): T {
  let check = cache.get(schema) as Check | undefined;
  if (!check) {
    check = validatorCompiler({ schema, httpPart: 'body', method: 'POST', url: '/graphql' } as unknown as { schema: FastifySchema; httpPart: string; method: string; url: string }) as Check;
    cache.set(schema, check);
  }
  const data = plain(value);
  if (!check(data)) throw validationFailure(check.errors ?? [], part);
  return data as T;
}

function plain(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  // Args from graphql-js have a null prototype; absent arguments are left out (null stays null: it means something, e.g. every namespace).
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined));
}
