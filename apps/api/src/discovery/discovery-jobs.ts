/** Job queues of discovery (pg-boss, see jobs/). */
export const DISCOVERY_JOBS = {
  /** After every commit: scan its safetensors and pickle files, then update the model's summary. */
  scanCommit: 'discovery.scan-commit',
  /** Hourly: trending scores from the last seven days. */
  trending: 'discovery.trending',
  /** Daily: counted-download rows and search tombstones no longer needed. */
  prune: 'discovery.prune',
} as const;

export interface ScanCommitJob {
  modelId: string;
  commitId: string;
}

export const DISCOVERY_SCHEDULES = {
  trending: '5 * * * *',
  prune: '17 3 * * *',
} as const;
