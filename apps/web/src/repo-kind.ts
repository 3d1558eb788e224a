import { enc } from './api';

/** A repository of the hub is a model or a dataset (docs/datasets.md); the pages serve both. */
export type RepoKind = 'model' | 'dataset';

export interface RepoRef {
  kind: RepoKind;
  ns: string;
  name: string;
}

/** The native API of a repository: `/api/v1/models/{ns}/{name}` or `/api/v1/datasets/{ns}/{name}`. */
export const repoApi = ({ kind, ns, name }: RepoRef) => `/api/v1/${kind}s/${enc(ns)}/${enc(name)}`;

/** Its Hugging Face API: `/api/models/...` or `/api/datasets/...`. */
export const repoHfApi = ({ kind, ns, name }: RepoRef) => `/api/${kind}s/${enc(ns)}/${enc(name)}`;

/** Its pages and file routes, as on Hugging Face: `/{ns}/{name}` for a model, `/datasets/{ns}/{name}` for a dataset. */
export const repoPath = ({ kind, ns, name }: RepoRef) => `${kind === 'dataset' ? '/datasets' : ''}/${enc(ns)}/${enc(name)}`;

/** Where a kind's search lives. */
export const listPath = (kind: RepoKind) => `/${kind}s`;
