import { InvalidArgumentError } from 'commander';
import type { ApiClient } from './http.js';

/** The resources whose ids may be typed abbreviated (GET /v1/ids/{resource}/{prefix}). */
export type IdResource = 'runs' | 'incidents' | 'actions' | 'keys';

const FULL = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PREFIX = /^[0-9a-f-]+$/i;

/** A commander argument parser: a full id or a prefix of one (4 hex digits or more). */
export function idArg(noun: string, listCommand: string): (raw: string) => string {
  return (raw) => {
    const v = raw.trim();
    if (!PREFIX.test(v) || v.replaceAll('-', '').length < 4 || v.replaceAll('-', '').length > 32) {
      throw new InvalidArgumentError(`a ${noun} id is a UUID or its first characters (4 or more), e.g. 0190c3e2-7d4a-7b1c-9e2f-1a2b3c4d5e6f or 0190c3e2 (see \`${listCommand}\`)`);
    }
    return v;
  };
}

/**
 * The full id for what the user typed: a full id as is (no extra request), a prefix through the
 * server, which answers 404 when nothing visible matches and 409 naming the candidates when
 * several do.
 */
export async function resolveId(client: ApiClient, resource: IdResource, given: string): Promise<string> {
  if (FULL.test(given)) return given.toLowerCase();
  const { id } = await client.get<{ id: string }>(`/v1/ids/${resource}/${encodeURIComponent(given)}`);
  return id;
}
