import fc from 'fast-check';
import type { InjectOptions } from 'fastify';

/** What `app.inject` accepts as a method. */
type HTTPMethods = NonNullable<InjectOptions['method']>;

/**
 * Requests generated from an OpenAPI 3 document, for property-based fuzzing of the API: mostly
 * valid values (so they pass the outer checks and reach the database), with hostile values
 * nested anywhere — NUL characters, unpaired UTF-16 surrogates, integers beyond PostgreSQL's
 * ranges, `1e400`, wrong types, strings at and just past their declared maximum length.
 */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
  $ref?: string;
}

export interface Operation {
  method: HTTPMethods;
  path: string;
  parameters: Array<{ in: 'path' | 'query' | 'header'; name: string; required?: boolean; schema: JsonSchema }>;
  body: JsonSchema | undefined;
}

export interface FuzzRequest {
  method: HTTPMethods;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

export interface FuzzOptions {
  /** Known ids offered for path parameters of that name, besides random and hostile ones. */
  ids?: Record<string, readonly string[]>;
  /** Fixed arbitraries for named fields (e.g. a long-poll wait that would only make the run slow). */
  fields?: Record<string, fc.Arbitrary<unknown>>;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: Operation['parameters']; requestBody?: { content?: Record<string, { schema: JsonSchema }> } }>>;
}

export function operationsOf(doc: OpenApiDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      // The document's keys are HTTP methods (get, post, …) by the OpenAPI format.
      method: method.toUpperCase() as HTTPMethods,
      path,
      parameters: op.parameters ?? [],
      body: op.requestBody?.content?.['application/json']?.schema,
    })),
  );
}

const INT4 = { min: -2_147_483_648, max: 2_147_483_647 };
/** Characters PostgreSQL cannot store in text or jsonb, and code units that are not Unicode. */
const HOSTILE_CHARS = ['\u0000', '\ud800', '\udfff', '\ud83d'] as const;
const HOSTILE_NUMBERS = [INT4.max + 1, INT4.min - 1, 2 ** 53 + 2, 9.3e18, 1e300, -1e300, 1.5, -1] as const;
/** What a query string can carry where a number is expected. */
const HOSTILE_NUMBER_TEXT = ['1e400', '-1e400', '2147483648', '-2147483649', '9223372036854775808', '1e10', 'NaN', 'Infinity', '0x10', '1.5', ' 1'];

const hostileChar = fc.constantFrom(...HOSTILE_CHARS);

/** A string with a hostile character spliced in somewhere. */
const spliced = (base: fc.Arbitrary<string>) =>
  fc.tuple(base, hostileChar, fc.nat()).map(([s, c, at]) => {
    const i = s.length === 0 ? 0 : at % (s.length + 1);
    return s.slice(0, i) + c + s.slice(i);
  });

function validString(s: JsonSchema): fc.Arbitrary<string> {
  if (s.format === 'uuid') return fc.uuid();
  if (s.format === 'date-time') return fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString());
  if (s.format === 'email') return fc.emailAddress();
  const min = s.minLength ?? 0;
  const max = s.maxLength ?? 64;
  if (s.pattern) return fc.stringMatching(new RegExp(s.pattern)).filter((v) => v.length >= min && v.length <= max);
  const short = fc.string({ unit: 'grapheme', minLength: min, maxLength: Math.min(max, Math.max(min, 24)) });
  // Lengths at the declared maximum are where prefixes and encodings overflow.
  return max <= 4096 ? fc.oneof({ arbitrary: short, weight: 4 }, fc.string({ minLength: Math.max(min, max - 40), maxLength: max })) : short;
}

function validInteger(s: JsonSchema): fc.Arbitrary<number> {
  const min = s.minimum ?? INT4.min;
  const max = s.maximum ?? INT4.max;
  const inRange = Math.max(min, INT4.min) <= Math.min(max, INT4.max) ? fc.integer({ min: Math.max(min, INT4.min), max: Math.min(max, INT4.max) }) : fc.constant(min);
  return fc.oneof({ arbitrary: inRange, weight: 4 }, fc.constantFrom(min, max));
}

export class RequestGenerator {
  constructor(private readonly options: FuzzOptions = {}) {}

