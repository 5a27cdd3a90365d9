import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvidenceCatalogue } from '../../src/agents/evidence-catalogue.js';
import { summarizeEvidence } from '../../src/agents/evidence-summary.js';
import { evidenceTools } from '../../src/agents/evidence-tools.js';
import { builtinState } from '../../src/control-plane/control-registry/index.js';
import type { ClusterSnapshot } from '../../src/investigator/cluster/snapshot.js';
import { diagnose } from '../../src/investigator/diagnose.js';
import { DEMO, demoSource } from '../../src/investigator/sources/demo-cluster/index.js';
import { AnthropicProvider } from '../../src/llm/anthropic.js';
import { OpenAICompatibleProvider } from '../../src/llm/openai-compatible.js';
import type { ModelProvider, ToolDefinition } from '../../src/llm/provider.js';
import { runToolLoop } from '../../src/llm/structured.js';
import { message, startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic.js';
import { completion, startFakeOpenAI, type FakeOpenAI, type RecordedRequest } from '../helpers/fake-openai.js';

/**
 * Every evidence tool a model may call, called the way a model calls it: the registry's built-in
 * definitions go to a loopback OpenAI and Anthropic server, the scripted model asks for the tool,
 * the real provider and tool loop run it over the demo cluster's collected evidence, and the
 * result (or the error the model can correct) is what the next request carries back.
 */
let openai: FakeOpenAI;
let anthropic: FakeAnthropic;
let evidence: ClusterSnapshot;
let catalogue: EvidenceCatalogue;
const definitions = Object.values(builtinState().tools).map(({ readOnly: _r, ...t }) => t as ToolDefinition);

beforeAll(async () => {
  [openai, anthropic] = await Promise.all([startFakeOpenAI(), startFakeAnthropic()]);
  evidence = await demoSource().collect({ namespace: DEMO.namespace }, new AbortController().signal);
  const [pod] = DEMO.authPods;
  const summary = summarizeEvidence(evidence, { namespace: DEMO.namespace, pods: [pod], wide: false });
  catalogue = new EvidenceCatalogue(summary, diagnose(evidence, { kind: 'Pod', name: pod, namespace: DEMO.namespace }), evidence);
});
afterAll(async () => {
  await Promise.all([openai?.close(), anthropic?.close()]);
});

interface Wire {
  name: string;
  provider(): ModelProvider;
  /** Scripts: the model calls `tool` with `args`, then answers. */
  script(tool: string, args: Record<string, unknown>): void;
  requests(): RecordedRequest[];
  /** The tool result the second request sends back, and whether it is flagged as an error. */
  resultSent(req: RecordedRequest): { content: string; isError: boolean };
  /** The tool names the first request offered. */
  offered(req: RecordedRequest): string[];
}

const WIRES: Wire[] = [
  {
    name: 'OpenAI',
    provider: () => new OpenAICompatibleProvider({ name: 'openai', baseURL: openai.baseURL, apiKey: 'sk-test-loopback', retry: { maxAttempts: 1 } }),
    script: (tool, args) => openai.reply(completion({ toolCalls: [{ id: 'call_1', name: tool, arguments: args }] }), completion({ content: 'done' })),
    requests: () => openai.requests,
    resultSent: (req) => {
      const msg = (req.body as { messages: Array<{ role: string; content: string }> }).messages.find((m) => m.role === 'tool')!;
      return { content: msg.content, isError: msg.content.startsWith('error:') };
    },
    offered: (req) => (req.body as { tools: Array<{ function: { name: string } }> }).tools.map((t) => t.function.name),
  },
  {
    name: 'Anthropic',
    provider: () => new AnthropicProvider({ baseURL: anthropic.baseURL, apiKey: 'sk-ant-test-loopback', retry: { maxAttempts: 1 } }),
    script: (tool, args) => anthropic.reply(message({ content: [{ type: 'tool_use', id: 'toolu_01', name: tool, input: args }] }), message({ content: 'done' })),
    requests: () => anthropic.requests,
    resultSent: (req) => {
      const turns = (req.body as { messages: Array<{ content: Array<{ type: string; content?: string; is_error?: boolean }> }> }).messages;
      const block = turns.at(-1)!.content.find((b) => b.type === 'tool_result')!;
      return { content: block.content ?? '', isError: block.is_error === true };
    },
    offered: (req) => (req.body as { tools: Array<{ name: string }> }).tools.map((t) => t.name),
  },
];

const [authPod] = DEMO.authPods;

/** [tool, arguments, what the result must show] — one real question per tool on the demo incident. */
const CALLS: Array<[string, Record<string, unknown>, (result: string) => void]> = [
  ['get_resource', { kind: 'deploy', name: 'postgres', namespace: 'production' }, (r) => {
    expect(JSON.parse(r)).toMatchObject({ kind: 'Deployment', metadata: { name: 'postgres' }, spec: { replicas: 0 } });
    expect(r).not.toContain('managedFields');
  }],
  ['get_logs', { namespace: 'production', pod: authPod, previous: true, tailLines: 40 }, (r) => {
    const streams = JSON.parse(r) as Array<{ container: string; previous: boolean; lines: Array<{ id: string | null; text: string }> }>;
    expect(streams).toEqual([expect.objectContaining({ container: 'auth-service', previous: true })]);
    const lines = streams[0]!.lines;
    expect(lines.length).toBeLessThanOrEqual(40);
    // Each line carries the id the model cites it by, and the id names exactly that line.
    const refused = lines.find((l) => l.text.includes('ECONNREFUSED 10.96.112.45:5432'))!;
    expect(refused.id).toMatch(/^E\d+$/);
    expect(catalogue.get(refused.id!)).toEqual({ kind: 'log', resource: { kind: 'Pod', name: authPod, namespace: 'production' }, path: 'auth-service (previous)', value: refused.text });
    expect(lines.filter((l) => l.text.trim()).every((l) => l.id !== null)).toBe(true);
  }],
  ['get_events', { namespace: 'production', kind: 'Pod', name: authPod }, (r) => {
    const events = JSON.parse(r) as Array<{ id: string; reason: string; object: string; message: string }>;
    expect(events.map((e) => e.reason)).toEqual(expect.arrayContaining(['Unhealthy', 'BackOff']));
    expect(events.every((e) => e.object === `Pod/${authPod}`)).toBe(true);
    for (const e of events) expect(catalogue.get(e.id)).toMatchObject({ kind: 'event', resource: { kind: 'Pod', name: authPod }, value: e.message });
  }],
  ['get_related_resources', { namespace: 'production', kind: 'Pod', name: authPod }, (r) => {
    expect(JSON.parse(r)).toMatchObject({
      owners: [{ kind: 'ReplicaSet', name: 'auth-service-7d9f8b6c5d' }, { kind: 'Deployment', name: 'auth-service' }],
      services: [{ name: 'auth-service', endpoints: { ready: 0, notReady: 3 } }],
      node: 'node-1',
    });
  }],
  ['list_pods', { namespace: 'production', labelSelector: 'app=auth-service' }, (r) => {
    const pods = JSON.parse(r) as Array<{ name: string; status: string; owner: string }>;
    expect(pods.map((p) => p.name).sort()).toEqual([...DEMO.authPods].sort());
    expect(pods.every((p) => p.status === 'CrashLoopBackOff' && p.owner === 'auth-service')).toBe(true);
  }],
];

/** Calls the model gets an error for, and the words that let it correct the call. */
const MISTAKES: Array<[string, Record<string, unknown>, RegExp]> = [
  ['get_logs', { namespace: 'production', pod: authPod, tailLines: 0 }, /arguments of get_logs do not match its schema: \/tailLines: Expected integer to be greater or equal to 1/],
  ['list_pods', { namespace: 'production', selector: 'app=auth-service' }, /\/selector: Unexpected property/],
  ['list_pods', { namespace: 'production', labelSelector: 'app in (auth-service)' }, /\/labelSelector: expected Equality label selector, e\.g\. app=auth-service/],
  ['get_resource', { kind: 'Deployment', name: 'auth-servce', namespace: 'production' }, /not_found: Deployment auth-servce in production is not in the collected evidence \(closest: auth-service\)/],
  ['get_events', { namespace: 'production', kind: 'Pod' }, /give kind and name together/],
  ['get_related_resources', { namespace: 'production', name: authPod }, /\/kind: Expected required property/],
];

describe.each(WIRES)('evidence tools called by a model over the $name wire format', (wire) => {
  const ask = async (tool: string, args: Record<string, unknown>) => {
    const before = wire.requests().length;
    wire.script(tool, args);
    const loop = await runToolLoop(wire.provider(), { model: 'loopback', maxTokens: 1000, messages: [{ role: 'user', content: 'why is auth-service crashing?' }], tools: definitions }, evidenceTools(evidence, catalogue), { maxSteps: 2 });
    const [first, second] = wire.requests().slice(before);
    expect(second, 'the result went back to the model').toBeDefined();
    return { loop, first: first!, sent: wire.resultSent(second!) };
  };

  it.each(CALLS)('%s answers from the collected evidence', async (tool, args, check) => {
    const { loop, first, sent } = await ask(tool, args);
    expect(wire.offered(first)).toEqual(['get_resource', 'get_logs', 'get_events', 'get_related_resources', 'list_pods']);
    expect(loop.steps).toEqual([expect.objectContaining({ tool, ok: true, arguments: args })]);
    expect(loop.text).toBe('done');
    expect(sent.isError).toBe(false);
    check(sent.content);
  });

  it.each(MISTAKES)('%s with %j goes back to the model as an error it can correct', async (tool, args, words) => {
    const { loop, sent } = await ask(tool, args);
    expect(loop.steps).toEqual([expect.objectContaining({ tool, ok: false })]);
    expect(sent.isError).toBe(true);
    expect(sent.content).toMatch(words);
  });
});
