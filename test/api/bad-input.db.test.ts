import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from './harness.js';

/**
 * Every malformed request gets the exact 4xx status and the one error shape — never a 500.
 * The app is built with a small body limit so the 413 case is cheap.
 */
let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness({ config: { bodyLimitBytes: 4096 } });
});
afterAll(async () => h?.close());

interface Case {
  name: string;
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  payload?: string;
  status: number;
  code: string;
  message?: RegExp;
}

const submit = (payload: string, headers: Record<string, string> = { 'content-type': 'application/json' }) => ({
  method: 'POST' as const,
  url: '/v1/commands/submit',
  headers,
  payload,
});

const cases: Case[] = [
  { name: 'malformed JSON', ...submit('{"kind": "echo", '), status: 400, code: 'invalid_json' },
  { name: 'empty JSON body', ...submit(''), status: 400, code: 'invalid_json' },
  { name: 'unknown field', ...submit('{"kind":"echo","input":{},"colour":"red"}'), status: 400, code: 'validation_failed', message: /body\.colour is not a known field/ },
  { name: 'wrong type (no coercion)', ...submit('{"kind":"echo","input":{},"priority":"5"}'), status: 400, code: 'validation_failed', message: /body\.priority must be integer/ },
  { name: 'input not an object', ...submit('{"kind":"echo","input":[1,2]}'), status: 400, code: 'validation_failed', message: /body\.input must be object/ },
  { name: 'missing kind', ...submit('{"input":{}}'), status: 400, code: 'validation_failed', message: /body\.kind is required/ },
  { name: 'kind not a task type', ...submit('{"kind":"no spaces","input":{}}'), status: 400, code: 'validation_failed', message: /body\.kind/ },
  { name: 'body not an object', ...submit('[]'), status: 400, code: 'validation_failed', message: /body must be object/ },
  { name: 'oversized body', ...submit(JSON.stringify({ kind: 'echo', input: { blob: 'x'.repeat(8000) } })), status: 413, code: 'payload_too_large' },
  { name: 'wrong content-type', ...submit('kind=echo', { 'content-type': 'application/x-www-form-urlencoded' }), status: 415, code: 'unsupported_media_type' },
  { name: 'text/plain body', ...submit('{"kind":"echo","input":{}}', { 'content-type': 'text/plain' }), status: 415, code: 'unsupported_media_type' },
  { name: 'bad uuid in path', method: 'GET', url: '/v1/runs/not-a-uuid', status: 400, code: 'validation_failed', message: /params\.runId must be a valid uuid/ },
  { name: 'unknown run', method: 'GET', url: '/v1/runs/0190f5a4-8b2c-7d3e-9f00-000000000000', status: 404, code: 'not_found' },
  { name: 'bad uuid on events', method: 'GET', url: '/v1/runs/123/events', status: 400, code: 'validation_failed' },
  { name: 'unknown run events', method: 'GET', url: '/v1/runs/0190f5a4-8b2c-7d3e-9f00-000000000000/events', status: 404, code: 'not_found' },
  { name: 'bad Last-Event-ID', method: 'GET', url: '/v1/runs/0190f5a4-8b2c-7d3e-9f00-000000000000/events', headers: { 'last-event-id': 'abc' }, status: 400, code: 'validation_failed', message: /last-event-id/ },
  { name: 'bad cursor', method: 'GET', url: '/v1/runs?cursor=bm90LWEtY3Vyc29y', status: 400, code: 'bad_request', message: /cursor/ },
  { name: 'limit above 100', method: 'GET', url: '/v1/runs?limit=101', status: 400, code: 'validation_failed', message: /querystring\.limit/ },
  { name: 'limit not a number', method: 'GET', url: '/v1/runs?limit=ten', status: 400, code: 'validation_failed', message: /querystring\.limit must be integer/ },
  { name: 'unknown status filter', method: 'GET', url: '/v1/runs?status=done', status: 400, code: 'validation_failed', message: /querystring\.status/ },
  { name: 'since not a date', method: 'GET', url: '/v1/runs?since=yesterday', status: 400, code: 'validation_failed', message: /querystring\.since/ },
  { name: 'since an impossible date', method: 'GET', url: '/v1/runs?since=2024-13-45', status: 400, code: 'validation_failed', message: /since/ },
  { name: 'unknown query parameter', method: 'GET', url: '/v1/runs?colour=red', status: 400, code: 'validation_failed', message: /querystring\.colour is not a known field/ },
  { name: 'cancel unknown run', method: 'POST', url: '/v1/runs/0190f5a4-8b2c-7d3e-9f00-000000000000/cancel', status: 404, code: 'not_found' },
  { name: 'claim without taskTypes', method: 'POST', url: '/v1/queue/claim', headers: { 'content-type': 'application/json' }, payload: '{"workerId":"w1"}', status: 400, code: 'validation_failed', message: /body\.taskTypes is required/ },
  { name: 'claim waitSeconds above 30', method: 'POST', url: '/v1/queue/claim', headers: { 'content-type': 'application/json' }, payload: '{"workerId":"w1","taskTypes":["echo"],"waitSeconds":31}', status: 400, code: 'validation_failed', message: /waitSeconds/ },
  { name: 'renew with a non-uuid token', method: 'POST', url: '/v1/queue/renew', headers: { 'content-type': 'application/json' }, payload: '{"queueItemId":"0190f5a4-8b2c-7d3e-9f00-000000000000","leaseToken":"x","leaseSeconds":30}', status: 400, code: 'validation_failed', message: /body\.leaseToken/ },
  { name: 'fail without error.message', method: 'POST', url: '/v1/queue/fail', headers: { 'content-type': 'application/json' }, payload: '{"queueItemId":"0190f5a4-8b2c-7d3e-9f00-000000000000","leaseToken":"0190f5a4-8b2c-7d3e-9f00-000000000001","error":{}}', status: 400, code: 'validation_failed', message: /body\.error\.message is required/ },
  // Text PostgreSQL cannot store and numbers beyond its ranges: 400 naming the field, never a 500.
  { name: 'NUL in submit input', ...submit('{"kind":"echo","input":{"message":"a\\u0000b"}}'), status: 400, code: 'validation_failed', message: /body\.input\.message contains a NUL character/ },
  { name: 'NUL in a metadata key', ...submit('{"kind":"echo","input":{},"metadata":{"k\\u0000":"v"}}'), status: 400, code: 'validation_failed', message: /body\.metadata has a field name that contains a NUL/ },
  { name: 'NUL in a metadata value', ...submit('{"kind":"echo","input":{},"metadata":{"k":["x","\\u0000"]}}'), status: 400, code: 'validation_failed', message: /body\.metadata\.k\.1 contains a NUL/ },
  { name: 'NUL in namespace', ...submit('{"kind":"echo","input":{},"namespace":"team\\u0000a"}'), status: 400, code: 'validation_failed', message: /body\.namespace contains a NUL/ },
  { name: 'lone surrogate in JSON', ...submit('{"kind":"echo","input":{"s":"\\ud800"}}'), status: 400, code: 'validation_failed', message: /body\.input\.s contains an unpaired UTF-16 surrogate/ },
  { name: 'NUL in the ask prompt', method: 'POST', url: '/api/ask', headers: { 'content-type': 'application/json' }, payload: '{"prompt":"why\\u0000"}', status: 400, code: 'validation_failed', message: /body\.prompt contains a NUL/ },
  { name: 'NUL in a control-registry text', method: 'POST', url: '/v1/control/skills/register', headers: { 'content-type': 'application/json' }, payload: '{"name":"s","description":"d","instructions":"i\\u0000","tools":[],"reason":"r"}', status: 400, code: 'validation_failed', message: /contains a NUL/ },
  { name: 'NUL in a key name', method: 'POST', url: '/v1/keys', headers: { 'content-type': 'application/json' }, payload: '{"name":"k\\u0000","type":"live"}', status: 400, code: 'validation_failed', message: /body\.name contains a NUL/ },
  { name: 'NUL in the login email (no credentials needed)', method: 'POST', url: '/v1/auth/login', headers: { 'content-type': 'application/json', authorization: '' }, payload: '{"email":"a\\u0000@example.com","password":"x"}', status: 400, code: 'validation_failed', message: /body\.email contains a NUL/ },
  { name: 'NUL in ?kind=', method: 'GET', url: '/v1/runs?kind=echo%00', status: 400, code: 'validation_failed', message: /querystring\.kind contains a NUL/ },
  { name: 'NUL in ?actor=', method: 'GET', url: '/v1/audit?actor=%00', status: 400, code: 'validation_failed', message: /querystring\.actor contains a NUL/ },
  { name: 'NUL in ?namespace=', method: 'GET', url: '/v1/incidents?namespace=a%00', status: 400, code: 'validation_failed', message: /querystring\.namespace contains a NUL/ },
  { name: 'integer beyond PostgreSQL integer', method: 'GET', url: '/v1/control/snapshot?version=2147483648', status: 400, code: 'validation_failed', message: /querystring\.version must be <= 2147483647/ },
  { name: 'after=1e400 on the event stream', method: 'GET', url: '/v1/runs/0190f5a4-8b2c-7d3e-9f00-000000000000/events?after=1e400', status: 400, code: 'validation_failed', message: /querystring\.after/ },
  { name: 'Last-Event-ID beyond a ledger seq', method: 'GET', url: '/v1/runs/0190f5a4-8b2c-7d3e-9f00-000000000000/events', headers: { 'last-event-id': '8986097943' }, status: 400, code: 'validation_failed', message: /headers\.last-event-id/ },
  { name: 'history cursor beyond a version', method: 'GET', url: '/v1/control/history?cursor=2147483648', status: 400, code: 'validation_failed', message: /cursor/ },
  { name: 'undecodable URL', method: 'GET', url: '/v1/runs/%C0%80', status: 400, code: 'bad_request', message: /URL is malformed/ },
  { name: 'unknown route', method: 'GET', url: '/v1/nothing-here', status: 404, code: 'not_found', message: /no route GET \/v1\/nothing-here/ },
  { name: 'wrong method', method: 'GET', url: '/v1/commands/submit', status: 404, code: 'not_found' },
];

