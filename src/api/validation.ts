import { Ajv, type ErrorObject, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { SyntraError } from '../domain/errors.js';
import { findUnstorableText, withStorableNumbers } from './storable-input.js';

/**
 * Request validation. Bodies are validated strictly: unknown fields are rejected, not stripped,
 * and types are never coerced ("5" is not 5). Path, query and headers are strings on the wire,
 * so those parts coerce scalars (`?limit=10` → 10) but are otherwise just as strict. Every part
 * of every route also has to be storable (storable-input.ts): no NUL, no unpaired surrogate, no
 * number beyond PostgreSQL's range — a 400 naming the field, never a database error.
 */
const COMMON: Options = { allErrors: false, removeAdditional: false, useDefaults: true, strict: false };

function ajvWith(coerceTypes: boolean): Ajv {
  const ajv = new Ajv({ ...COMMON, coerceTypes });
  (addFormats as unknown as (a: Ajv) => Ajv)(ajv);
  return ajv;
}

const bodyAjv = ajvWith(false);
const stringPartsAjv = ajvWith(true);

type Validate = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) => {
  const validate = (httpPart === 'body' ? bodyAjv : stringPartsAjv).compile(withStorableNumbers(schema));
  const check: Validate = (data) => {
    if (!validate(data)) {
      check.errors = validate.errors ?? null;
      return false;
    }
    const bad = findUnstorableText(data);
    if (!bad) return true;
    check.errors = [{ instancePath: bad.instancePath, schemaPath: '#', keyword: 'storable', params: {}, message: bad.problem }];
    return false;
  };
  return check;
};

export interface FieldProblem {
  field: string;
  problem: string;
}

function fieldPath(part: string, e: ErrorObject): string {
  const pointer = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const base = pointer === '' ? part : `${part}.${pointer}`;
  if (e.keyword === 'required') return `${base}.${String(e.params.missingProperty)}`;
  if (e.keyword === 'additionalProperties') return `${base}.${String(e.params.additionalProperty)}`;
  return base;
}

function problemOf(e: ErrorObject): string {
  switch (e.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not a known field';
    case 'type':
      return `must be ${String(e.params.type)}`;
    case 'format':
      return `must be a valid ${String(e.params.format)}`;
    case 'enum':
      return `must be one of: ${(e.params.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'choices':
      return `must be one of: ${(e.params.allowed as string[]).join(', ')}`;
    default:
      return e.message ?? 'is invalid';
  }
}

/**
 * A union of literals (TypeBox's Union of Literal) fails as one `anyOf` error plus one `const`
 * error per branch ("must be equal to constant", a dozen times for the permissions): collapsed
 * into one error that lists the allowed values. A `null` (or other type) branch is listed by name.
 */
function collapseChoices(errors: readonly ErrorObject[]): ErrorObject[] {
  const branchesAt = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    if (e.keyword !== 'anyOf' && e.schemaPath.includes('/anyOf/')) branchesAt.set(e.instancePath, [...(branchesAt.get(e.instancePath) ?? []), e]);
  }
  const choices = (path: string): string[] | undefined => {
    const branches = branchesAt.get(path);
    if (!branches?.some((b) => b.keyword === 'const') || !branches.every((b) => b.keyword === 'const' || b.keyword === 'type')) return undefined;
    return [...new Set(branches.map((b) => (b.keyword === 'const' ? String(b.params.allowedValue) : String(b.params.type))))];
  };
  const out: ErrorObject[] = [];
  for (const e of errors) {
    const allowed = choices(e.instancePath);
    if (!allowed) out.push(e);
    else if (e.keyword === 'anyOf') out.push({ ...e, keyword: 'choices', params: { allowed } });
  }
  return out;
}

/** Ajv errors → validation_failed, with a message that names the offending field. */
export function validationFailure(errors: readonly ErrorObject[], part: string): SyntraError {
  const problems: FieldProblem[] = collapseChoices(errors).map((e) => ({ field: fieldPath(part, e), problem: problemOf(e) }));
  const message = problems.map((p) => `${p.field} ${p.problem}`).join('; ') || `${part} is invalid`;
  return new SyntraError('validation_failed', message, { details: { fields: problems } });
}
