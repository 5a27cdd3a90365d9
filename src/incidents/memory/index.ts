/** The incident memory: embeddings, similar incidents, recurrence, search. */
export { HashEmbedder, cosine, hashEmbedding, type Embedder } from './embedder.js';
export { OpenAIEmbedder, embedderFromEnv } from './openai-embedder.js';
export { findSimilar, probeOf, type SimilarIncident, type SimilarProbe } from './similar.js';
export { recurrenceOf, type Recurrence } from './recurrence.js';
export { searchIncidents, type SearchHit, type SearchQuery } from './search.js';
export { reembedStale } from './reembed.js';
export { termsOf, words, maskText } from './text.js';
export { memoryText } from './document.js';
