import { HubException } from '../common/hub-exception';
import { repoNotFound } from '../models/model-access.service';
import { repoKindOfRoute } from '../models/repo-kind';

/**
 * A Hugging Face route called with a repo id that has no namespace (`gpt2`): the hub has no such
 * repositories (every model is `{namespace}/{name}`), and huggingface_hub maps only
 * `X-Error-Code: RepoNotFound` to RepositoryNotFoundError, so the error filter answers that rather
 * than `route_not_found` for these paths.
 */
const PATTERNS = [
  /^\/api\/(?:models|datasets)\/([^/]+)(?:\/(?:revision|tree|paths-info|commits|refs|tag|branch|preupload|commit|settings|discussions)(?:\/.*)?)?\/?$/,
  /^(?:\/datasets)?\/([^/]+)\/(?:resolve|raw)\/.+$/,
  /^(?:\/datasets)?\/([^/]+)\.git\/info\/lfs(?:\/.*)?$/,
];

export function unnamespacedRepoNotFound(path: string): HubException | null {
  for (const pattern of PATTERNS) {
    const m = pattern.exec(path);
    if (m && m[1] !== 'api') return repoNotFound(decodeSegment(m[1]), repoKindOfRoute(path));
  }
  return null;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
