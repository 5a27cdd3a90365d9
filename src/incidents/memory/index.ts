/** The incident memory: embeddings, similar incidents, recurrence, search. */
export { cosine, normalise, type Embedder } from './embedder.js';
export { TfidfEmbedder, tfidfVector, TFIDF_DIMENSIONS, type TfidfOptions } from './tfidf-embedder.js';
export { featuresOf, featureIdsOf, type Feature } from './features.js';
export { countFrequencies, databaseFrequencies, learnDocument, type DocumentFrequencies, type FrequencySource } from './document-frequencies.js';
export { entitiesOf } from './entities.js';
export { vectorStorage, type VectorStorage, type VectorStorageKind } from './vector-storage.js';
export { summariseOldIncidents, retentionDaysFromEnv, DEFAULT_RETENTION_DAYS, type RetentionResult } from './retention.js';
export { OpenAIEmbedder, embedderFromEnv } from './openai-embedder.js';
export { findSimilar, probeOf, similarityScore, MIN_SIMILARITY, WEIGHTS as SIMILARITY_WEIGHTS, type SimilarIncident, type SimilarProbe } from './similar.js';
export { recurrenceOf, type Recurrence } from './recurrence.js';
export { searchIncidents, type SearchHit, type SearchQuery } from './search.js';
export { reembedStale, STALE_GROWTH } from './reembed.js';
export { startMemoryUpkeep, type MemoryUpkeep } from './upkeep.js';
export { termsOf, words, maskText } from './text.js';
export { memoryText } from './document.js';
