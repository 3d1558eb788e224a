import { randomBytes } from 'node:crypto';
import { createOrg, createToken, registerUser, type TestUser, bearer } from '../support/factories';
import { lfsRepo, sha256Hex, uploadLfsFile } from '../support/lfs-client';
import { createModel, hubSql } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';
import { copyFile, file, hfCommit, header, lfsFile, ndjson, prNumberOf } from './proposals-support';

/**
 * The contributor story of issue 11 against the real services (PostgreSQL, s3rver): an outsider
 * proposes new weights to an organization's public model, members discuss and review, the author
 * pushes a fix to refs/pr/N, a member approves and merges with a version; then conflicts, the
 * organization's policy, private and gated models, and bytes the author may not download.
 */
describe('contributor proposals', () => {
  let hub: TestHub;
  let owner: TestUser;
  let member: TestUser;
  let outsider: TestUser;
  let stranger: TestUser;
  let ownerToken: string;
  let memberToken: string;
  let outsiderToken: string;
  let strangerToken: string;
  let org: string;
  let repo: string;
  const weightsV1 = randomBytes(4096);
  const weightsV2 = randomBytes(5000);

  const v1 = (path: string) => `/api/v1/models/${repo}/${path}`;
  /** A file at a revision, following the redirect to the bucket as the clients do. */
  const resolve = (rev: string, path: string, token = ownerToken, model = repo) =>
    hub
      .http()
      .get(`/${model}/resolve/${encodeURIComponent(rev)}/${path}`)
      .set(bearer(token))
      .redirects(1)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });

  beforeAll(async () => {
    hub = await startTestHub({ listen: true, env: { LFS_THRESHOLD_BYTES: '1024' } });
    owner = await registerUser(hub, 'propowner'); // the first user: platform administrator
    member = await registerUser(hub, 'propmember');
    outsider = await registerUser(hub, 'propoutsider');
    stranger = await registerUser(hub, 'propstranger');
    ownerToken = await createToken(hub, owner, ['write']);
    memberToken = await createToken(hub, member, ['write']);
    outsiderToken = await createToken(hub, outsider, ['write']);
    strangerToken = await createToken(hub, stranger, ['write']);
    org = await createOrg(hub, owner, 'prop-org', [{ user: member, role: 'member' }]);
    repo = `${org}/weights`;
    await createModel(hub, owner, { namespace: org, name: 'weights' });
    const up = await uploadLfsFile(lfsRepo(hub.url!, { namespace: org, name: 'weights' }, ownerToken), weightsV1);
    await hfCommit(
      hub,
      ownerToken,
      repo,
      ndjson(
        header('first weights'),
        file('README.md', '# Weights\n\nline two\n'),
        file('config.json', '{"layers": 2}\n'),
        lfsFile('model.bin', up.oid, up.size),
      ),
    ).expect(200);
  });
  afterAll(() => hub.close());

  describe('the story: propose, discuss, fix, approve, merge with a version', () => {
    let number: number;
    let firstCommit: string;

    it('an outsider opens a pull request with new weights (create_pr=1): discussion N, refs/pr/N, pullRequestUrl', async () => {
      const mainHead = (await hub.http().get(`/api/models/${repo}`).expect(200)).body.sha as string;
      const pre = await hub
        .http()
        .post(`/api/models/${repo}/preupload/main?create_pr=1`)
        .set(bearer(outsiderToken))
        .send({ files: [{ path: 'model.bin', size: weightsV2.length, sample: weightsV2.subarray(0, 512).toString('base64') }] })
        .expect(200);
      expect(pre.body.files[0]).toMatchObject({ path: 'model.bin', uploadMode: 'lfs' });
      // The client sends no ref for a pull request's objects.
      const up = await uploadLfsFile(lfsRepo(hub.url!, { namespace: org, name: 'weights' }, outsiderToken), weightsV2);
      const res = await hfCommit(
        hub,
        outsiderToken,
        repo,
        ndjson(header('Better weights', { description: 'Trained longer' }), lfsFile('model.bin', up.oid, up.size)),
        {
          createPr: true,
        },
      ).expect(200);
      expect(res.body.pullRequestUrl).toMatch(new RegExp(`/${repo}/discussions/\\d+$`));
      number = prNumberOf(res.body.pullRequestUrl);
      firstCommit = res.body.commitOid;
      expect(res.body.commitUrl).toMatch(new RegExp(`/${repo}/commit/${firstCommit}$`));

      const commits = await hub
        .http()
        .get(`/api/models/${repo}/commits/${encodeURIComponent(`refs/pr/${number}`)}`)
        .expect(200);
      expect(commits.body[0]).toMatchObject({ id: firstCommit, parents: [mainHead] });
      const info = await hub.http().get(`/api/models/${repo}/revision/refs%2Fpr%2F${number}`).expect(200);
      expect(info.body.sha).toBe(firstCommit);
      const refs = await hub.http().get(`/api/models/${repo}/refs?include_prs=1`).expect(200);
      expect(refs.body.pullRequests).toEqual([{ name: `refs/pr/${number}`, ref: `refs/pr/${number}`, targetCommit: firstCommit }]);
      expect(refs.body.branches.map((b: { name: string }) => b.name)).toEqual(['main']);
      expect((await resolve(`refs/pr/${number}`, 'model.bin').expect(200)).body).toEqual(weightsV2);
      // main is untouched.
      expect((await resolve('main', 'model.bin').expect(200)).body).toEqual(weightsV1);

      const members = await hub.http().get('/api/v1/me/notifications').set(member.auth).expect(200);
      expect(members.body.items.map((n: { kind: string }) => n.kind)).toContain('proposal.opened');
    });

    it('members comment and request changes; the author pushes a fix to refs/pr/N, a stranger may not', async () => {
      await hub
        .http()
        .post(v1(`proposals/${number}/comments`))
        .set(bearer(memberToken))
        .send({ comment: 'Please also bump the config' })
        .expect(201);
      await hub
        .http()
        .post(v1(`proposals/${number}/reviews`))
        .set(bearer(memberToken))
        .send({ state: 'changes_requested', comment: 'config' })
        .expect(201);
      // A non-member cannot review.
      const review = await hub
        .http()
        .post(v1(`proposals/${number}/reviews`))
        .set(bearer(outsiderToken))
        .send({ state: 'approved' })
        .expect(403);
      expect(review.body.code).toBe('not_namespace_member');

      const refused = await hfCommit(hub, strangerToken, repo, ndjson(header('drive-by'), file('config.json', '{}\n')), { rev: `refs/pr/${number}` }).expect(
        403,
      );
      expect(refused.body.code).toBe('not_proposal_author');
      const fix = await hfCommit(hub, outsiderToken, repo, ndjson(header('Bump the config'), file('config.json', '{"layers": 3}\n')), {
        rev: `refs/pr/${number}`,
      }).expect(200);
      const details = await hub
        .http()
        .get(v1(`proposals/${number}`))
        .expect(200);
      expect(details.body.head).toBe(fix.body.commitOid);
      expect(details.body.events.map((e: { type: string }) => e.type)).toEqual(['comment', 'commit', 'comment', 'review', 'commit']);
      const notes = await hub.http().get('/api/v1/me/notifications').set(outsider.auth).expect(200);
      expect(notes.body.items.map((n: { kind: string }) => n.kind)).toEqual(expect.arrayContaining(['proposal.commented', 'proposal.reviewed']));
    });

    it('the diff lists each file with sizes and sha256 and a unified diff for text', async () => {
      const diff = await hub
        .http()
        .get(v1(`proposals/${number}/diff`))
        .set(bearer(memberToken))
        .expect(200);
      const byPath = Object.fromEntries(diff.body.files.map((f: { path: string }) => [f.path, f]));
      expect(byPath['model.bin']).toMatchObject({
        status: 'changed',
        old: { size: weightsV1.length, sha256: sha256Hex(weightsV1) },
        new: { size: weightsV2.length, sha256: sha256Hex(weightsV2) },
      });
      expect(byPath['config.json'].unifiedDiff).toContain('-{"layers": 2}\n+{"layers": 3}');
      expect(Object.keys(byPath).sort()).toEqual(['config.json', 'model.bin']);
    });

    it('a member approves and merges with a version: bytes at the version are the proposal’s, the author kept, the merger committer', async () => {
      await hub
        .http()
        .post(v1(`proposals/${number}/reviews`))
        .set(bearer(memberToken))
        .send({ state: 'approved', comment: 'LGTM' })
        .expect(201);
      const prHead = (await hub.http().get(`/api/models/${repo}/revision/refs%2Fpr%2F${number}`).expect(200)).body.sha;
      const merged = await hub
        .http()
        .post(v1(`proposals/${number}/merge`))
        .set(bearer(memberToken))
        .send({ version: 'v1.1.0', notes: 'longer training' })
        .expect(200);
      expect(merged.body).toMatchObject({ status: 'merged', fastForward: true, version: { name: 'v1.1.0' } });
      for (const path of ['model.bin', 'config.json']) {
        expect((await resolve('v1.1.0', path).expect(200)).body).toEqual((await resolve(`refs/pr/${number}`, path).expect(200)).body);
      }
      const [row] = await hubSql<{ author: string; committer: string; merged_parent_id: string }>(
        hub,
        `SELECT a.username AS author, c2.username AS committer, c.merged_parent_id FROM commits c
         JOIN users a ON a.id = c.author_id JOIN users c2 ON c2.id = c.committer_id WHERE c.id = $1`,
        merged.body.mergeCommitId,
      );
      expect(row).toEqual({ author: outsider.username, committer: member.username, merged_parent_id: prHead });
      const hf = await hub.http().get(`/api/models/${repo}/discussions/${number}`).expect(200);
      expect(hf.body).toMatchObject({ status: 'merged', changes: { base: 'refs/heads/main', mergeCommitId: merged.body.mergeCommitId } });

      // Merged: the ref stays readable, it cannot be reopened, and the author is credited.
      await resolve(`refs/pr/${number}`, 'model.bin').expect(200);
      const reopen = await hub
        .http()
        .post(v1(`proposals/${number}/reopen`))
        .set(bearer(memberToken))
        .send({})
        .expect(409);
      expect(reopen.body.code).toBe('pull_request_merged');
      const credits = await hub.http().get(v1('contributors')).expect(200);
      expect(credits.body.contributors).toEqual([{ username: outsider.username, merged: 1 }]);
      expect((await hub.http().get(`/api/v1/models/${repo}`).expect(200)).body.contributors).toEqual([{ username: outsider.username, merged: 1 }]);
      // More commits to a merged pull request are refused.
      const late = await hfCommit(hub, outsiderToken, repo, ndjson(header('late'), file('late.txt', 'x')), { rev: `refs/pr/${number}` }).expect(409);
      expect(late.body.code).toBe('pull_request_merged');
    });
  });

  it('a conflict (the same path changed on both sides) is listed and refuses the merge with 409 naming the paths', async () => {
    const opened = await hfCommit(
      hub,
      outsiderToken,
      repo,
      ndjson(header('Fix the card'), file('README.md', '# Weights\n\nline 2 by outsider\n'), file('notes.txt', 'n\n')),
      {
        createPr: true,
      },
    ).expect(200);
    const conflicting = prNumberOf(opened.body.pullRequestUrl);
    const clean = prNumberOf(
      (await hfCommit(hub, outsiderToken, repo, ndjson(header('Add a file'), file('extra.txt', 'extra\n')), { createPr: true }).expect(200)).body
        .pullRequestUrl,
    );
    expect(clean).toBe(conflicting + 1);
    // main moves meanwhile.
    await hfCommit(
      hub,
      memberToken,
      repo,
      ndjson(header('Card by a member'), file('README.md', '# Weights\n\nline 2 by member\n'), file('other.txt', 'o\n')),
    ).expect(200);

    const details = await hub.http().get(`/api/models/${repo}/discussions/${conflicting}?diff=1`).expect(200);
    expect(details.body.filesWithConflicts).toEqual(['README.md']);
    expect(details.body.diff).toContain('diff --git a/README.md b/README.md');
    const refused = await hub.http().post(`/api/models/${repo}/discussions/${conflicting}/merge`).set(bearer(memberToken)).send({}).expect(409);
    expect(refused.body).toMatchObject({ code: 'merge_conflict', filesWithConflicts: ['README.md'] });
    expect(refused.body.error).toContain('README.md');

    // The other proposal merges file by file onto the moved main.
    const merged = await hub
      .http()
      .post(v1(`proposals/${clean}/merge`))
      .set(bearer(memberToken))
      .send({})
      .expect(200);
    expect(merged.body.fastForward).toBe(false);
    for (const [path, text] of [
      ['extra.txt', 'extra\n'],
      ['other.txt', 'o\n'],
      ['README.md', '# Weights\n\nline 2 by member\n'],
    ]) {
      expect((await resolve('main', path).expect(200)).body.toString('utf8')).toBe(text);
    }
  });

  it('the diff shows the tensors a safetensors file gains, loses and reshapes, and scans new pickle files', async () => {
    const safetensors = (tensors: Record<string, { dtype: string; shape: number[] }>) => {
      let offset = 0;
      const entries = Object.entries(tensors).map(([name, t]) => {
        const bytes = t.shape.reduce((n, d) => n * d, 1) * 4;
        const entry = [name, { ...t, data_offsets: [offset, offset + bytes] }] as const;
        offset += bytes;
        return entry;
      });
      const json = Buffer.from(JSON.stringify(Object.fromEntries(entries)));
      const length = Buffer.alloc(8);
      length.writeBigUInt64LE(BigInt(json.length));
      return Buffer.concat([length, json, Buffer.alloc(offset)]);
    };
    await hfCommit(
      hub,
      ownerToken,
      repo,
      ndjson(header('tensors'), file('adapter.safetensors', safetensors({ a: { dtype: 'F32', shape: [2, 2] }, b: { dtype: 'F32', shape: [4] } }))),
    ).expect(200);
    const opened = await hfCommit(
      hub,
      outsiderToken,
      repo,
      ndjson(
        header('Reshape the adapter'),
        file('adapter.safetensors', safetensors({ a: { dtype: 'F32', shape: [2, 3] }, c: { dtype: 'F32', shape: [1] } })),
        file('extra.pkl', Buffer.from([0x80, 0x02, 0x4b, 0x01, 0x2e])),
      ),
      { createPr: true },
    ).expect(200);
    const number = prNumberOf(opened.body.pullRequestUrl);
    const diff = await hub
      .http()
      .get(v1(`proposals/${number}/diff`))
      .set(bearer(memberToken))
      .expect(200);
    const byPath = Object.fromEntries(diff.body.files.map((f: { path: string }) => [f.path, f]));
    expect(byPath['adapter.safetensors'].tensors).toEqual({
      added: { c: { dtype: 'F32', shape: [1] } },
      removed: { b: { dtype: 'F32', shape: [4] } },
      changed: { a: { before: { dtype: 'F32', shape: [2, 2] }, after: { dtype: 'F32', shape: [2, 3] } } },
      parametersBefore: 8,
      parametersAfter: 7,
    });
    expect(byPath['adapter.safetensors'].security).toEqual({ kind: 'safetensors', status: 'ok' });
    expect(byPath['extra.pkl']).toMatchObject({ status: 'added', security: { kind: 'pickle', status: expect.any(String), imports: [] } });
    await hub
      .http()
      .post(v1(`proposals/${number}/close`))
      .set(bearer(outsiderToken))
      .send({})
      .expect(200);
  });

  it('numbers are shared by discussions and pull requests and never reused after a refused opening', async () => {
    const before = (await hub.http().get(v1('proposals')).expect(200)).body.count as number;
    const discussion = await hub.http().post(`/api/models/${repo}/discussions`).set(bearer(outsiderToken)).send({ title: 'A question' }).expect(200);
    expect(discussion.body.num).toBe(before + 1);
    // A refused opening (deleting a file that does not exist) uses a number.
    await hfCommit(hub, outsiderToken, repo, ndjson(header('bad'), ['deletedFile', { path: 'nope.txt' }]), { createPr: true }).expect(404);
    const draft = await hub.http().post(`/api/models/${repo}/discussions`).set(bearer(outsiderToken)).send({ title: 'Draft', pullRequest: true }).expect(200);
    expect(draft.body).toMatchObject({ num: before + 3, status: 'draft', isPullRequest: true });
    await hub
      .http()
      .get(`/api/models/${repo}/discussions/${before + 2}`)
      .expect(404);
  });

  it('only a branch can be a target: a version is 404 RevisionNotFound', async () => {
    const res = await hfCommit(hub, outsiderToken, repo, ndjson(header('to a tag'), file('x.txt', 'x')), { rev: 'v1.1.0', createPr: true }).expect(404);
    expect(res.headers['x-error-code']).toBe('RevisionNotFound');
  });

  it('the organization decides who may propose, and how many approvals a merge needs', async () => {
    const proposal = () => hfCommit(hub, outsiderToken, repo, ndjson(header('policy'), file('p.txt', 'p')), { createPr: true });
    await hub.http().put(`/api/v1/orgs/${org}/proposal-settings`).set(bearer(memberToken)).send({ whoMayPropose: 'members', requiredApprovals: 0 }).expect(403);
    await hub.http().put(`/api/v1/orgs/${org}/proposal-settings`).set(bearer(ownerToken)).send({ whoMayPropose: 'members', requiredApprovals: 0 }).expect(200);
    expect((await proposal().expect(403)).body.code).toBe('proposals_members_only');

    await hub
      .http()
      .put(`/api/v1/orgs/${org}/proposal-settings`)
      .set(bearer(ownerToken))
      .send({ whoMayPropose: 'verified_organizations', requiredApprovals: 1 })
      .expect(200);
    expect((await proposal().expect(403)).body.code).toBe('proposals_verified_organizations_only');
    const lab = await createOrg(hub, outsider, 'outsider-lab');
    await hub.http().post(`/api/v1/admin/orgs/${lab}/verify`).set(owner.auth).expect(200);
    const opened = await proposal().expect(200);
    const number = prNumberOf(opened.body.pullRequestUrl);
    const refused = await hub
      .http()
      .post(v1(`proposals/${number}/merge`))
      .set(bearer(memberToken))
      .send({})
      .expect(409);
    expect(refused.body.code).toBe('approvals_required');
    await hub
      .http()
      .post(v1(`proposals/${number}/reviews`))
      .set(bearer(ownerToken))
      .send({ state: 'approved' })
      .expect(201);
    await hub
      .http()
      .post(v1(`proposals/${number}/merge`))
      .set(bearer(memberToken))
      .send({})
      .expect(200);
    await hub.http().put(`/api/v1/orgs/${org}/proposal-settings`).set(bearer(ownerToken)).send({ whoMayPropose: 'anyone', requiredApprovals: 0 }).expect(200);
  });

  it('a private model: its discussions and proposals are 404 to non-members', async () => {
    await createModel(hub, owner, { namespace: org, name: 'secret', visibility: 'private' });
    const secret = `${org}/secret`;
    await hub.http().get(`/api/models/${secret}/discussions`).set(bearer(outsiderToken)).expect(404);
    await hfCommit(hub, outsiderToken, secret, ndjson(header('x'), file('x.txt', 'x')), { createPr: true }).expect(404);
    await hub.http().post(`/api/models/${secret}/discussions`).set(bearer(outsiderToken)).send({ title: 'hello' }).expect(404);
    const own = await hub.http().post(`/api/models/${secret}/discussions`).set(bearer(memberToken)).send({ title: 'internal' }).expect(200);
    await hub.http().get(`/api/models/${secret}/discussions/${own.body.num}`).set(bearer(outsiderToken)).expect(404);
    await hub.http().get(`/api/models/${secret}/discussions/${own.body.num}`).set(bearer(memberToken)).expect(200);
  });

  it('a gated model: a proposal gives its author no access, and bytes the author may not download are refused', async () => {
    await createModel(hub, owner, { namespace: org, name: 'gated', visibility: 'gated' });
    const gated = `${org}/gated`;
    const secretWeights = randomBytes(3000);
    const up = await uploadLfsFile(lfsRepo(hub.url!, { namespace: org, name: 'gated' }, ownerToken), secretWeights);
    await hfCommit(hub, ownerToken, gated, ndjson(header('weights'), lfsFile('model.bin', up.oid, up.size), file('config.json', '{}\n'))).expect(200);

    const opened = await hfCommit(hub, outsiderToken, gated, ndjson(header('A card'), file('NOTES.md', 'notes\n')), { createPr: true }).expect(200);
    const number = prNumberOf(opened.body.pullRequestUrl);
    const download = await resolve(`refs/pr/${number}`, 'model.bin', outsiderToken, gated).redirects(0).expect(403);
    expect(download.headers['x-error-code']).toBe('GatedRepo');
    // The diff shows the list, not contents, to someone who may not download.
    const diff = await hub.http().get(`/api/v1/models/${gated}/proposals/${number}/diff`).set(bearer(outsiderToken)).expect(200);
    expect(diff.body).toMatchObject({ contents: false, files: [{ path: 'NOTES.md', status: 'added' }] });

    const copy = await hfCommit(hub, outsiderToken, gated, ndjson(header('copy'), copyFile('mine.bin', 'model.bin', up.oid)), {
      rev: `refs/pr/${number}`,
    }).expect(403);
    expect(copy.body.code).toBe('bytes_not_downloadable');
    // Naming the model's weights by hash, without uploading them: the LFS batch asks for an upload, the commit refuses.
    const batch = await hub
      .http()
      .post(`/${gated}.git/info/lfs/objects/batch`)
      .set(bearer(outsiderToken))
      .send({ operation: 'upload', transfers: ['basic'], objects: [{ oid: up.oid, size: up.size }] })
      .expect(200);
    expect(batch.body.objects[0].actions?.upload).toBeDefined();
    const named = await hfCommit(hub, outsiderToken, gated, ndjson(header('name it'), lfsFile('mine.bin', up.oid, up.size)), {
      rev: `refs/pr/${number}`,
    }).expect(403);
    expect(named.body.code).toBe('bytes_not_downloadable');
    // Members see everything, as before.
    expect((await resolve(`refs/pr/${number}`, 'model.bin', memberToken, gated).expect(200)).body).toEqual(secretWeights);
  });
});
