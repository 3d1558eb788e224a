import { randomBytes } from 'node:crypto';
import * as hfHub from '@huggingface/hub';
import { createOrg, createToken, registerUser, type TestUser, bearer } from '../support/factories';
import { lfsBatch, lfsRepo, sha256Hex } from '../support/lfs-client';
import { createModel } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';
import { file, hfCommit, header, lfsFile, ndjson, prNumberOf } from './proposals-support';

/** huggingface_hub's parse_datetime accepts `...T..:..:..(.fff)Z`. */
const HF_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** What community.py's deserialize_event reads of every event, and of each type. */
function expectEventAsParsed(event: { createdAt: string; type: string; data: { latest?: { updatedAt: string }; history?: unknown[]; status?: string } }) {
  expect(event).toMatchObject({ id: expect.stringMatching(/^[0-9a-f]{24}$/), type: expect.any(String), author: { name: expect.any(String) } });
  expect(event.createdAt).toMatch(HF_DATE);
  if (event.type === 'comment') {
    expect(event.data).toMatchObject({ edited: expect.any(Boolean), hidden: false, latest: { raw: expect.any(String), html: expect.any(String) } });
    expect(event.data.latest?.updatedAt).toMatch(HF_DATE);
    expect(Array.isArray(event.data.history)).toBe(true);
  }
  if (event.type === 'status-change') expect(['open', 'closed', 'merged']).toContain(event.data.status);
  if (event.type === 'commit') expect(event.data).toMatchObject({ subject: expect.any(String), oid: expect.stringMatching(/^[0-9a-f]{40}$/) });
  if (event.type === 'title-change') expect(event.data).toMatchObject({ from: expect.any(String), to: expect.any(String) });
}

/** What get_repo_discussions reads of each discussion (Discussion(...) in hf_api.py). */
function expectDiscussionAsParsed(d: { createdAt: string }, repo: string) {
  expect(d).toMatchObject({
    title: expect.any(String),
    num: expect.any(Number),
    author: { name: expect.any(String) },
    status: expect.stringMatching(/^(open|closed|merged|draft)$/),
    repo: { name: repo, type: 'model' },
    isPullRequest: expect.any(Boolean),
  });
  expect(d.createdAt).toMatch(HF_DATE);
}

