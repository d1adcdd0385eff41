import { Ajv2020 } from 'ajv/dist/2020.js';

/**
 * The emulator's knobs (DESIGN §7), set by CLI flags at start and by `POST /_emulator/config`
 * while it runs. Field names are the control API's (snake_case); flags are the kebab-case forms.
 */
export interface EmulatorConfig {
  /** Added to every `/v1` response, to make client concurrency and waiting measurable. */
  latency_ms: number;
  /** How long a file attached to a vector store stays `in_progress`. */
  index_delay_ms: number;
  /** Extra indexing time per MiB of file, so large files index slower (0: size does not matter). */
  index_delay_per_mb_ms: number;
  /** Requests per minute per route family (`files`, `vector_stores`, `assistants`, `responses`, `skills`), up to 1,000,000; 0: no limit. */
  rate_limit_per_min: number;
  /** Requests per minute for `/v1/files*` alone; null: `rate_limit_per_min`; 0: no limit. */
  rate_limit_files_per_min: number | null;
  /** Requests per minute for `/v1/vector_stores*` alone; null: `rate_limit_per_min`; 0: no limit. */
  rate_limit_vector_stores_per_min: number | null;
  /** Requests per minute for `/v1/assistants*` alone; null: `rate_limit_per_min`; 0: no limit. */
  rate_limit_assistants_per_min: number | null;
  /**
   * Files attached to vector stores per minute over all stores (the org-wide limit): a file batch
   * counts its files, a single attach 1, a store create its `file_ids`; 0: no limit.
   */
  attach_files_per_min: number;
  /** Share of `/v1` requests that fail with 500, 503 or a dropped connection (0..1). */
  fault_rate: number;
  /** Seeds ids and faults so that runs repeat exactly; null: a random seed. */
  seed: number | null;
  /** `sunset` answers `/v1/assistants*` with 404, as OpenAI does since 2026-08-26. */
  assistants: 'enabled' | 'sunset';
}

export const DEFAULT_CONFIG: EmulatorConfig = {
  latency_ms: 0,
  index_delay_ms: 500,
  index_delay_per_mb_ms: 0,
  rate_limit_per_min: 0,
  rate_limit_files_per_min: null,
  rate_limit_vector_stores_per_min: null,
  rate_limit_assistants_per_min: null,
  attach_files_per_min: 0,
  fault_rate: 0,
  seed: null,
  assistants: 'enabled',
};

const nonNegativeInteger = { type: 'integer', minimum: 0 };
// Bounded so that the `x-ratelimit-*` headers stay whole numbers (1e308 wrote 1.6e+306 there);
// a million a minute is far above any tier and above what the emulator can serve.
const perMinute = { ...nonNegativeInteger, maximum: 1_000_000 };
const familyPerMinute = { anyOf: [perMinute, { type: 'null' }] };

const CONFIG_PATCH_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    latency_ms: { ...nonNegativeInteger, maximum: 60_000 },
    index_delay_ms: { ...nonNegativeInteger, maximum: 86_400_000 },
    index_delay_per_mb_ms: { ...nonNegativeInteger, maximum: 3_600_000 },
    rate_limit_per_min: perMinute,
    rate_limit_files_per_min: familyPerMinute,
    rate_limit_vector_stores_per_min: familyPerMinute,
    rate_limit_assistants_per_min: familyPerMinute,
    attach_files_per_min: perMinute,
    fault_rate: { type: 'number', minimum: 0, maximum: 1 },
    seed: { anyOf: [{ ...nonNegativeInteger, maximum: 0xffff_ffff }, { type: 'null' }] },
    assistants: { enum: ['enabled', 'sunset'] },
  },
} as const;

const validatePatch = new Ajv2020({ allErrors: false }).compile(CONFIG_PATCH_SCHEMA);

/** The knob names, for messages and for the CLI's flag table. */
export const KNOBS = Object.keys(CONFIG_PATCH_SCHEMA.properties) as (keyof EmulatorConfig)[];

/**
 * Checks a partial config; returns it typed, or a message naming the knob and what it accepts.
 */
export function parseConfigPatch(
  patch: unknown,
): { ok: true; value: Partial<EmulatorConfig> } | { ok: false; knob: string | null; message: string } {
  if (validatePatch(patch)) return { ok: true, value: patch as Partial<EmulatorConfig> };
  const error = validatePatch.errors?.[0];
  const params = (error?.params ?? {}) as { additionalProperty?: string };
  if (error?.keyword === 'additionalProperties') {
    return {
      ok: false,
      knob: params.additionalProperty ?? null,
      message: `unknown knob '${params.additionalProperty}'; knobs are ${KNOBS.join(', ')}`,
    };
  }
  const knob = error?.instancePath.slice(1) || null;
  return { ok: false, knob, message: `${knob ?? 'config'} ${error?.message ?? 'is invalid'}` };
}
