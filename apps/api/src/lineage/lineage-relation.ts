/**
 * How a model derives from its base models, as Hugging Face's model tree names it
 * (https://huggingface.co/docs/hub/model-cards#specifying-a-base-model): the card's
 * `base_model_relation` when it is one of these, otherwise inferred from the repository.
 */
export const BASE_MODEL_RELATIONS = ['finetune', 'adapter', 'quantized', 'merge'] as const;
export type BaseModelRelation = (typeof BASE_MODEL_RELATIONS)[number];

/** What the inference reads: the card's declaration and the repository at `main`. */
export interface RelationEvidence {
  /** The card's `base_model_relation`, as written (any type: a bad value is ignored). */
  declared: unknown;
  /** How many base models the card names. */
  baseModelCount: number;
  /** Paths of the files at `main`. */
  paths: readonly string[];
  /** `config.json` at `main`, parsed (null: absent or not JSON). */
  config: unknown;
  /** The repository's name (`Llama-3-8B-GGUF`). */
  repoName: string;
}

// Quantization formats and bit widths as they appear in repository names (TheBloke, bartowski, mlx-community...).
const QUANTIZED_NAME = /(^|[-_.])(gguf|ggml|gptq|awq|exl2|hqq|bnb|[2-8]bit|[2-8]-bit|int[48]|fp8|nf4|q[2-8](_k)?(_[msl0-9])*)([-_.]|$)/i;

export function isBaseModelRelation(v: unknown): v is BaseModelRelation {
  return typeof v === 'string' && (BASE_MODEL_RELATIONS as readonly string[]).includes(v);
}

/**
 * The relation to the base models and whether the card declared it. Inference, in Hugging Face's
 * order: an `adapter_config.json` at the root means an adapter (PEFT); GGUF files, a
 * `quantization_config` in `config.json` or a quantization marker in the name mean quantized;
 * several base models mean a merge; anything else is a fine-tune.
 */
export function baseModelRelation(e: RelationEvidence): { relation: BaseModelRelation; source: 'card' | 'inferred' } {
  if (isBaseModelRelation(e.declared)) return { relation: e.declared, source: 'card' };
  return { relation: inferRelation(e), source: 'inferred' };
}

function inferRelation(e: RelationEvidence): BaseModelRelation {
  if (e.paths.includes('adapter_config.json')) return 'adapter';
  if (e.paths.some((p) => p.toLowerCase().endsWith('.gguf'))) return 'quantized';
  if (hasQuantizationConfig(e.config) || QUANTIZED_NAME.test(e.repoName)) return 'quantized';
  if (e.baseModelCount > 1) return 'merge';
  return 'finetune';
}

const hasQuantizationConfig = (config: unknown): boolean =>
  typeof config === 'object' && config !== null && !Array.isArray(config) && typeof (config as Record<string, unknown>).quantization_config === 'object';
