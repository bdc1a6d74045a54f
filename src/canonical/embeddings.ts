/** The canonical embeddings request and response (OpenAI embeddings ↔ other backends). */
export interface EmbeddingRequest {
  /** What the client named (the Switchyard endpoint). */
  model: string;
  /** One entry per input; token-array inputs are refused by decoders for backends that need text. */
  inputs: string[];
  dimensions?: number;
  /** How the client wants vectors back: numbers, or base64 of float32 little-endian. */
  encodingFormat: 'float' | 'base64';
  user?: string;
}

export interface EmbeddingResponse {
  model: string;
  vectors: number[][];
  inputTokens: number;
}
