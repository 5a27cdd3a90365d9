import type { ArtifactsConfig } from '../config.js';
import { localArtifactStore } from './local-store.js';
import { s3ArtifactStore } from './s3-store.js';
import type { ArtifactStore } from './store.js';

export function openArtifactStore(config: ArtifactsConfig): ArtifactStore {
  if (config.kind === 'local') return localArtifactStore(config.dir);
  return s3ArtifactStore({
    bucket: config.bucket,
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(config.accessKeyId ? { accessKeyId: config.accessKeyId } : {}),
    ...(config.secretAccessKey ? { secretAccessKey: config.secretAccessKey } : {}),
    ...(config.prefix ? { prefix: config.prefix } : {}),
  });
}
