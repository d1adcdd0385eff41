/**
 * Limits of the OpenAI API that validation checks in code (spec openai-openapi 2.3.0 and its
 * prose). Limits that a single field carries (lengths, ranges, counts of one list) live in
 * schema/manifest.schema.json instead; a test keeps the two in agreement.
 */
export const LIMITS = {
  /** Characters of assistant instructions, also when read from a file. */
  instructions: 256_000,
  /** Vector stores of file_search: managed names and raw ids together. */
  vectorStoresPerAssistant: 1,
  /** Files of code_interpreter: managed names and raw ids together. */
  codeInterpreterFiles: 20,
  /** Files in an agent's container (code_interpreter, shell): managed names and raw ids together. */
  containerFiles: 50,
  /** Metadata pairs per object, of which the ownership stamp takes its share. */
  metadataPairs: 16,
  /** Bytes per uploaded file. */
  fileBytes: 512 * 1024 * 1024,
} as const;
