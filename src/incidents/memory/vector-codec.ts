/**
 * Vectors in the database: portable (no pgvector; identical on PGlite and PostgreSQL) and cheap to
 * read in bulk. Each vector is quantised to int8 with its own scale (max |x|), stored as base64
 * text: [float32 LE scale][int8 × dims]. Text crosses both drivers far faster than real[] or
 * bytea (PGlite parses those element by element / hex digit by hex digit: 1,000 candidates cost
 * ~600 ms as bytea, ~15 ms as this), and int8 costs < 0.01 of cosine.
 */
export function encodeVector(v: ArrayLike<number>): string {
  let scale = 0;
  for (let i = 0; i < v.length; i++) scale = Math.max(scale, Math.abs(v[i]!));
  const out = Buffer.alloc(4 + v.length);
  out.writeFloatLE(scale, 0);
  for (let i = 0; i < v.length; i++) out.writeInt8(scale === 0 ? 0 : Math.round((v[i]! / scale) * 127), 4 + i);
  return out.toString('base64');
}

export function decodeVector(raw: unknown): Float32Array | null {
  if (typeof raw !== 'string' || raw === '') return null;
  const b = Buffer.from(raw, 'base64');
  if (b.length < 5) return null;
  const k = b.readFloatLE(0) / 127;
  // A view, not a copy per element: this runs for every candidate of every lookup.
  const q = new Int8Array(b.buffer, b.byteOffset + 4, b.length - 4);
  const out = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) out[i] = q[i]! * k;
  return out;
}
