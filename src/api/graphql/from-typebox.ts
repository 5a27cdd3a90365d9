import {
  GraphQLBoolean,
  GraphQLFloat,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  GraphQLString,
  Kind,
  valueFromASTUntyped,
  type GraphQLFieldConfigArgumentMap,
  type GraphQLInputType,
  type GraphQLOutputType,
} from './graphql-js.js';
import type { TSchema } from '@sinclair/typebox';

/**
 * GraphQL types derived from the TypeBox schemas the REST routes already validate and document
 * with: one source of truth, no second hand-written copy of each type. Objects with declared
 * properties become object (or input object) types named after the place they occur; open
 * objects, records and mixed unions become the JSON scalar; `X | null` is a nullable X; strings
 * in date-time format are the DateTime scalar (Dates serialise as ISO 8601, like the REST
 * serialiser). Unions of string literals stay String: the same TypeBox schema validates every
 * input afterwards (validate.ts), so GraphQL and REST refuse the same values with the same codes.
 */
interface Json {
  type?: string | string[];
  format?: string;
  description?: string;
  properties?: Record<string, Json>;
  required?: string[];
  items?: Json;
  anyOf?: Json[];
  allOf?: Json[];
  const?: unknown;
}

export const JsonScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value (open objects in the REST schema)',
  serialize: (v) => v,
  parseValue: (v) => v,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
});

const toIso = (v: unknown): string => {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'string') return v;
  throw new TypeError('DateTime must be a Date or an ISO 8601 string');
};

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'ISO 8601 timestamp',
  serialize: toIso,
  parseValue: toIso,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new TypeError('DateTime must be a string');
    return ast.value;
  },
});

const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;
const pascal = (s: string): string => s.replace(/(^|[^A-Za-z0-9])([A-Za-z0-9])/g, (_m, _sep, c: string) => c.toUpperCase());

/** The schema without its null alternative, and whether null was one. */
function splitNull(s: Json): { inner: Json; nullable: boolean } {
  if (Array.isArray(s.type)) {
    const types = s.type.filter((t) => t !== 'null');
    const nullable = types.length !== s.type.length;
    return { inner: { ...s, type: types.length === 1 ? types[0]! : types }, nullable };
  }
  if (s.anyOf) {
    const rest = s.anyOf.filter((m) => m.type !== 'null');
    const nullable = rest.length !== s.anyOf.length;
    if (!nullable) return { inner: s, nullable: false };
    return { inner: rest.length === 1 ? rest[0]! : { ...s, anyOf: rest }, nullable: true };
  }
  return { inner: s, nullable: false };
}

/** allOf of objects (Type.Intersect) as one object. */
function merged(s: Json): Json {
  if (!s.allOf || !s.allOf.every((m) => m.type === 'object')) return s;
  return {
    type: 'object',
    ...(s.description ? { description: s.description } : {}),
    properties: Object.assign({}, ...s.allOf.map((m) => m.properties ?? {})) as Record<string, Json>,
    required: s.allOf.flatMap((m) => m.required ?? []),
  };
}

type Mode = 'output' | 'input';

/** One registry per schema: a name denotes one type, reused wherever the same place recurs. */
export class TypeBoxTypes {
  private readonly outputs = new Map<string, GraphQLObjectType>();
  private readonly inputs = new Map<string, GraphQLInputObjectType>();

  output(schema: TSchema, name: string): GraphQLOutputType {
    return this.convert(schema as Json, name, 'output') as GraphQLOutputType;
  }

  input(schema: TSchema, name: string): GraphQLInputType {
    return this.convert(schema as Json, name, 'input') as GraphQLInputType;
  }

  /** The properties of an object schema as field arguments (for queries with several filters). */
  args(schema: TSchema, name: string): GraphQLFieldConfigArgumentMap {
    const s = schema as Json;
    const required = new Set(s.required ?? []);
    return Object.fromEntries(
      Object.entries(s.properties ?? {})
        .filter(([key]) => NAME.test(key))
        .map(([key, prop]) => [key, { type: this.field(prop, `${name}${pascal(key)}`, required.has(key), 'input') as GraphQLInputType, description: prop.description }]),
    );
  }

  private field(s: Json, name: string, required: boolean, mode: Mode): GraphQLOutputType | GraphQLInputType {
    const { inner, nullable } = splitNull(s);
    const t = this.base(merged(inner), name, mode) as GraphQLObjectType;
    // Type.Unknown() (no type at all) accepts null too.
    const untyped = inner.type === undefined && !inner.anyOf && !inner.allOf && inner.const === undefined && !inner.properties;
    return required && !nullable && !untyped ? new GraphQLNonNull(t) : t;
  }

  private convert(s: Json, name: string, mode: Mode): GraphQLOutputType | GraphQLInputType {
    return this.field(s, name, true, mode);
  }

  private base(s: Json, name: string, mode: Mode): GraphQLScalarType | GraphQLObjectType | GraphQLInputObjectType | GraphQLList<never> {
    if (s.anyOf) {
      const allStrings = s.anyOf.every((m) => typeof m.const === 'string' || m.type === 'string');
      return allStrings ? GraphQLString : JsonScalar;
    }
    if (s.const !== undefined) return typeof s.const === 'string' ? GraphQLString : typeof s.const === 'number' ? GraphQLFloat : typeof s.const === 'boolean' ? GraphQLBoolean : JsonScalar;
    switch (s.type) {
      case 'string':
        return s.format === 'date-time' ? DateTimeScalar : GraphQLString;
      case 'integer':
        return GraphQLInt;
      case 'number':
        return GraphQLFloat;
      case 'boolean':
        return GraphQLBoolean;
      case 'array': {
        const item = s.items ? this.field(s.items, `${name}Item`, true, mode) : JsonScalar;
        return new GraphQLList(item) as GraphQLList<never>;
      }
      case 'object':
        return this.object(s, name, mode);
      default:
        return JsonScalar;
    }
  }

  private object(s: Json, name: string, mode: Mode): GraphQLObjectType | GraphQLInputObjectType | GraphQLScalarType {
    const entries = Object.entries(s.properties ?? {}).filter(([key]) => NAME.test(key));
    if (entries.length === 0) return JsonScalar;
    const required = new Set(s.required ?? []);
    if (mode === 'output') {
      const known = this.outputs.get(name);
      if (known) return known;
      const t = new GraphQLObjectType({
        name,
        ...(s.description ? { description: s.description } : {}),
        fields: () =>
          Object.fromEntries(entries.map(([key, prop]) => [key, { type: this.field(prop, `${name}${pascal(key)}`, required.has(key), 'output') as GraphQLOutputType, description: prop.description }])),
      });
      this.outputs.set(name, t);
      return t;
    }
    const inputName = name.endsWith('Input') ? name : `${name}Input`;
    const known = this.inputs.get(inputName);
    if (known) return known;
    const t = new GraphQLInputObjectType({
      name: inputName,
      ...(s.description ? { description: s.description } : {}),
      fields: () =>
        Object.fromEntries(entries.map(([key, prop]) => [key, { type: this.field(prop, `${inputName}${pascal(key)}`, required.has(key), 'input') as GraphQLInputType, description: prop.description }])),
    });
    this.inputs.set(inputName, t);
    return t;
  }
}
