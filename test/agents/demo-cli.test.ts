import { afterAll, describe, expect, it } from 'vitest';
import { killAll, startCli, within } from '../api/spawn-cli.js';

/** `syntra demo` as a user runs it: a child process that prints the steps and the root cause, then exits 0. */
describe('syntra demo', () => {
  afterAll(() => killAll());

  it('investigates the demo cluster and exits 0', async () => {
    const cli = startCli(['demo']);
    const code = await within(cli.exited, 120_000, 'syntra demo to exit');
    expect(code, cli.err()).toBe(0);
    const out = cli.out();
    for (const step of ['planner', 'evidence_collector', 'incident_analyst', 'reviewer', 'reporter']) expect(out).toMatch(new RegExp(`✔ ${step}`));
    expect(out).toMatch(/Root cause\s+service_no_endpoints/);
    expect(out).toMatch(/Service postgres \(port 5432\) has no ready endpoints/);
    expect(out).toMatch(/ECONNREFUSED 10\.96\.112\.45:5432/);
    // The root-cause paragraph once (it used to be printed as "Answer" too).
    expect(out.match(/Service postgres \(port 5432\) has no ready endpoints/g)).toHaveLength(1);
    // The run's own time, start-up apart; the report is said to be gone with the temporary database.
    expect(out).toMatch(/Run [0-9a-f-]{36} took \d+ ms \(after \d+ ms of start-up\)/);
    expect(out).toMatch(/Report: artifacts report\.md and report\.json, incident [0-9a-f-]{36} — in the temporary database, removed on exit/);
  }, 150_000);
});
