import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ROUTING_RULES, getSnapshot, history } from '../../src/control-plane/control-registry/index.js';
import { startCliServer, type CliServer } from './cli-server.js';
import { killAll, runCli, type CliEnv } from './run-cli.js';

/**
 * `syntra control routes list|set|remove` as a user types it, against a real API on this file's
 * own database: each command goes through the control-registry routes, every change is a new
 * version with who and why, and mistakes say what to do.
 */
let server: CliServer;
let admin: CliEnv;

beforeAll(async () => {
  server = await startCliServer({ taskTypes: [] });
  admin = { configDir: server.configDir, cwd: server.workDir };
});

afterAll(async () => {
  killAll();
  await server?.close();
});

describe('syntra control routes', () => {
  it('list shows the built-in route: analyze → the configured provider and model', async () => {
    const json = await runCli(['control', 'routes', 'list', '--json'], admin);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ version: 0, rules: DEFAULT_ROUTING_RULES });
    const text = await runCli(['control', 'routes', 'list'], admin);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^TASK\s+INTENT\s+PRIORITY\s+PROVIDER\s+MODEL/m);
    expect(text.stdout).toMatch(/^analyze\s+any\s+0\s+default \(SYNTRA_LLM_PROVIDER\)\s+its configured model/m);
  });

  it('set adds a rule and replaces the rule of the same match in place; remove drops it', async () => {
    const plan = await runCli(['control', 'routes', 'set', '--task', 'plan', '--intent', 'plan', '--provider', 'openai', '--model', 'gpt-4o-mini', '--reason', 'model-read requests'], admin);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('Routing rule set: plan (intent plan) → openai/gpt-4o-mini (control version 1)');

    const analyze = await runCli(
      ['control', 'routes', 'set', '--task', 'analyze', '--provider', 'anthropic', '--model', 'claude-sonnet-4-6', '--max-tokens', '2000', '--timeout-ms', '30000', '--priority', '3', '--reason', 'a larger model for analysis'],
      admin,
    );
    expect(analyze.code, analyze.stderr).toBe(0);
    let snap = await getSnapshot(server.db);
    expect(snap.version).toBe(2);
    expect(snap.routingRules).toEqual([
      { match: { taskType: 'analyze' }, target: { provider: 'anthropic', model: 'claude-sonnet-4-6', params: { maxTokens: 2000, timeoutMs: 30000 } }, priority: 3 },
      { match: { taskType: 'plan', intent: 'plan' }, target: { provider: 'openai', model: 'gpt-4o-mini' }, priority: 0 },
    ]);
    const log = await history(server.db, { entityType: 'routing_rule' });
    expect(log.items.map((c) => c.reason)).toEqual(['a larger model for analysis', 'model-read requests']);
    expect(log.items.every((c) => c.actor !== 'anonymous')).toBe(true);

    const removed = await runCli(['control', 'routes', 'remove', '--task', 'plan', '--intent', 'plan', '--reason', 'rule planner is enough'], admin);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toContain('Removed the routing rule for plan (intent plan) (control version 3)');
    snap = await getSnapshot(server.db);
    expect(snap.routingRules.map((r) => r.match)).toEqual([{ taskType: 'analyze' }]);

    const again = await runCli(['control', 'routes', 'remove', '--task', 'plan', '--intent', 'plan', '--reason', 'twice'], admin);
    expect(again.code).toBe(4);
    expect(again.stderr).toContain('no routing rule for plan (intent plan)');
    expect(again.stderr).toContain('syntra control routes list');
  });

  it('says what is wrong with an invocation, and changes nothing', async () => {
    const before = (await getSnapshot(server.db)).version;
    const cases: Array<[string[], RegExp]> = [
      [['set', '--task', 'analyze', '--provider', 'openai'], /--reason/],
      [['set', '--provider', 'openai', '--reason', 'r'], /--task or --intent/],
      [['set', '--task', 'review', '--provider', 'openai', '--reason', 'r'], /Allowed choices are plan, analyze/],
      [['set', '--task', 'analyze', '--provider', 'openai', '--temperature', 'warm', '--reason', 'r'], /temperature/],
      [['set', '--task', 'analyze', '--provider', 'Open AI', '--reason', 'r'], /provider/],
      [['remove', '--reason', 'r'], /--task or --intent/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(['control', 'routes', ...args], admin);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect((await getSnapshot(server.db)).version).toBe(before);
  });
});
