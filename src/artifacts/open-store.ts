import type { ArtifactsConfig } from '../config.js';
import { localArtifactStore } from './local-store.js';
import type { S3StoreOptions } from './s3-store.js';
import type { ArtifactStore } from './store.js';

export function openArtifactStore(config: ArtifactsConfig): ArtifactStore {
  if (config.kind === 'local') return localArtifactStore(config.dir);
  return lazyS3Store({
    bucket: config.bucket,
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(config.accessKeyId ? { accessKeyId: config.accessKeyId } : {}),
    ...(config.secretAccessKey ? { secretAccessKey: config.secretAccessKey } : {}),
    ...(config.prefix ? { prefix: config.prefix } : {}),
  });
}

/** The S3 store, with the AWS SDK imported on first use: a local-artifacts process never loads it. */
function lazyS3Store(options: S3StoreOptions): ArtifactStore {
  let store: Promise<ArtifactStore> | undefined;
  const open = () => (store ??= import('./s3-store.js').then((m) => m.s3ArtifactStore(options)));
  return {
    kind: 's3',
    put: async (key, body, contentType) => (await open()).put(key, body, contentType),
    get: async (key) => (await open()).get(key),
    check: async () => (await open()).check(),
  };
}
