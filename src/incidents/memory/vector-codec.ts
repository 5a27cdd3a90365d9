/**
 * Vectors in the database: float32, little-endian, in a `bytea` — portable (no pgvector needed,
 * identical on PGlite and PostgreSQL) and read back as one binary value instead of hundreds of
 * parsed array elements, which is what makes scoring a few thousand candidates cheap.
 */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export function encodeVector(v: ArrayLike<number>): Buffer {
  const out = Buffer.alloc(v.length * 4);
  for (let i = 0; i < v.length; i++) out.writeFloatLE(v[i]!, i * 4);
  return out;
}

export function decodeVector(raw: unknown): Float32Array | null {
  if (!(raw instanceof Uint8Array) || raw.byteLength % 4 !== 0) return null;
  if (LITTLE_ENDIAN) return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const out = new Float32Array(raw.byteLength / 4);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
