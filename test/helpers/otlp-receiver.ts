import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback OTLP/HTTP trace receiver: POST /v1/traces with an ExportTraceServiceRequest in
 * protobuf (what @opentelemetry/exporter-trace-otlp-proto sends) or JSON, answered like a
 * collector (200, an empty ExportTraceServiceResponse). The protobuf is decoded by the wire
 * format below, field numbers from opentelemetry-proto (trace/v1/trace.proto, common/v1).
 */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, string | number | boolean>;
}

export interface OtlpReceiver {
  url: string;
  spans: ReceivedSpan[];
  /** Resolves once `predicate` holds for the spans received so far (polls every 50 ms). */
  waitFor(predicate: (spans: ReceivedSpan[]) => boolean, ms: number): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

type Field = { no: number; wire: number; value: bigint | Buffer };

/** The fields of one protobuf message (varint, 64-bit, length-delimited and 32-bit values). */
function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let i = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = buf[i++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (i < buf.length) {
    const key = Number(varint());
    const no = key >>> 3;
    const wire = key & 7;
    if (wire === 0) out.push({ no, wire, value: varint() });
    else if (wire === 1) {
      out.push({ no, wire, value: buf.subarray(i, i + 8) });
      i += 8;
    }
    else if (wire === 2) {
      const len = Number(varint());
      out.push({ no, wire, value: buf.subarray(i, i + len) });
      i += len;
    } else if (wire === 5) {
      out.push({ no, wire, value: buf.subarray(i, i + 4) });
      i += 4;
    }
    else throw new Error(`unsupported protobuf wire type ${wire}`);
  }
  return out;
}
const sub = (fs: Field[], no: number) => fs.filter((f) => f.no === no && f.wire === 2).map((f) => f.value as Buffer);
const str = (fs: Field[], no: number) => sub(fs, no)[0]?.toString('utf8') ?? '';
const hex = (fs: Field[], no: number) => sub(fs, no)[0]?.toString('hex') ?? '';

function anyValue(buf: Buffer): string | number | boolean {
  const f = fields(buf)[0];
  if (!f) return '';
  if (f.no === 1) return (f.value as Buffer).toString('utf8');
  if (f.no === 2) return f.value !== 0n;
  if (f.no === 3) return Number(f.value as bigint);
  if (f.no === 4) return (f.value as Buffer).readDoubleLE(0);
  return '';
}
function keyValues(list: Buffer[]): Record<string, string | number | boolean> {
  return Object.fromEntries(list.map((kv) => fields(kv)).map((kv) => [str(kv, 1), anyValue(sub(kv, 2)[0] ?? Buffer.alloc(0))]));
}

export function decodeTraceRequest(body: Buffer): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const rs of sub(fields(body), 1).map(fields)) {
    const resource = keyValues(sub(fields(sub(rs, 1)[0] ?? Buffer.alloc(0)), 1));
    for (const ss of sub(rs, 2).map(fields)) {
      for (const s of sub(ss, 2).map(fields)) {
        spans.push({
          service: String(resource['service.name'] ?? ''),
          traceId: hex(s, 1),
          spanId: hex(s, 2),
          parentSpanId: hex(s, 4),
          name: str(s, 5),
          kind: Number((s.find((f) => f.no === 6)?.value as bigint | undefined) ?? 0n),
          attributes: keyValues(sub(s, 9)),
        });
      }
    }
  }
  return spans;
}

interface JsonKeyValue { key: string; value: { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number } }
function decodeJson(body: Buffer): ReceivedSpan[] {
  const attrs = (l: JsonKeyValue[] = []) => Object.fromEntries(l.map((kv) => [kv.key, kv.value.stringValue ?? kv.value.boolValue ?? Number(kv.value.intValue ?? kv.value.doubleValue)]));
  const req = JSON.parse(body.toString('utf8')) as { resourceSpans: Array<{ resource?: { attributes?: JsonKeyValue[] }; scopeSpans: Array<{ spans: Array<{ traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes?: JsonKeyValue[] }> }> }> };
  return req.resourceSpans.flatMap((rs) =>
    rs.scopeSpans.flatMap((ss) =>
      ss.spans.map((s) => ({ service: String(attrs(rs.resource?.attributes)['service.name'] ?? ''), traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId ?? '', name: s.name, kind: s.kind, attributes: attrs(s.attributes) })),
    ),
  );
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      const body = Buffer.concat(chunks);
      const json = (req.headers['content-type'] ?? '').includes('json');
      try {
        spans.push(...(json ? decodeJson(body) : decodeTraceRequest(body)));
      } catch (e) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(String(e));
        return;
      }
      if (json) res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      else res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(Buffer.alloc(0));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    async waitFor(predicate, ms) {
      const until = Date.now() + ms;
      while (!predicate(spans)) {
        if (Date.now() > until) throw new Error(`timed out waiting for spans; received: ${spans.map((s) => `${s.service}:${s.name}`).join(', ') || 'none'}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return spans;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