describe('bad input → exact 4xx and {error: {code, message}}', () => {
  it.each(cases)('$name → $status $code', async (c) => {
    // The queue routes answer only worker credentials; everything else takes the harness's admin key.
    const headers = c.url.startsWith('/v1/queue/') ? { ...h.workerHeaders, ...c.headers } : c.headers;
    const res = await h.app.inject({ method: c.method, url: c.url, ...(headers ? { headers } : {}), ...(c.payload !== undefined ? { payload: c.payload } : {}) });
    expect(res.statusCode).toBe(c.status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json() as { error: { code: string; message: string } };
    expect(Object.keys(body)).toEqual(['error']);
    expect(body.error.code).toBe(c.code);
    expect(typeof body.error.message).toBe('string');
    if (c.message) expect(body.error.message).toMatch(c.message);
    expect(JSON.stringify(body)).not.toMatch(/\bat .*\.(ts|js):\d+/); // never a stack trace
  });

  it('names every offending field in details', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/v1/commands/submit', ...{ headers: { 'content-type': 'application/json' } }, payload: '{"kind":"echo","input":{},"extra":1}' });
    expect(res.json()).toMatchObject({ error: { details: { fields: [{ field: 'body.extra', problem: 'is not a known field' }] } } });
  });

  it('an Idempotency-Key of the declared maximum (255 characters) is accepted and replays', async () => {
    const headers = { 'content-type': 'application/json', 'idempotency-key': 'k'.repeat(255) };
    const first = await h.app.inject({ method: 'POST', url: '/v1/commands/submit', headers, payload: '{"kind":"echo","input":{"n":255}}' });
    expect(first.statusCode).toBe(201);
    const again = await h.app.inject({ method: 'POST', url: '/v1/commands/submit', headers, payload: '{"kind":"echo","input":{"n":255}}' });
    expect(again.statusCode).toBe(200);
    expect(again.json().runId).toBe(first.json().runId);
    const tooLong = await h.app.inject({ method: 'POST', url: '/v1/commands/submit', headers: { ...headers, 'idempotency-key': 'k'.repeat(256) }, payload: '{"kind":"echo","input":{}}' });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().error.message).toMatch(/headers\.idempotency-key/);
  });

  it('an idempotency key reused with a different body is 409 conflict', async () => {
    const headers = { 'content-type': 'application/json', 'idempotency-key': 'bad-input-conflict' };
    const first = await h.app.inject({ method: 'POST', url: '/v1/commands/submit', headers, payload: '{"kind":"echo","input":{"n":1}}' });
    expect(first.statusCode).toBe(201);
    const second = await h.app.inject({ method: 'POST', url: '/v1/commands/submit', headers, payload: '{"kind":"echo","input":{"n":2}}' });
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ error: { code: 'conflict' } });
  });
});
