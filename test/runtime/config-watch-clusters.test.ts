import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

/** SYNTRA_WATCH_CLUSTERS: which clusters `syntra worker --watch` scans. */
describe('SYNTRA_WATCH_CLUSTERS', () => {
  it('unset or empty: every cluster (the default and every registered one)', () => {
    expect(loadConfig({}).watch.clusters).toBeUndefined();
    expect(loadConfig({ SYNTRA_WATCH_CLUSTERS: ' ' }).watch.clusters).toBeUndefined();
  });

  it('lists cluster names, `default` included, trimmed and without repeats', () => {
    expect(loadConfig({ SYNTRA_WATCH_CLUSTERS: 'prod-eu, default,prod-eu,' }).watch.clusters).toEqual(['prod-eu', 'default']);
  });

  it('refuses what cannot be a cluster name, naming it', () => {
    expect(() => loadConfig({ SYNTRA_WATCH_CLUSTERS: 'prod-eu,Prod EU' })).toThrow(/SYNTRA_WATCH_CLUSTERS must list cluster names .*"Prod EU"/);
  });
});
