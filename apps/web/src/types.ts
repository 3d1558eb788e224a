// Shapes of the hub's answers that the app reads (docs/discovery.md, docs/registry-internals.md).
export interface User {
  id: string;
  username: string;
  email: string;
  isAdmin: boolean;
}

export interface SearchItem {
  id: string;
  namespace: string;
  name: string;
  task: string | null;
  library: string | null;
  license: string | null;
  downloads: number;
  likes: number;
  parameters: number | null;
  verified: boolean;
  updatedAt: string;
}

export interface Facet {
  value: string;
  count: number;
}

export interface SearchPage {
  total: number;
  items: SearchItem[];
  facets: Record<string, Facet[]>;
  nextCursor: string | null;
}

export interface ModelInfo {
  id: string;
  namespace: string;
  name: string;
  visibility: string;
  pipelineTag: string | null;
  libraryName: string | null;
  license: string | null;
  tags: string[];
  languages: string[];
  downloads: number;
  likes: number;
  parameters: number | null;
  lastModified: string;
  sha: string | null;
}

export interface TreeEntry {
  type: 'file' | 'directory';
  path: string;
  size: number;
  lfs?: { oid: string; size: number };
  security?: { status: string };
}

export interface TreePage {
  commitId: string;
  entries: TreeEntry[];
  nextCursor: string | null;
}

export interface Version {
  name: string;
  commitId: string;
  notes: string;
  status: 'active' | 'deprecated';
  deprecationMessage: string | null;
  createdAt: string;
}

export interface Commit {
  id: string;
  title: string;
  authors: { user: string }[];
  date: string;
}

export interface Organization {
  name: string;
  displayName: string;
  kind: string;
  description: string | null;
  verified: boolean;
}
