/** The Gemini `GenerateContentRequest` shapes this codec sends (camelCase). */

export interface WireBlob {
  mimeType: string;
  data: string;
}

export interface WireFileData {
  mimeType?: string;
  fileUri: string;
}

export interface WirePart {
  text?: string;
  inlineData?: WireBlob;
  fileData?: WireFileData;
  functionCall?: { id?: string; name: string; args: Record<string, unknown> };
  functionResponse?: { id?: string; name: string; response: Record<string, unknown> };
  thoughtSignature?: string;
}

export interface WireContent {
  role: 'user' | 'model';
  parts: WirePart[];
}

export interface WireFunctionDeclaration {
  name: string;
  description?: string;
  parametersJsonSchema: Record<string, unknown>;
}

export interface WireToolConfig {
  functionCallingConfig: { mode: 'AUTO' | 'ANY' | 'NONE'; allowedFunctionNames?: string[] };
}

export interface WireThinkingConfig {
  thinkingBudget?: number;
  thinkingLevel?: string;
  includeThoughts?: boolean;
}

export interface WireGenerationConfig {
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stopSequences?: string[];
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  responseMimeType?: string;
  responseJsonSchema?: Record<string, unknown>;
  thinkingConfig?: WireThinkingConfig;
}

export interface WireGenerateContentRequest {
  contents: WireContent[];
  systemInstruction?: { parts: { text: string }[] };
  tools?: [{ functionDeclarations: WireFunctionDeclaration[] }];
  toolConfig?: WireToolConfig;
  generationConfig?: WireGenerationConfig;
}