  /** Values the schema accepts (nested values may still be hostile). */
  valid(s: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
    if (s.enum) return fc.constantFrom(...s.enum);
    if (s.const !== undefined) return fc.constant(s.const);
    const alternatives = s.anyOf ?? s.oneOf;
    if (alternatives) return fc.oneof(...alternatives.map((a) => this.value(a, depth)));
    const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
    if (s.nullable && !types.includes('null')) types.push('null');
    if (types.length > 1) return fc.oneof(...types.map((t) => this.valid({ ...s, type: t, nullable: false }, depth)));
    switch (types[0]) {
      case 'null':
        return fc.constant(null);
      case 'boolean':
        return fc.boolean();
      case 'integer':
        return validInteger(s);
      case 'number':
        return fc.double({ min: s.minimum ?? -1e9, max: s.maximum ?? 1e9, noNaN: true, noDefaultInfinity: true });
      case 'string':
        return validString(s);
      case 'array':
        return fc.array(this.value(s.items ?? {}, depth + 1), { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 4, 4) });
      case 'object':
        return this.object(s, depth);
      default:
        return this.anyJson(depth);
    }
  }

  /** Values the schema rejects, or accepts while they are still poison further down. */
  hostile(s: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    const wrongType = fc.constantFrom<unknown>(null, true, 'x', 0, [], {});
    if (types.includes('integer') || types.includes('number')) return fc.oneof(fc.constantFrom(...HOSTILE_NUMBERS), wrongType);
    if (types.includes('string') || s.anyOf || s.enum) {
      const base = s.type === 'string' ? validString(s) : fc.string();
      return fc.oneof(spliced(base), fc.string({ unit: 'binary', maxLength: 8 }), fc.string({ minLength: (s.maxLength ?? 255) + 1, maxLength: (s.maxLength ?? 255) + 1 }), wrongType);
    }
    if (types.includes('object')) return fc.oneof(this.hostileObject(depth), wrongType);
    return wrongType;
  }

  value(s: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
    return fc.oneof({ arbitrary: this.valid(s, depth), weight: 5 }, { arbitrary: this.hostile(s, depth), weight: 1 });
  }

  private field(name: string, s: JsonSchema, depth: number): fc.Arbitrary<unknown> {
    return this.options.fields?.[name] ?? this.value(s, depth + 1);
  }

  private object(s: JsonSchema, depth: number): fc.Arbitrary<unknown> {
    const props = Object.entries(s.properties ?? {});
    if (props.length === 0) return s.additionalProperties === false ? fc.constant({}) : this.openObject(depth);
    const required = new Set(s.required ?? []);
    const model = Object.fromEntries(props.map(([name, ps]) => [name, this.field(name, ps, depth)]));
    const record = fc.record(model, { requiredKeys: props.map(([n]) => n).filter((n) => required.has(n)) });
    // Sometimes a required field goes missing or an unknown one appears.
    return fc.oneof({ arbitrary: record, weight: 6 }, fc.record(model, { requiredKeys: [] }), record.map((r) => ({ ...(r as object), unknownField: 1 })));
  }

  private openObject(depth: number): fc.Arbitrary<unknown> {
    return fc.oneof({ arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), this.anyJson(depth + 1), { maxKeys: 4 }), weight: 3 }, this.hostileObject(depth));
  }

  private hostileObject(depth: number): fc.Arbitrary<unknown> {
    const key = fc.oneof(fc.string({ maxLength: 6 }), spliced(fc.string({ maxLength: 6 })));
    return fc.dictionary(key, depth > 2 ? fc.constant(1) : this.anyJson(depth + 1), { minKeys: 1, maxKeys: 3 });
  }

  private anyJson(depth: number): fc.Arbitrary<unknown> {
    const leaf = fc.oneof(fc.string({ maxLength: 8 }), spliced(fc.string({ maxLength: 8 })), fc.integer(), fc.constantFrom(...HOSTILE_NUMBERS), fc.boolean(), fc.constant(null));
    if (depth > 2) return leaf;
    return fc.oneof({ arbitrary: leaf, weight: 4 }, fc.array(leaf, { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 6 }), leaf, { maxKeys: 3 }));
  }

  /** One query or path value, already percent-encoded (hostile ones may be invalid UTF-8 on purpose). */
  private urlValue(name: string, s: JsonSchema, isPath: boolean): fc.Arbitrary<string> {
    const known = isPath ? (this.options.ids?.[name] ?? []) : [];
    const typed = this.valid(s).map((v) => encodeUrlText(String(v)));
    const hostileText = fc.oneof(
      fc.constantFrom(...HOSTILE_NUMBER_TEXT).map(encodeUrlText),
      spliced(fc.string({ maxLength: 10 })).map(encodeUrlText),
      fc.constantFrom('%ED%A0%80', '%FF', '%00', '%C0%80'),
    );
    return fc.oneof(
      ...(known.length > 0 ? [{ arbitrary: fc.constantFrom(...known), weight: 4 }] : []),
      { arbitrary: typed, weight: 4 },
      { arbitrary: hostileText, weight: 2 },
    );
  }

  /** Header values must be sendable over HTTP: visible ASCII only, lengths around the maximum. */
  private headerValue(s: JsonSchema): fc.Arbitrary<string> {
    const ascii = (min: number, max: number) => fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: min, maxLength: max });
    const max = s.maxLength ?? 64;
    if (s.pattern) return fc.oneof(fc.stringMatching(new RegExp(s.pattern)), ascii(1, 12));
    return fc.oneof(ascii(Math.max(1, s.minLength ?? 1), Math.min(max, 24)), ascii(Math.max(1, max - 40), max), ascii(max + 1, max + 1));
  }

  request(op: Operation): fc.Arbitrary<FuzzRequest> {
    const params = op.parameters.map((p) => {
      const arb = p.in === 'header' ? this.headerValue(p.schema) : this.urlValue(p.name, p.schema, p.in === 'path');
      return fc.tuple(fc.constant(p), p.required || p.in === 'path' ? arb.map((v) => v as string | undefined) : fc.option(arb, { nil: undefined }));
    });
    const body = op.body ? fc.option(this.value(op.body), { nil: undefined, freq: 8 }) : fc.constant(undefined);
    return fc.tuple(fc.tuple(...params), body).map(([values, payload]) => {
      let url = op.path;
      const query: string[] = [];
      const headers: Record<string, string> = {};
      for (const [p, v] of values) {
        if (v === undefined) continue;
        if (p.in === 'path') url = url.replace(`{${p.name}}`, v === '' ? '%20' : v);
        else if (p.in === 'query') query.push(`${encodeURIComponent(p.name)}=${v}`);
        else headers[p.name] = v;
      }
      if (query.length) url += `?${query.join('&')}`;
      if (payload === undefined) return { method: op.method, url, headers };
      return { method: op.method, url, headers: { ...headers, 'content-type': 'application/json' }, payload: JSON.stringify(payload) };
    });
  }
}

/** Percent-encodes the UTF-8 bytes of a string (an unpaired surrogate becomes U+FFFD, as in any client). */
export function encodeUrlText(s: string): string {
  return [...Buffer.from(s, 'utf8')].map((b) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}
