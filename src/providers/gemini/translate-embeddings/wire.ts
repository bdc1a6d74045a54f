/** Gemini embeddings request shapes (`models/{model}:embedContent`, `:batchEmbedContents`). */
export interface GeminiTextContent {
  parts: { text: string }[];
}

export interface GeminiEmbedContentRequest {
  content: GeminiTextContent;
  outputDimensionality?: number;
}

export interface GeminiBatchEmbedContentsRequest {
  /** Each request names the model again, as `models/{model}`; it must match the URL's. */
  requests: (GeminiEmbedContentRequest & { model: string })[];
}

/** Gemini refuses a batch of more than this many requests. */
export const MAX_BATCH = 100;
