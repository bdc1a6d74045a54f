/** OpenAI embeddings response shapes (POST /v1/embeddings). */
export interface OpenAIEmbedding {
  object: 'embedding';
  index: number;
  /** Numbers for `encoding_format: "float"`; base64 of float32 little-endian for `"base64"`. */
  embedding: number[] | string;
}

export interface OpenAIEmbeddingsResponse {
  object: 'list';
  data: OpenAIEmbedding[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

/** OpenAI's cap on the number of inputs in one request. */
export const MAX_INPUTS = 2048;
