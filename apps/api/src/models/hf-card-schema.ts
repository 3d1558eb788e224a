/** The `pipeline_tag` values Hugging Face knows (its tasks list); others are a warning in validate-yaml. */
export const HF_PIPELINE_TAGS = new Set([
  'text-classification',
  'token-classification',
  'table-question-answering',
  'question-answering',
  'zero-shot-classification',
  'translation',
  'summarization',
  'feature-extraction',
  'text-generation',
  'text2text-generation',
  'fill-mask',
  'sentence-similarity',
  'text-to-speech',
  'text-to-audio',
  'automatic-speech-recognition',
  'audio-to-audio',
  'audio-classification',
  'audio-text-to-text',
  'voice-activity-detection',
  'depth-estimation',
  'image-classification',
  'object-detection',
  'image-segmentation',
  'text-to-image',
  'image-to-text',
  'image-to-image',
  'image-to-video',
  'unconditional-image-generation',
  'video-classification',
  'reinforcement-learning',
  'robotics',
  'tabular-classification',
  'tabular-regression',
  'tabular-to-text',
  'table-to-text',
  'multiple-choice',
  'text-ranking',
  'text-retrieval',
  'time-series-forecasting',
  'text-to-video',
  'image-text-to-text',
  'visual-question-answering',
  'document-question-answering',
  'zero-shot-image-classification',
  'graph-ml',
  'mask-generation',
  'zero-shot-object-detection',
  'text-to-3d',
  'image-to-3d',
  'image-feature-extraction',
  'video-text-to-text',
  'keypoint-detection',
  'visual-document-retrieval',
  'any-to-any',
  'video-to-video',
  'other',
]);

/**
 * What Hugging Face's validate-yaml refuses (errors) or flags (warnings) beyond the YAML syntax:
 * `model-index` must be a list; an unknown `pipeline_tag` is only a warning.
 */
export function cardSchemaProblems(meta: Record<string, unknown>): { errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  const modelIndex = meta['model-index'];
  if (modelIndex !== undefined && modelIndex !== null && !Array.isArray(modelIndex)) errors.push('"model-index" must be an array (a YAML list)');
  const task = meta['pipeline_tag'];
  if (typeof task === 'string' && task.trim() && !HF_PIPELINE_TAGS.has(task.trim())) {
    warnings.push(`"pipeline_tag" '${task}' is not a known task; the hub shows it as given`);
  }
  return { errors, warnings };
}
