import { put } from '../registry/commits-support';
import { createOrg, registerUser, type TestUser } from '../support/factories';
import { createModel } from '../support/models';
import { startTestHub, type TestHub } from '../support/test-hub';
import { card, commitTo, lineage, shape } from './lineage-support';

/**
 * A depth-four lineage built through commits of cards: a dataset (cc-by-nc-4.0) → a private base
 * model → an adapter fine-tune (relation inferred from adapter_config.json) → a quantized model
 * (inferred from a GGUF file), committed before its base existed. Visibility, resolution, the
 * Hugging Face filter and the licence conflict, each right as soon as the commit answers.
 */
describe('lineage', () => {
  let hub: TestHub;
  let alice: TestUser;
  let bob: TestUser;
  const stamp = Date.now().toString(36);
  const acme = `acme${stamp}`;
  const secret = `secret${stamp}`;
  let DATA: string, BASE: string, TUNED: string, QUANT: string;

  beforeAll(async () => {
    hub = await startTestHub();
    alice = await registerUser(hub);
    bob = await registerUser(hub);
    await createOrg(hub, alice, acme);
    await createOrg(hub, alice, secret);
    DATA = `${acme}/reviews`;
    BASE = `${secret}/base`;
    TUNED = `${acme}/tuned`;
    QUANT = `${acme}/tuned-small`;
  });
  afterAll(() => hub.close());

  it('keeps a reference to a repository that does not exist as a named, unresolved node', async () => {
    await createModel(hub, alice, { namespace: acme, name: 'tuned-small' });
    await commitTo(hub, alice, 'models', QUANT, [card({ license: 'apache-2.0', base_model: TUNED }), put('model-q4.gguf', 'GGUF')]);
    const up = await lineage(hub, 'models', QUANT, { direction: 'up' });
    expect(up.nodes).toEqual([{ kind: 'model', id: TUNED, relation: 'quantized', via: QUANT, depth: 1, resolved: false, license: null, visibility: null }]);
  });

  it('resolves the references when the repositories appear, and walks the whole graph for a member', async () => {
    await createModel(hub, alice, { namespace: acme, name: 'reviews', kind: 'dataset' });
    await commitTo(hub, alice, 'datasets', DATA, [
      card({ license: 'cc-by-nc-4.0', task_categories: ['text-classification'] }),
      put('data/train.csv', 'text,label\nok,1\n'),
    ]);
    await createModel(hub, alice, { namespace: secret, name: 'base', visibility: 'private' });
    await commitTo(hub, alice, 'models', BASE, [card({ license: 'apache-2.0', datasets: [DATA] })]);
    await createModel(hub, alice, { namespace: acme, name: 'tuned' });
    // The relation is not declared: adapter_config.json makes it an adapter.
    await commitTo(hub, alice, 'models', TUNED, [
      card({ license: 'apache-2.0', base_model: BASE, datasets: [DATA] }),
      put('adapter_config.json', '{"peft_type":"LORA"}'),
    ]);

    const member = await lineage(hub, 'models', QUANT, { direction: 'up', depth: 5 }, alice.auth);
    expect(shape(member)).toEqual([`${BASE} adapter 2`, `${DATA} dataset 2`, `${TUNED} quantized 1`].sort());
    expect(member.nodes.find((n) => n.id === BASE)).toMatchObject({ kind: 'model', visibility: 'private', license: 'apache-2.0', via: TUNED, resolved: true });
    expect(member.nodes.find((n) => n.id === DATA)).toMatchObject({ kind: 'dataset', visibility: 'public', license: 'cc-by-nc-4.0' });
    expect(member.hidden).toEqual({ total: 0, byDepth: {} });
    // Depth 1 stops at the first step.
    expect(shape(await lineage(hub, 'models', QUANT, {}, alice.auth))).toEqual([`${TUNED} quantized 1`].sort());
  });

  it('counts, never names, the private node for an outsider, and does not walk past it', async () => {
    const up = await lineage(hub, 'models', QUANT, { direction: 'up', depth: 5 }, bob.auth);
    // The dataset is still reached through the public fine-tune, which names it too.
    expect(shape(up)).toEqual([`${DATA} dataset 2`, `${TUNED} quantized 1`].sort());
    expect(up.hidden).toEqual({ total: 1, byDepth: { '2': 1 } });
    expect(JSON.stringify(up)).not.toContain(secret);

    const down = await lineage(hub, 'datasets', DATA, { direction: 'down', depth: 3 });
    expect(shape(down)).toEqual([`${QUANT} quantized 2`, `${TUNED} dataset 1`].sort());
    expect(down.hidden).toEqual({ total: 1, byDepth: { '1': 1 } });
    const memberDown = await lineage(hub, 'datasets', DATA, { direction: 'down', depth: 3 }, alice.auth);
    expect(shape(memberDown)).toEqual([`${BASE} dataset 1`, `${QUANT} quantized 2`, `${TUNED} dataset 1`].sort());
    // The private repository itself is a 404 for the outsider, as everywhere.
    await hub.http().get(`/api/v1/lineage/models/${BASE}`).set(bob.auth).expect(404);
  });

  it('refuses bad parameters with a clear 400', async () => {
    const bad = async (path: string, fragment: string) => {
      const res = await hub.http().get(path).expect(400);
      expect(JSON.stringify(res.body)).toContain(fragment);
    };
    await bad(`/api/v1/lineage/spaces/${QUANT}`, 'models or datasets');
    await bad(`/api/v1/lineage/models/${QUANT}?depth=11`, 'depth must be at most 10');
    await bad(`/api/v1/lineage/models/${QUANT}?depth=0`, 'depth must be at least 1');
    await bad(`/api/v1/lineage/models/${QUANT}?direction=sideways`, 'direction must be up or down');
  });

  it('filters model listings by base_model:{relation}:{repo} (native and Hugging Face)', async () => {
    const hf = await hub
      .http()
      .get('/api/models')
      .query({ filter: `base_model:quantized:${TUNED}` })
      .expect(200);
    expect(hf.body.map((m: { id: string }) => m.id)).toEqual([QUANT]);
    expect(
      (
        await hub
          .http()
          .get('/api/models')
          .query({ filter: `base_model:finetune:${TUNED}` })
          .expect(200)
      ).body,
    ).toEqual([]);
    expect(
      (
        await hub
          .http()
          .get('/api/models')
          .query({ filter: `base_model:${TUNED}` })
          .expect(200)
      ).body.map((m: { id: string }) => m.id),
    ).toEqual([QUANT]);
    const native = await hub
      .http()
      .get('/api/v1/models')
      .query({ tag: `base_model:adapter:${BASE}` })
      .set(alice.auth)
      .expect(200);
    expect(native.body.items.map((m: { id: string }) => m.id)).toEqual([TUNED]);
    const info = await hub.http().get(`/api/models/${QUANT}`).expect(200);
    expect(info.body.tags).toEqual(expect.arrayContaining([`base_model:${TUNED}`, `base_model:quantized:${TUNED}`]));
  });

  it('lists datasets and base models in model info, and the models trained on a dataset in its info', async () => {
    const tuned = await hub.http().get(`/api/v1/models/${TUNED}`).set(bob.auth).expect(200);
    expect(tuned.body.lineage).toEqual({ baseModels: [], datasets: [{ id: DATA, resolved: true }], hiddenUpstream: 1 });
    const member = await hub.http().get(`/api/models/${TUNED}`).set(alice.auth).expect(200);
    expect(member.body.lineage).toEqual({
      baseModels: [{ id: BASE, relation: 'adapter', resolved: true }],
      datasets: [{ id: DATA, resolved: true }],
      hiddenUpstream: 0,
    });
    const data = await hub.http().get(`/api/v1/datasets/${DATA}`).set(bob.auth).expect(200);
    expect(data.body.lineage.trainedModels).toEqual({ total: 2, hidden: 1, items: [TUNED] });
    const hfData = await hub.http().get(`/api/datasets/${DATA}`).set(alice.auth).expect(200);
    expect(hfData.body.lineage.trainedModels).toEqual({ total: 2, hidden: 0, items: expect.arrayContaining([TUNED, BASE]) });
  });

  it('flags the licence conflict (cc-by-nc-4.0 dataset upstream of apache-2.0 models) in info and search, and clears it when the licence changes', async () => {
    const conflict = { repo: DATA, kind: 'dataset', license: 'cc-by-nc-4.0', reason: 'its licence cc-by-nc-4.0 does not allow commercial use' };
    const native = await hub.http().get(`/api/v1/models/${QUANT}`).set(bob.auth).expect(200);
    expect(native.body.licenseConflicts).toEqual([conflict]);
    const hf = await hub.http().get(`/api/models/${QUANT}`).set(bob.auth).expect(200);
    expect(hf.body.licenseConflicts).toEqual([conflict]);
    // Only through the private base model: an outsider learns that something hidden conflicts, not what.
    await commitTo(hub, alice, 'models', TUNED, [card({ license: 'apache-2.0', base_model: BASE }), put('adapter_config.json', '{"peft_type":"LORA"}')]);
    const hidden = await hub.http().get(`/api/v1/models/${QUANT}`).set(bob.auth).expect(200);
    expect(hidden.body.licenseConflicts).toEqual([
      { repo: null, kind: 'dataset', license: null, reason: 'a repository upstream that you may not see forbids commercial use' },
    ]);
    expect((await hub.http().get(`/api/v1/models/${QUANT}`).set(alice.auth).expect(200)).body.licenseConflicts).toEqual([conflict]);

    const flagged = await hub.http().get('/api/v1/search').query({ org: acme, licenseConflict: true }).expect(200);
    expect(flagged.body.items.map((i: { id: string }) => i.id).sort()).toEqual([QUANT, TUNED].sort());
    expect(flagged.body.items.every((i: { licenseConflict: boolean }) => i.licenseConflict)).toBe(true);
    const all = await hub.http().get('/api/v1/search').query({ org: acme }).expect(200);
    expect(all.body.facets.licenseConflict).toEqual([{ value: 'true', count: 2 }]);

    // The dataset's licence changes: every descendant is clear as soon as the commit answers.
    await commitTo(hub, alice, 'datasets', DATA, [card({ license: 'cc-by-4.0', task_categories: ['text-classification'] })]);
    expect((await hub.http().get(`/api/v1/models/${QUANT}`).set(alice.auth).expect(200)).body.licenseConflicts).toEqual([]);
    expect((await hub.http().get(`/api/models/${TUNED}`).expect(200)).body.licenseConflicts).toEqual([]);
    expect((await hub.http().get('/api/v1/search').query({ org: acme, licenseConflict: true }).expect(200)).body.total).toBe(0);
  });

  it('a custom offer that forbids commercial use upstream conflicts too; a non-commercial model has no conflict', async () => {
    const offer = { kind: 'custom', title: 'Research', approval: 'auto', terms: 'Research only', commercialUse: false };
    const res = await hub.http().post(`/api/v1/datasets/${DATA}/offers`).set(alice.auth).send(offer).expect(201);
    const quant = await hub.http().get(`/api/v1/models/${QUANT}`).set(alice.auth).expect(200);
    expect(quant.body.licenseConflicts).toEqual([{ repo: DATA, kind: 'dataset', license: 'cc-by-4.0', reason: 'its licence offer forbids commercial use' }]);
    expect((await hub.http().get('/api/v1/search').query({ org: acme, licenseConflict: true }).expect(200)).body.total).toBe(2);
    await hub.http().post(`/api/v1/offers/${res.body.id}/withdraw`).set(alice.auth).expect(200);
    expect((await hub.http().get(`/api/v1/models/${QUANT}`).set(alice.auth).expect(200)).body.licenseConflicts).toEqual([]);
    await hub.http().post(`/api/v1/datasets/${DATA}/offers`).set(alice.auth).send(offer).expect(201);
    await commitTo(hub, alice, 'models', QUANT, [card({ license: 'cc-by-nc-4.0', base_model: TUNED, datasets: [DATA] })]);
    expect((await hub.http().get(`/api/v1/models/${QUANT}`).set(alice.auth).expect(200)).body.licenseConflicts).toEqual([]);
  });

  it('follows a moved repository through its redirect', async () => {
    await hub
      .http()
      .post('/api/repos/move')
      .set(alice.auth)
      .send({ fromRepo: TUNED, toRepo: `${acme}/tuned-v2`, type: 'model' })
      .expect(200);
    const up = await lineage(hub, 'models', QUANT, {}, alice.auth);
    expect(up.nodes.filter((n) => n.kind === 'model')).toEqual([expect.objectContaining({ id: `${acme}/tuned-v2`, resolved: true, relation: 'quantized' })]);
    const down = await lineage(hub, 'models', `${acme}/tuned-v2`, { direction: 'down' }, alice.auth);
    expect(shape(down)).toEqual([`${QUANT} quantized 1`].sort());
  });

  it('a deleted upstream repository becomes an unresolved node again, and its conflicts go with it', async () => {
    const flagged = async () =>
      (await hub.http().get('/api/v1/search').query({ org: acme, licenseConflict: true }).expect(200)).body.items.map((i: { id: string }) => i.id);
    // The research-only offer on the dataset still conflicts with the apache-2.0 fine-tune.
    expect(await flagged()).toEqual([`${acme}/tuned-v2`]);
    await hub.http().delete(`/api/v1/datasets/${DATA}`).set(alice.auth).expect(204);
    expect(await flagged()).toEqual([]);
    const up = await lineage(hub, 'models', QUANT, {}, alice.auth);
    expect(up.nodes.find((n) => n.kind === 'dataset')).toMatchObject({ id: DATA, resolved: false, license: null, visibility: null });
  });
});
