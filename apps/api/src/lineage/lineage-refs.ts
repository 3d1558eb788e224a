import { namespaceKey } from '../namespaces/namespace-rules';
import { modelNameKey } from '../models/model-name-rules';

/**
 * A card's reference to a repository (`namespace/name`) as the key edges are joined by. Hugging
 * Face's canonical repositories have no namespace (`bert-base-uncased`, `squad`): their namespace
 * key is '' and they stay unresolved here, named as written.
 */
export function refKey(ref: string): { namespaceKey: string; nameKey: string } {
  const clean = ref.replace(/^https?:\/\/[^/]+\//, '').replace(/^(datasets|models)\//, '');
  const slash = clean.indexOf('/');
  if (slash < 0) return { namespaceKey: '', nameKey: modelNameKey(clean) };
  return { namespaceKey: namespaceKey(clean.slice(0, slash)), nameKey: modelNameKey(clean.slice(slash + 1)) };
}
