import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { SyntraError } from '../../src/domain/errors.js';

describe('SYNTRA_RETENTION_DAYS', () => {
  it('is unset by default (runs are kept forever) and a whole number of days otherwise', () => {
    expect(loadConfig({}).retentionDays).toBeUndefined();
    expect(loadConfig({ SYNTRA_RETENTION_DAYS: '' }).retentionDays).toBeUndefined();
    expect(loadConfig({ SYNTRA_RETENTION_DAYS: '90' }).retentionDays).toBe(90);
  });

  it.each(['0', '-3', '30d', '1.5', '99999'])('refuses %s at start, naming the variable', (value) => {
    let error: unknown;
    try {
      loadConfig({ SYNTRA_RETENTION_DAYS: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SyntraError);
    expect((error as SyntraError).code).toBe('config_invalid');
    expect((error as SyntraError).message).toContain(`SYNTRA_RETENTION_DAYS must be an integer between 1 and 36500, got "${value}"`);
  });
});
