import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeWriter } from '../../src/agents/actions/kube-writer.js';
import { createLiveSource } from '../../src/investigator/sources/live-source.js';
import { DEMO_DIR } from '../../src/investigator/sources/demo-cluster/index.js';
import { OpenAICompatibleProvider } from '../../src/llm/openai-compatible.js';
import { inSpan, tracingEnabled } from '../../src/telemetry/spans.js';
import { startTracing, tracingConfigured } from '../../src/telemetry/tracing.js';
import { completion, startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai.js';
import { startFakeApiServer, writeKubeconfig, type FakeApiServer } from '../helpers/fake-apiserver.js';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.js';

/**
 * Inside a task, the Kubernetes calls (the live source through the real client-node against the
 * loopback API server) and the model calls (the real openai SDK against a loopback Chat
 * Completions server) are spans under the task's span, exported over OTLP/HTTP by the real SDK.
 */
let receiver: OtlpReceiver;
let api: FakeApiServer;
let fake: FakeOpenAI;
let kubeconfig: string;
let stopTracing: () => Promise<void>;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  // Writable for the executor's dry-run; the live source only reads.
  api = await startFakeApiServer({ dir: DEMO_DIR, writable: { settle: 'converge' } });
  kubeconfig = await writeKubeconfig(api.url, { namespace: 'production' });
  fake = await startFakeOpenAI();
});
afterAll(async () => {
  await stopTracing?.();
  await fake?.close();
  await api?.close();
  await rm(dirname(kubeconfig), { recursive: true, force: true });
  await receiver?.close();
});

describe('tracing', () => {
  it('is off, and loads nothing, without an OTLP endpoint', async () => {
    expect(tracingConfigured({})).toBe(false);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' })).toBe(false);
    const stop = await startTracing('syntra-test', {});
    expect(tracingEnabled()).toBe(false);
    await stop();
    // inSpan is a plain call then.
    expect(await inSpan('x', {}, async () => 42)).toBe(42);
  });

  it('records Kubernetes and model calls as children of the task span', async () => {
    process.env.OTEL_BSP_SCHEDULE_DELAY = '50';
    stopTracing = await startTracing('syntra-worker', { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
    expect(tracingEnabled()).toBe(true);
    fake.reply(completion({ content: 'The pod is OOMKilled.', usage: { prompt: 120, completion: 7 } }));
    const parent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await inSpan('syntra.task analyze', { 'syntra.task.type': 'analyze' }, async () => {
      await createLiveSource({ kubeconfig }).collect({ namespace: 'production' });
      await new OpenAICompatibleProvider({ name: 'openai', baseURL: fake.baseURL, apiKey: 'sk-test', timeoutMs: 5_000 }).chat({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'why?' }],
      });
    }, parent, 'consumer');

    const spans = await receiver.waitFor((s) => s.some((x) => x.name === 'syntra.task analyze') && s.some((x) => x.name === 'chat gpt-4o-mini'), 15_000);
    const task = spans.find((s) => s.name === 'syntra.task analyze')!;
    expect(task.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(task.parentSpanId).toBe('b7ad6b7169203331');
    const children = spans.filter((s) => s.parentSpanId === task.spanId);
    const k8s = children.filter((s) => s.name.startsWith('k8s '));
    expect(k8s.map((s) => s.name)).toEqual(expect.arrayContaining(['k8s list pods', 'k8s list events']));
    expect(k8s.find((s) => s.name === 'k8s list pods')!.attributes).toMatchObject({ 'k8s.verb': 'list', 'k8s.namespace.name': 'production' });
    const chat = children.find((s) => s.name === 'chat gpt-4o-mini')!;
    expect(chat.attributes).toMatchObject({ 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o-mini' });
    expect(chat.kind).toBe(3); // SPAN_KIND_CLIENT
    for (const s of [task, ...children]) expect(s.service).toBe('syntra-worker');
  });

  it("records the executor's reads and writes, the dry-run marked, under the action task's span", async () => {
    const writer = createKubeWriter(kubeconfig);
    const target = { kind: 'Deployment' as const, name: 'auth-service', namespace: 'production' };
    const parent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await inSpan('syntra.task action_dry_run', { 'syntra.task.type': 'action_dry_run' }, async () => {
      const current = await writer.read(target);
      await writer.send(target, { verb: 'patch', strategy: 'application/strategic-merge-patch+json', body: { spec: { replicas: 2 } } }, { resourceVersion: current!.metadata!.resourceVersion!, dryRun: true });
    }, parent, 'consumer');

    const spans = await receiver.waitFor((s) => s.some((x) => x.name === 'syntra.task action_dry_run') && s.some((x) => x.name === 'k8s patch deployments'), 15_000);
    const task = spans.find((s) => s.name === 'syntra.task action_dry_run')!;
    const children = spans.filter((s) => s.parentSpanId === task.spanId);
    expect(children.map((s) => s.name)).toEqual(['k8s get deployments', 'k8s patch deployments']);
    expect(children[1]!.attributes).toMatchObject({ 'k8s.verb': 'patch', 'k8s.namespace.name': 'production', 'k8s.dry_run': true, 'syntra.identity': 'executor' });
    expect(children[1]!.kind).toBe(3); // SPAN_KIND_CLIENT
  });
});
