import { expect } from 'vitest';
import { SyntraError } from '../../src/domain/errors.js';

/** What a call rejected with, asserted to be a SyntraError (a resolve, or any other error, fails the test). */
export async function syntraFailure(p: Promise<unknown>): Promise<SyntraError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SyntraError);
  return err as SyntraError;
}
