/** One change a commit applies to a branch's manifest, as both the native and the HF routes parse it. */
export type CommitOperation =
  | { kind: 'put'; path: string; content: Buffer }
  | { kind: 'lfs'; path: string; sha256: string; size?: bigint }
  /** Copies the file at `fromPath` (of `fromRevision`, else of the parent commit); `sha256`, when given, must match it. */
  | { kind: 'copy'; path: string; fromPath: string; fromRevision?: string; sha256?: string }
  | { kind: 'delete'; path: string }
  | { kind: 'deleteFolder'; path: string };