describe('the Hugging Face clients on proposals', () => {
  let hub: TestHub;
  let owner: TestUser;
  let contributor: TestUser;
  let ownerToken: string;
  let contributorToken: string;
  let repo: string;
  let org: string;

  beforeAll(async () => {
    hub = await startTestHub({ listen: true, env: { LFS_THRESHOLD_BYTES: '1024' } });
    owner = await registerUser(hub, 'clientowner');
    contributor = await registerUser(hub, 'clientcontrib');
    ownerToken = await createToken(hub, owner, ['write']);
    contributorToken = await createToken(hub, contributor, ['write']);
    org = await createOrg(hub, owner, 'client-org');
    await createModel(hub, owner, { namespace: org, name: 'model' });
    repo = `${org}/model`;
    await hfCommit(hub, ownerToken, repo, ndjson(header('init'), file('README.md', '# Model\n'), file('config.json', '{}\n'))).expect(200);
  });
  afterAll(() => hub.close());

  it('@huggingface/hub commit({isPullRequest}) opens a pull request whose URL number is the discussion', async () => {
    const weights = randomBytes(4000);
    const result = await hfHub.commit({
      repo: { type: 'model', name: repo },
      accessToken: contributorToken,
      hubUrl: hub.url!,
      title: 'Quantized variant',
      description: 'int8',
      isPullRequest: true,
      useXet: false,
      operations: [
        { operation: 'addOrUpdate', path: 'int8/model.bin', content: new Blob([weights]) },
        { operation: 'addOrUpdate', path: 'int8/README.md', content: new Blob(['int8\n']) },
      ],
    });
    expect(result?.pullRequestUrl).toMatch(/\/discussions\/\d+$/);
    const number = prNumberOf(result!.pullRequestUrl!);
    const details = await hub.http().get(`/api/models/${repo}/discussions/${number}`).expect(200);
    expect(details.body).toMatchObject({
      num: number,
      title: 'Quantized variant',
      isPullRequest: true,
      status: 'open',
      author: { name: contributor.username },
    });
    const info = await hub
      .http()
      .get(`/api/models/${repo}/revision/${encodeURIComponent(`refs/pr/${number}`)}`)
      .expect(200);
    expect(info.body.sha).toBe(result!.commit.oid);
    const main = await hub.http().get(`/api/models/${repo}`).expect(200);
    expect(main.body.siblings.map((s: { rfilename: string }) => s.rfilename)).not.toContain('int8/model.bin');
    const weightsAt = await hfHub.downloadFile({
      repo: { type: 'model', name: repo },
      path: 'int8/model.bin',
      revision: `refs/pr/${number}`,
      hubUrl: hub.url!,
    });
    expect(Buffer.from(await weightsAt!.arrayBuffer())).toEqual(weights);
  });

  /**
   * Each call of huggingface_hub (v1.3.7, hf_api.py and community.py) as it sends it, checking
   * every field the client reads from the answer.
   */
  describe('huggingface_hub, replayed', () => {
    let number: number;

    it('create_commit(create_pr=True) / upload_folder(create_pr=True): preupload, LFS batch without ref, commit; pr_url parses', async () => {
      const weights = randomBytes(2048);
      const pre = await hub
        .http()
        .post(`/api/models/${repo}/preupload/main`)
        .query({ create_pr: '1' })
        .set(bearer(contributorToken))
        .send({
          files: [
            { path: 'weights.bin', sample: weights.subarray(0, 512).toString('base64'), size: weights.length },
            { path: 'config.json', sample: Buffer.from('{"a": 1}\n').toString('base64'), size: 9 },
          ],
        })
        .expect(200);
      // _fetch_upload_modes reads files[].path, uploadMode, shouldIgnore and oid.
      expect(pre.body.files).toEqual([
        { path: 'weights.bin', uploadMode: 'lfs', shouldIgnore: false, oid: null },
        { path: 'config.json', uploadMode: 'regular', shouldIgnore: false, oid: expect.stringMatching(/^[0-9a-f]{40}$/) },
      ]);
      // post_lfs_batch_info sends no `ref` when revision is None (create_pr).
      const oid = sha256Hex(weights);
      const batch = await lfsBatch(lfsRepo(hub.url!, { namespace: org, name: 'model' }, contributorToken), 'upload', [{ oid, size: weights.length }], {
        transfers: ['basic', 'multipart'],
        extra: { ref: undefined },
      });
      expect(batch.status).toBe(200);
      const upload = batch.body.objects![0].actions!.upload!;
      expect((await fetch(upload.href, { method: 'PUT', body: weights as unknown as Uint8Array<ArrayBuffer> })).ok).toBe(true);
      const verify = batch.body.objects![0].actions!.verify!;
      const verified = await fetch(verify.href, {
        method: 'POST',
        headers: { ...bearer(contributorToken), 'Content-Type': 'application/json' },
        body: JSON.stringify({ oid, size: weights.length }),
      });
      expect(verified.status).toBe(200);

      const res = await hub
        .http()
        .post(`/api/models/${repo}/commit/main`)
        .query({ create_pr: '1' })
        .set(bearer(contributorToken))
        .set('Content-Type', 'application/x-ndjson')
        .send(ndjson(header('Upload folder', { description: '' }), file('config.json', '{"a": 1}\n'), lfsFile('weights.bin', oid, weights.length)))
        .expect(200);
      // CommitInfo reads commitUrl, commitOid and pullRequestUrl; RepoUrl splits commitUrl at /commit/.
      expect(res.body.commitOid).toMatch(/^[0-9a-f]{40}$/);
      expect(res.body.commitUrl.split('/commit/')).toEqual([expect.stringMatching(new RegExp(`/${repo}$`)), res.body.commitOid]);
      number = prNumberOf(res.body.pullRequestUrl);
    });

    it('create_commit(revision="refs/pr/N"): preupload, LFS batch with ref refs/pr/N, commit to refs%2Fpr%2FN', async () => {
      const rev = encodeURIComponent(`refs/pr/${number}`);
      const pre = await hub
        .http()
        .post(`/api/models/${repo}/preupload/${rev}`)
        .set(bearer(contributorToken))
        .send({ files: [{ path: 'config.json', sample: Buffer.from('{"a": 2}\n').toString('base64'), size: 9 }] })
        .expect(200);
      expect(pre.body.files[0]).toMatchObject({ path: 'config.json', uploadMode: 'regular', oid: expect.any(String) });
      const batch = await lfsBatch(
        lfsRepo(hub.url!, { namespace: org, name: 'model' }, contributorToken),
        'upload',
        [{ oid: sha256Hex('x'.repeat(2000)), size: 2000 }],
        {
          extra: { ref: { name: `refs/pr/${number}` } },
        },
      );
      expect(batch.status).toBe(200);
      const res = await hub
        .http()
        .post(`/api/models/${repo}/commit/${rev}`)
        .set(bearer(contributorToken))
        .set('Content-Type', 'application/x-ndjson')
        .send(ndjson(header('Second config'), file('config.json', '{"a": 2}\n')))
        .expect(200);
      expect(res.body.commitOid).toMatch(/^[0-9a-f]{40}$/);
    });

    it('get_repo_discussions: {discussions, count, start}, newest first, with the type, status and author filters', async () => {
      await hub
        .http()
        .post(`/api/models/${repo}/discussions`)
        .set(bearer(contributorToken))
        .send({ title: 'A question', description: 'Why?', pullRequest: false })
        .expect(200);
      const all = await hub.http().get(`/api/models/${repo}/discussions`).query({ p: 0 }).expect(200);
      expect(all.body).toMatchObject({ count: 3, start: 0 });
      all.body.discussions.forEach((d: { createdAt: string }) => expectDiscussionAsParsed(d, repo));
      const nums = all.body.discussions.map((d: { num: number }) => d.num);
      expect(nums).toEqual([...nums].sort((a, b) => b - a));
      const prs = await hub
        .http()
        .get(`/api/models/${repo}/discussions`)
        .query({ type: 'pull_request', status: 'open', author: contributor.username, p: 0 })
        .expect(200);
      expect(prs.body.discussions.every((d: { isPullRequest: boolean }) => d.isPullRequest)).toBe(true);
      expect(prs.body.count).toBe(2);
      const none = await hub.http().get(`/api/models/${repo}/discussions`).query({ status: 'closed', p: 0 }).expect(200);
      expect(none.body).toEqual({ discussions: [], count: 0, start: 0 });
    });

    it('get_discussion_details (diff=1): events, changes.base, filesWithConflicts, diff', async () => {
      const res = await hub.http().get(`/api/models/${repo}/discussions/${number}`).query({ diff: '1' }).set(bearer(ownerToken)).expect(200);
      expectDiscussionAsParsed(res.body, repo);
      expect(res.body).toMatchObject({ isPullRequest: true, changes: { base: 'refs/heads/main' }, filesWithConflicts: [] });
      expect(res.body.changes.mergeCommitId).toBeUndefined();
      expect(res.body.diff).toContain('diff --git a/config.json b/config.json');
      res.body.events.forEach(expectEventAsParsed);
      expect(res.body.events.map((e: { type: string }) => e.type)).toEqual(['comment', 'commit', 'commit']);
    });

    it('create_discussion / create_pull_request: {num}, a pull request starts as a draft', async () => {
      const res = await hub
        .http()
        .post(`/api/models/${repo}/discussions`)
        .set(bearer(contributorToken))
        .send({ title: 'Draft PR', description: 'Pull Request opened with the huggingface_hub Python library', pullRequest: true })
        .expect(200);
      expect(res.body.num).toEqual(expect.any(Number));
      const details = await hub.http().get(`/api/models/${repo}/discussions/${res.body.num}`).query({ diff: '1' }).expect(200);
      expect(details.body).toMatchObject({ status: 'draft', isPullRequest: true, changes: { base: 'refs/heads/main' }, filesWithConflicts: [] });
      // A commit to its ref makes it open.
      await hfCommit(hub, contributorToken, repo, ndjson(header('content'), file('draft.txt', 'd\n')), { rev: `refs/pr/${res.body.num}` }).expect(200);
      expect((await hub.http().get(`/api/models/${repo}/discussions/${res.body.num}`).expect(200)).body.status).toBe('open');
    });

    it('comment_discussion, edit_discussion_comment, rename_discussion: newMessage, updatedComment, newTitle', async () => {
      const base = `/api/models/${repo}/discussions/${number}`;
      const comment = await hub.http().post(`${base}/comment`).set(bearer(ownerToken)).send({ comment: 'Looks good' }).expect(200);
      expectEventAsParsed(comment.body.newMessage);
      expect(comment.body.newMessage).toMatchObject({
        type: 'comment',
        author: { name: owner.username },
        data: { edited: false, latest: { raw: 'Looks good' } },
      });
      const id = (comment.body.newMessage.id as string).toLowerCase();
      const edited = await hub.http().post(`${base}/comment/${id}/edit`).set(bearer(ownerToken)).send({ content: 'Looks great' }).expect(200);
      expectEventAsParsed(edited.body.updatedComment);
      expect(edited.body.updatedComment.data).toMatchObject({ edited: true, latest: { raw: 'Looks great' } });
      expect(edited.body.updatedComment.data.history).toHaveLength(2);
      await hub.http().post(`${base}/comment/${id}/edit`).set(bearer(contributorToken)).send({ content: 'not mine' }).expect(403);
      const renamed = await hub.http().post(`${base}/title`).set(bearer(contributorToken)).send({ title: 'Upload folder, v2' }).expect(200);
      expectEventAsParsed(renamed.body.newTitle);
      expect(renamed.body.newTitle).toMatchObject({ type: 'title-change', data: { from: 'Upload folder', to: 'Upload folder, v2' } });
    });

    it('change_discussion_status: newStatus; closed and reopened, with a comment', async () => {
      const base = `/api/models/${repo}/discussions/${number}`;
      const closed = await hub.http().post(`${base}/status`).set(bearer(contributorToken)).send({ status: 'closed', comment: 'Wrong folder' }).expect(200);
      expectEventAsParsed(closed.body.newStatus);
      expect(closed.body.newStatus).toMatchObject({ type: 'status-change', data: { status: 'closed' } });
      const reopened = await hub.http().post(`${base}/status`).set(bearer(ownerToken)).send({ status: 'open' }).expect(200);
      expect(reopened.body.newStatus.data.status).toBe('open');
      // Someone else's discussion: neither its author nor a member.
      const other = await registerUser(hub, 'clientother');
      const otherToken = await createToken(hub, other, ['write']);
      await hub.http().post(`${base}/status`).set(bearer(otherToken)).send({ status: 'closed' }).expect(403);
    });

    it('merge_pull_request (no body, or {comment}) and list_repo_refs(include_pull_requests=True)', async () => {
      const refs = await hub.http().get(`/api/models/${repo}/refs`).query({ include_prs: 1 }).expect(200);
      // GitRefs reads branches, converts, tags and pullRequests, each {name, ref, targetCommit}.
      expect(refs.body).toMatchObject({ branches: [{ name: 'main', ref: 'refs/heads/main' }], converts: [], tags: [] });
      expect(refs.body.pullRequests).toContainEqual({
        name: `refs/pr/${number}`,
        ref: `refs/pr/${number}`,
        targetCommit: expect.stringMatching(/^[0-9a-f]{40}$/),
      });
      await hub.http().post(`/api/models/${repo}/discussions/${number}/merge`).set(bearer(contributorToken)).expect(403);
      await hub.http().post(`/api/models/${repo}/discussions/${number}/merge`).set(bearer(ownerToken)).send({ comment: 'Thanks!' }).expect(200);
      const details = await hub.http().get(`/api/models/${repo}/discussions/${number}`).query({ diff: '1' }).expect(200);
      expect(details.body.status).toBe('merged');
      expect(details.body.changes.mergeCommitId).toMatch(/^[0-9a-f]{40}$/);
      const types = details.body.events.map((e: { type: string }) => e.type);
      expect(types.slice(-2)).toEqual(['comment', 'status-change']);
      details.body.events.forEach(expectEventAsParsed);
      const main = await hub.http().get(`/api/models/${repo}`).expect(200);
      expect(main.body.sha).toBe(details.body.changes.mergeCommitId);
      const reopen = await hub.http().post(`/api/models/${repo}/discussions/${number}/status`).set(bearer(ownerToken)).send({ status: 'open' }).expect(409);
      expect(reopen.body.code).toBe('pull_request_merged');
    });
  });
});
