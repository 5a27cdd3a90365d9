import { Type, type TSchema } from '@sinclair/typebox';

/**
 * Wire schemas shared by several routes. Request bodies are closed (`additionalProperties: false`):
 * a misspelt field is an error, not silently ignored. Response objects are open where the data
 * layer may add fields later without breaking clients.
 */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'stable code from the error catalogue' }),
      message: Type.String(),
      details: Type.Optional(Type.Unknown()),
    }),
  },
  { $id: 'ErrorResponse', description: 'Every error has this shape' },
);

export const Uuid = Type.String({ format: 'uuid', description: 'UUID (time-sortable v7)' });

export const JsonObject = Type.Object({}, { additionalProperties: true, description: 'any JSON object' });

export const RunStatus = Type.Union(
  [Type.Literal('queued'), Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed'), Type.Literal('cancelled')],
  { description: 'queued → running → succeeded | failed | cancelled' },
);

export const RunIdParams = Type.Object({ runId: Uuid }, { additionalProperties: false });

/** The error responses a route can give, referenced by status for the OpenAPI document. */
export function errors(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map((s) => [s, Type.Ref('ErrorResponse')]));
}

/**
 * An ISO 8601 timestamp on the wire; handlers may return a Date (the data layer's type), which
 * the serializer writes as ISO 8601.
 */
export const Timestamp = Type.Unsafe<Date | string>({ type: 'string', format: 'date-time' });
export const MaybeTimestamp = Type.Unsafe<Date | string | null>({ type: ['string', 'null'], format: 'date-time' });
