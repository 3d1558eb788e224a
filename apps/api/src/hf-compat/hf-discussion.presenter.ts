import type { DiscussionEventRecord, DiscussionRecord } from '../proposals/proposal.repository';

/** Event types as Hugging Face spells them (community.py's deserialize_event). */
const HF_EVENT_TYPE: Record<DiscussionEventRecord['type'], string> = {
  comment: 'comment',
  status_change: 'status-change',
  commit: 'commit',
  title_change: 'title-change',
  review: 'review',
};

const author = (name: string | null) => (name ? { name } : { name: 'deleted' });

/** One event: `{id, type, createdAt, author: {name}, data}`, with data as the clients read it. */
export const presentHfEvent = (e: DiscussionEventRecord) => ({
  id: e.id,
  type: HF_EVENT_TYPE[e.type],
  createdAt: e.createdAt.toISOString(),
  author: author(e.authorName),
  data: e.data,
});

/** A discussion as get_repo_discussions reads it: num, title, status, author.name, createdAt, isPullRequest, repo {name, type}. */
export const presentHfDiscussion = (repo: string, d: DiscussionRecord) => ({
  num: d.number,
  title: d.title,
  status: d.status,
  author: author(d.authorName),
  createdAt: d.createdAt.toISOString(),
  isPullRequest: d.isPullRequest,
  repo: { name: repo, type: 'model' },
  pinned: false,
  topReactions: [],
});

/** get_discussion_details: plus events, and for pull requests changes.base, changes.mergeCommitId, filesWithConflicts, diff. */
export const presentHfDiscussionDetails = (
  repo: string,
  d: DiscussionRecord,
  events: DiscussionEventRecord[],
  pr?: { conflicts: string[]; diff?: string },
) => ({
  ...presentHfDiscussion(repo, d),
  events: events.map(presentHfEvent),
  ...(d.isPullRequest
    ? {
        changes: { base: `refs/heads/${d.targetBranch}`, ...(d.mergeCommitId ? { mergeCommitId: d.mergeCommitId } : {}) },
        filesWithConflicts: pr?.conflicts ?? [],
        ...(pr?.diff !== undefined ? { diff: pr.diff } : {}),
      }
    : {}),
});
