/**
 * Limits of the OpenAI API that the manifest is checked against (spec openai-openapi 2.3.0 and its
 * prose; see README "API limits"). The emulator enforces the same numbers, so both import them here.
 */
export const LIMITS = {
  assistantName: 256,
  assistantDescription: 512,
  instructions: 256_000,
  toolsPerAssistant: 128,
  vectorStoresPerAssistant: 1,
  codeInterpreterFiles: 20,
  metadataPairs: 16,
  metadataKey: 64,
  metadataValue: 512,
  attributePairs: 16,
  attributeKey: 64,
  attributeValue: 512,
  chunkSizeMin: 100,
  chunkSizeMax: 4096,
  expiryDaysMin: 1,
  expiryDaysMax: 365,
  fileBytes: 512 * 1024 * 1024,
  functionName: /^[a-zA-Z0-9_-]{1,64}$/,
  maxNumResultsMin: 1,
  maxNumResultsMax: 50,
} as const;
