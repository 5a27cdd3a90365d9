import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { SyntraError } from '../domain/errors.js';

/**
 * The master key seals the secrets Syntra must keep in its database (the JWT signing keys), so
 * a copy of the database — a backup, a dump, a readable WAL file — does not give them away.
 * It comes from outside the database: SYNTRA_MASTER_KEY or SYNTRA_MASTER_KEY_FILE (a mounted
 * Secret); an embedded install keeps a generated one in `<data-dir>/master.key` (0600).
 * SYNTRA_MASTER_KEY_PREVIOUS(_FILE) still opens secrets sealed before a rotation.
 */
export interface MasterKey {
  /** Names the key in sealed rows, so a row says which key opens it; reveals nothing of it. */
  readonly id: string;
  readonly key: Buffer;
}

export interface MasterKeys {
  readonly current: MasterKey;
  readonly previous?: MasterKey | undefined;
}

const MIN_LENGTH = 32;
const FORMAT = 1;

/** Any string of at least 32 characters (e.g. `openssl rand -base64 32`) → a 256-bit key. */
export function masterKeyFrom(material: string, name = 'SYNTRA_MASTER_KEY'): MasterKey {
  const value = material.trim();
  if (value.length < MIN_LENGTH) {
    throw new SyntraError('config_invalid', `${name} must be at least ${MIN_LENGTH} characters; generate one with: openssl rand -base64 32`);
  }
  const key = Buffer.from(hkdfSync('sha256', value, 'syntra', 'syntra master key v1', 32));
  return { id: `mk-${createHash('sha256').update(key).update('id').digest('hex').slice(0, 12)}`, key };
}

function fromEnv(env: Record<string, string | undefined>, name: string): MasterKey | undefined {
  const inline = env[name];
  const file = env[`${name}_FILE`];
  if (inline && file) throw new SyntraError('config_invalid', `set ${name} or ${name}_FILE, not both`);
  if (inline) return masterKeyFrom(inline, name);
  if (!file) return undefined;
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (e) {
    throw new SyntraError('config_invalid', `${name}_FILE ${file} cannot be read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return masterKeyFrom(content, `${name}_FILE (${file})`);
}

/** The generated key of an embedded install: created once, owner-only, never printed. */
function dataDirKey(dataDir: string): MasterKey {
  const file = path.join(dataDir, 'master.key');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (!existsSync(file)) {
    try {
      // 'wx': a second process starting at the same moment keeps the first one's key.
      const fd = openSync(file, 'wx', 0o600);
      try {
        writeSync(fd, `${randomBytes(32).toString('base64')}\n`);
      } finally {
        closeSync(fd);
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  chmodSync(file, 0o600);
  return masterKeyFrom(readFileSync(file, 'utf8'), file);
}

/**
 * The master keys of a process that serves the API. `embedded` (syntra up) falls back to the
 * data directory's key; a server replica must be given one, the same for every replica.
 */
export function resolveMasterKeys(
  mode: 'embedded' | 'distributed',
  dataDir: string,
  env: Record<string, string | undefined> = process.env,
): MasterKeys {
  const previous = fromEnv(env, 'SYNTRA_MASTER_KEY_PREVIOUS');
  const current = fromEnv(env, 'SYNTRA_MASTER_KEY');
  if (current) return { current, previous };
  if (previous) throw new SyntraError('config_invalid', 'SYNTRA_MASTER_KEY_PREVIOUS is set but SYNTRA_MASTER_KEY is not: set the new key too');
  if (mode === 'embedded') return { current: dataDirKey(dataDir) };
  // With SYNTRA_JWT_SECRET the signing secret lives outside the database: nothing to seal there.
  if (env.SYNTRA_JWT_SECRET) return processMasterKeys();
  throw new SyntraError(
    'config_invalid',
    'SYNTRA_MASTER_KEY_FILE (a mounted Secret) or SYNTRA_MASTER_KEY is required: it encrypts the JWT signing keys stored in the database. ' +
      'Generate one with `openssl rand -base64 32` and give every API replica the same one (see docs/security.md).',
  );
}

let ephemeral: MasterKeys | undefined;

/** For tests and one-process tools: a key that lives as long as this process. */
export function processMasterKeys(): MasterKeys {
  ephemeral ??= { current: masterKeyFrom(randomBytes(32).toString('base64')) };
  return ephemeral;
}

/**
 * AES-256-GCM; `context` (the row's id) is authenticated too, so a sealed value cannot be moved
 * to another row. Layout: format byte, 12-byte nonce, 16-byte tag, ciphertext.
 */
export function seal(master: MasterKey, plaintext: Uint8Array, context: string): Buffer {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', master.key, nonce).setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([FORMAT]), nonce, cipher.getAuthTag(), body]);
}

export function unseal(master: MasterKey, sealed: Uint8Array, context: string): Buffer {
  const b = Buffer.from(sealed);
  if (b.length < 30 || b[0] !== FORMAT) throw new SyntraError('internal', 'sealed value has an unknown format');
  const decipher = createDecipheriv('aes-256-gcm', master.key, b.subarray(1, 13)).setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(b.subarray(13, 29));
  return Buffer.concat([decipher.update(b.subarray(29)), decipher.final()]);
}
