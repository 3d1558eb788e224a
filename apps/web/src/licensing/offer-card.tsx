import { formatNumber, type Translate, useI18n } from '../i18n';
import { renderCard } from '../markdown';
import type { Offer, Price } from '../types';

export const formatPrice = (p: Price | null, t: Translate) =>
  p ? `${p.amount} ${p.currency}${p.period === 'once' ? '' : ` / ${t(`offer.period.${p.period}`)}`}` : t('offer.free');

/** An offer as a buyer reads it: its conditions, then its terms (Markdown, sanitized as cards are). */
export function OfferCard({ offer, children }: { offer: Offer; children?: preact.ComponentChildren }) {
  const { t, lang } = useI18n();
  const list = (items: string[], none: string) => (items.length ? items.join(', ') : none);
  return (
    <article class="offer" aria-labelledby={`offer-${offer.id}`} data-testid="offer">
      <h3 id={`offer-${offer.id}`}>
        {offer.title}
        {offer.status === 'withdrawn' && <span class="badge warn">{t('offer.withdrawn')}</span>}
      </h3>
      {offer.description && <p>{offer.description}</p>}
      <dl class="terms-facts">
        <dt>{t('offer.kind')}</dt>
        <dd>{offer.kind === 'open' ? `${t('offer.open')} (${offer.spdxId ?? ''})` : t(offer.approval === 'manual' ? 'offer.manual' : 'offer.auto')}</dd>
        <dt>{t('offer.termsVersion')}</dt>
        <dd data-testid="terms-version">{offer.termsVersion}</dd>
        <dt>{t('offer.price')}</dt>
        <dd>{formatPrice(offer.price, t)}</dd>
        <dt>{t('offer.seats')}</dt>
        <dd>{offer.seats == null ? t('offer.unlimited') : formatNumber(lang, offer.seats)}</dd>
        <dt>{t('offer.commercial')}</dt>
        <dd>{t(offer.commercialUse ? 'yes' : 'no')}</dd>
        <dt>{t('offer.fields')}</dt>
        <dd>{list(offer.fieldsOfUse, t('offer.anyField'))}</dd>
        <dt>{t('offer.territories')}</dt>
        <dd>{list(offer.territories, t('offer.worldwide'))}</dd>
        <dt>{t('offer.duration')}</dt>
        <dd>{offer.durationDays == null ? t('offer.noEnd') : t('offer.days', { n: offer.durationDays })}</dd>
      </dl>
      {offer.terms && (
        <details open>
          <summary>{t('offer.readTerms', { v: offer.termsVersion })}</summary>
          <div class="card terms" data-testid="offer-terms" dangerouslySetInnerHTML={{ __html: renderCard(offer.terms) }} />
        </details>
      )}
      {children}
    </article>
  );
}
