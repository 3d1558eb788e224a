import { useState } from 'preact/hooks';
import { api, enc } from '../api';
import { ErrorBox } from '../components/error-box';
import { useI18n } from '../i18n';
import { type RepoKind, repoApi } from '../repo-kind';
import type { Offer } from '../types';
import { useSubmit } from '../use-submit';

const splitList = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const intOrNull = (v: string) => (v.trim() === '' ? null : Number(v));

/** A question keeps its id while its text stays (answers already given are keyed by it); a new one gets a free `qN`. */
function questionsOf(text: string, before: Offer['questions']) {
  const used = new Set(before.map((q) => q.id));
  let n = 0;
  const freshId = () => {
    while (used.has(`q${++n}`));
    return `q${n}`;
  };
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const question = line.replace(/^\?\s*/, '');
      return { id: before.find((q) => q.text === question)?.id ?? freshId(), text: question, required: !line.startsWith('?') };
    });
}

/** The offer's fields from the form, as the hub's offer routes take them. */
function offerBody(form: FormData, kind: string, before: Offer['questions']) {
  const get = (k: string) => String(form.get(k) ?? '');
  const amount = get('priceAmount').trim();
  const questions = questionsOf(get('questions'), before);
  return {
    title: get('title'),
    description: get('description'),
    ...(kind === 'open' ? { spdxId: get('spdxId') } : { terms: get('terms'), approval: get('approval') }),
    commercialUse: form.get('commercialUse') === 'on',
    fieldsOfUse: splitList(get('fieldsOfUse')),
    territories: splitList(get('territories')),
    seats: intOrNull(get('seats')),
    durationDays: intOrNull(get('durationDays')),
    price: amount ? { amount, currency: get('priceCurrency') || 'EUR', period: get('pricePeriod') } : null,
    questions,
  };
}

/**
 * Creates an offer, or edits one: the hub makes a new terms version when the terms or conditions
 * change (title, description, approval and questions change in place).
 */
export function OfferForm({
  ns,
  name,
  offer,
  onSaved,
  repoKind = 'model',
}: {
  ns: string;
  name: string;
  offer?: Offer;
  onSaved: (o: Offer) => void;
  repoKind?: RepoKind;
}) {
  const { t } = useI18n();
  const [kind, setKind] = useState<'open' | 'custom'>(offer?.kind ?? 'custom');
  const { busy, error, onSubmit } = useSubmit(async (form) => {
    const body = offerBody(form, kind, offer?.questions ?? []);
    onSaved(
      offer
        ? await api<Offer>(`/api/v1/offers/${enc(offer.id)}`, { method: 'PATCH', body })
        : await api<Offer>(`${repoApi({ kind: repoKind, ns, name })}/offers`, { method: 'POST', body: { kind, ...body } }),
    );
  });
  const questions = (offer?.questions ?? []).map((q) => `${q.required ? '' : '? '}${q.text}`).join('\n');
  return (
    <form onSubmit={onSubmit} class="offer-form" aria-label={t(offer ? 'offer.edit' : 'offer.new')}>
      {!offer && (
        <fieldset>
          <legend>{t('offer.kind')}</legend>
          <label class="check">
            <input type="radio" name="kind" checked={kind === 'custom'} onChange={() => setKind('custom')} />
            {t('offer.custom')}
          </label>
          <label class="check">
            <input type="radio" name="kind" checked={kind === 'open'} onChange={() => setKind('open')} />
            {t('offer.open')}
          </label>
        </fieldset>
      )}
      <label>
        {t('offer.titleField')}
        <input name="title" required maxLength={200} value={offer?.title} />
      </label>
      <label>
        {t('offer.description')}
        <input name="description" maxLength={5000} value={offer?.description} />
      </label>
      {kind === 'open' ? (
        <label>
          {t('offer.spdx')}
          <input name="spdxId" required value={offer?.spdxId ?? ''} placeholder="apache-2.0" />
        </label>
      ) : (
        <>
          <label>
            {t('offer.terms')}
            <textarea name="terms" required rows={6} value={offer?.terms ?? ''} />
          </label>
          <label>
            {t('offer.approval')}
            <select name="approval" value={offer?.approval ?? 'manual'}>
              <option value="manual">{t('offer.manual')}</option>
              <option value="auto">{t('offer.auto')}</option>
            </select>
          </label>
        </>
      )}
      <label class="check">
        <input type="checkbox" name="commercialUse" checked={offer?.commercialUse ?? kind === 'open'} />
        {t('offer.commercial')}
      </label>
      <div class="grid2">
        <label>
          {t('offer.fieldsHint')}
          <input name="fieldsOfUse" value={offer?.fieldsOfUse.join(', ')} />
        </label>
        <label>
          {t('offer.territoriesHint')}
          <input name="territories" value={offer?.territories.join(', ')} />
        </label>
        <label>
          {t('offer.seats')}
          <input name="seats" type="number" min={1} value={offer?.seats ?? ''} />
        </label>
        <label>
          {t('offer.durationDays')}
          <input name="durationDays" type="number" min={1} value={offer?.durationDays ?? ''} />
        </label>
        <label>
          {t('offer.priceAmount')}
          <input name="priceAmount" inputMode="decimal" pattern="\d{1,14}(\.\d{1,4})?" value={offer?.price?.amount ?? ''} />
        </label>
        <label>
          {t('offer.priceCurrency')}
          <input name="priceCurrency" maxLength={3} value={offer?.price?.currency ?? 'EUR'} />
        </label>
        <label>
          {t('offer.pricePeriod')}
          <select name="pricePeriod" value={offer?.price?.period ?? 'year'}>
            {(['once', 'month', 'year', 'per-call'] as const).map((p) => (
              <option key={p} value={p}>
                {t(`offer.period.${p}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label>
        {t('offer.questions')}
        <textarea name="questions" rows={3} value={questions} />
      </label>
      {error != null && <ErrorBox error={error} />}
      <button type="submit" disabled={busy}>
        {t(offer ? 'offer.save' : 'offer.publish')}
      </button>
    </form>
  );
}
